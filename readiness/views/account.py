"""Optional firm accounts: keep a firm's assessments in one place (the private link still works)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model, login, password_validation
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_GET, require_http_methods

from config.ratelimit import login_throttle
from readiness.models import Assessment, FirmAccount
from readiness.views.assessment import holder_view

# Firm accounts sign in with the model backend; axes still counts their failures.
BACKEND = "django.contrib.auth.backends.ModelBackend"


class AccountForm(forms.Form):
    email = forms.EmailField(label="Email address", max_length=150)
    password1 = forms.CharField(label="Password", strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label="Password again", strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}))

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if get_user_model().objects.filter(username__iexact=email).exists():
            raise ValidationError("An account with this email address exists already: sign in "
                                  "first, then add this firm to it.", code="exists")
        return email

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords differ.")
        elif first:
            try:
                password_validation.validate_password(
                    first, get_user_model()(username=cleaned.get("email", "")))
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


@require_http_methods(["GET", "POST"])
@holder_view
def keep(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    """Create an account for this firm, or add the firm to the signed-in account."""
    if request.user.is_authenticated and not hasattr(request.user, "membership"):
        if request.method == "POST":
            FirmAccount.objects.get_or_create(user=request.user, firm=assessment.firm)
            messages.success(request, f"{assessment.company_name} is now in your account.")
            return redirect("readiness:account")
        return render(request, "readiness/account/keep.html", {"assessment": assessment})
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                user = get_user_model().objects.create_user(
                    username=form.cleaned_data["email"], email=form.cleaned_data["email"],
                    password=form.cleaned_data["password1"])
                FirmAccount.objects.create(user=user, firm=assessment.firm)
        except IntegrityError:
            form.add_error("email", "An account with this email address exists already.")
        else:
            login(request, user, backend=BACKEND)
            messages.success(request, "Your account is ready: all of this firm's assessments "
                                      "are listed here. Your private link keeps working too.")
            return redirect("readiness:account")
    return render(request, "readiness/account/keep.html",
                  {"assessment": assessment, "form": form}, status=400 if form.errors else 200)


@require_GET
@login_required(login_url=reverse_lazy("readiness:account_login"))
def account(request: HttpRequest) -> HttpResponse:
    firms = FirmAccount.objects.filter(user=request.user).values_list("firm_id", flat=True)
    assessments = (Assessment.objects.filter(firm_id__in=firms)
                   .select_related("firm").order_by("firm__name", "-created_at"))
    return render(request, "readiness/account/home.html", {"assessments": assessments})


class FirmLoginView(LoginView):
    template_name = "readiness/account/login.html"
    redirect_authenticated_user = True
    next_page = reverse_lazy("readiness:account")


account_login = login_throttle(FirmLoginView.as_view())
