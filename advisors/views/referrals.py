"""Referrals from a case to a programme, and their outcomes."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from advisors import selectors, services
from advisors.access import advisor_required, share_for_member
from advisors.forms import ReferralForm, ReferralUpdateForm
from advisors.models import Referral
from advisors.views.workspace import review_context


@require_POST
@advisor_required
def add_referral(request: HttpRequest, share_id: int) -> HttpResponse:
    share = share_for_member(request, share_id)
    form = ReferralForm(request.POST, country=share.assessment.country)
    if form.is_valid():
        try:
            referral = services.referral_create(share=share,
                                                programme=form.cleaned_data["programme"],
                                                referred_by=request.user,
                                                note=form.cleaned_data["note"])
        except ValidationError as error:
            form.add_error("programme", error)
        else:
            messages.success(request, f"Referred to {referral.programme_name}.")
            return redirect(share.get_absolute_url() + "#referrals")
    return render(request, "advisors/review.html",
                  {**review_context(request, share), "referral_form": form}, status=400)


@require_POST
@advisor_required
def update_referral(request: HttpRequest, share_id: int, referral_id: int) -> HttpResponse:
    share = share_for_member(request, share_id)
    referral = get_object_or_404(Referral, pk=referral_id, share__in=selectors.case_shares(share))
    form = ReferralUpdateForm(request.POST, instance=Referral.objects.get(pk=referral.pk))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.referral_update(referral=referral, **data)
        except ValidationError as error:
            for field, field_errors in error.message_dict.items():
                for message in field_errors:
                    form.add_error(field, message)
        else:
            messages.success(request, f"{referral.programme_name}: "
                                      f"{referral.get_status_display().lower()}.")
            return redirect(share.get_absolute_url() + "#referrals")
    return render(request, "advisors/review.html",
                  review_context(request, share, referral_forms={referral.pk: form}), status=400)
