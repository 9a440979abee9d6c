"""Optional firm accounts: keep a firm's assessments in one place (the private link still works)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model, login, password_validation
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, redirect_to_login
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_GET, require_http_methods

from config.ratelimit import login_throttle, within_limit
from readiness import services
from readiness.access import holder_view
from readiness.models import Assessment, FirmAccount
from readiness.views.assessment import masked

# Firm accounts sign in with the model backend; axes still counts their failures.
BACKEND = "django.contrib.auth.backends.ModelBackend"


class AccountPasswordForm(forms.Form):
    """The password of a new firm account; its address is the one the emailed link proved."""

    password1 = forms.CharField(label="Password", strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label="Password again", strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}))

    def __init__(self, *args, email: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords differ.")
        elif first:
            try:
                password_validation.validate_password(
                    first, get_user_model()(username=self.email, email=self.email))
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


def _is_firm_user(request: HttpRequest) -> bool:
    return request.user.is_authenticated and not hasattr(request.user, "membership")


@require_http_methods(["GET", "POST"])
@holder_view
def keep(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    """Keep this firm in an account. The resume link alone grants one assessment, never the
    firm: an account needs the firm's confirmed contact address, and the link we email there.
    The answer is the same whether that address has an account already or not."""
    address = assessment.contact_email
    verified = bool(address and assessment.contact_email_verified_at)
    if request.method == "POST" and verified:
        if not within_limit(request, "email", key=address.lower()):
            messages.warning(request, f"We sent a link to {masked(address)} recently: look for it "
                                      "in that inbox (and its spam folder), or ask again in an "
                                      "hour.")
        elif services.account_link_send(assessment=assessment,
                                        user=request.user if _is_firm_user(request) else None):
            messages.success(request, f"We sent a link to {masked(address)}, the firm's "
                                      "confirmed address. Open it to finish: the account holds "
                                      "the firm once the link is opened.")
        else:
            messages.warning(request, "We could not send the email just now; please try again "
                                      "later.")
        return redirect("readiness:access", public_id=assessment.public_id)
    return render(request, "readiness/account/keep.html", {
        "assessment": assessment, "verified": verified,
        "masked_address": masked(address) if address else "",
        "adding": _is_firm_user(request),
    })


@require_http_methods(["GET", "POST"])
def account_confirm(request: HttpRequest, signed: str) -> HttpResponse:
    """The emailed link: set a password for a new account, or add the firm to the signed-in
    account it was asked for. Whoever opens it has shown they read the firm's contact mail."""
    link = services.account_link_read(signed=signed)
    if link is None:
        return render(request, "readiness/account/confirm.html", {"invalid": True}, status=400)
    users = get_user_model().objects
    owner = (users.filter(pk=link.user_id).first() if link.user_id is not None
             else users.filter(username__iexact=link.email).first())
    if owner is not None:
        if request.user.pk != owner.pk:
            return redirect_to_login(request.get_full_path(),
                                     login_url=reverse("readiness:account_login"))
        if request.method == "POST":
            services.firm_account_add(user=owner, firm=link.firm)
            messages.success(request, f"{link.firm.name} is now in your account.")
            return redirect("readiness:account")
        return render(request, "readiness/account/confirm.html",
                      {"firm": link.firm, "adding": True})
    form = AccountPasswordForm(request.POST or None, email=link.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.firm_account_create(email=link.email, firm=link.firm,
                                                password=form.cleaned_data["password1"])
        except IntegrityError:  # the same link opened twice at once
            return redirect(request.get_full_path())
        login(request, user, backend=BACKEND)
        messages.success(request, "Your account is ready: all of this firm's assessments are "
                                  "listed here. Your private link keeps working too.")
        return redirect("readiness:account")
    return render(request, "readiness/account/confirm.html",
                  {"firm": link.firm, "email": link.email, "form": form},
                  status=400 if form.errors else 200)


@require_GET
@login_required(login_url=reverse_lazy("readiness:account_login"))
def account(request: HttpRequest) -> HttpResponse:
    firms = FirmAccount.objects.filter(user=request.user.pk).values_list("firm_id", flat=True)
    assessments = (Assessment.objects.filter(firm_id__in=firms)
                   .select_related("firm").order_by("firm__name", "-created_at"))
    return render(request, "readiness/account/home.html", {"assessments": assessments})


class FirmLoginView(LoginView):
    template_name = "readiness/account/login.html"
    redirect_authenticated_user = True
    next_page = reverse_lazy("readiness:account")  # type: ignore[assignment]  # a lazy URL


account_login = login_throttle(FirmLoginView.as_view())
