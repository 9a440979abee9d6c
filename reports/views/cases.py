"""The advisor's case page: the firm's results with the case around them (status, notes,
actions, referrals, peers), and the forms on it, which show the page again with their errors."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from advisors import selectors, services
from advisors.access import MemberRequest, advisor_required, share_for_member
from advisors.cohorts import MIN_COHORT
from advisors.forms import (
    ActionForm,
    CaseUpdateForm,
    NoteForm,
    ReferralForm,
    ReferralUpdateForm,
)
from advisors.models import Action, Note, Referral, Share
from readiness.dma import dma_profile
from reports.selectors import results_context


def review_context(request: MemberRequest, share: Share,
                   referral_forms: dict[int, ReferralUpdateForm] | None = None) -> dict:
    context = results_context(share.assessment)
    spec = context.spec
    history = selectors.firm_history(share)
    case = selectors.case_shares(share)
    referral_steps = selectors.referral_steps(case)
    return {
        **context.template_context(),
        "share": share,
        "case_form": CaseUpdateForm(instance=share),
        "note_form": NoteForm(),
        "action_form": ActionForm(spec=spec),
        "notes": Note.objects.filter(share__in=case).select_related("author"),
        "actions": Action.objects.filter(share__in=case),
        "referral_form": ReferralForm(country=share.assessment.country),
        "dma": dma_profile((share.assessment.scores or {}).get("dimensions") or {}),
        "referrals": [(referral, (referral_forms or {}).get(referral.pk)
                       or ReferralUpdateForm(instance=referral), referral_steps[referral.pk])
                      for referral in Referral.objects.filter(share__in=case)
                      .select_related("programme")],
        "peers": selectors.peer_comparison(share.assessment, spec),
        "min_cohort": MIN_COHORT,
        "firm_history": history,
        "case_history": share.history.select_related("history_user").order_by("-history_date")[:20],
    }


def _review_again(request: MemberRequest, share: Share, **bound_forms: BaseForm) -> HttpResponse:
    """The case page again with the form that failed validation, its errors shown (400)."""
    return render(request, "advisors/review.html",
                  {**review_context(request, share), **bound_forms}, status=400)


@require_GET
@advisor_required
def review(request: MemberRequest, share_id: int) -> HttpResponse:
    share = share_for_member(request, share_id)
    return render(request, "advisors/review.html", review_context(request, share))


@require_POST
@advisor_required
def update_case(request: MemberRequest, share_id: int) -> HttpResponse:
    share = share_for_member(request, share_id)
    form = CaseUpdateForm(request.POST, instance=Share.objects.get(pk=share.pk))
    if form.is_valid():
        try:
            services.share_update(share=share, status=form.cleaned_data["status"],
                                  assigned_advisor=form.cleaned_data["assigned_advisor"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Case updated.")
            return redirect(share)
    return _review_again(request, share, case_form=form)


@require_POST
@advisor_required
def add_note(request: MemberRequest, share_id: int) -> HttpResponse:
    share = share_for_member(request, share_id)
    form = NoteForm(request.POST)
    if form.is_valid():
        note = services.note_add(share=share, author=request.user, text=form.cleaned_data["text"],
                                 audience=form.cleaned_data["audience"])
        messages.success(request, "Note added for the firm to read." if note.is_for_firm
                         else "Internal note added: the firm does not see it.")
        return redirect(share.get_absolute_url() + "#notes")
    return _review_again(request, share, note_form=form)


@require_POST
@advisor_required
def add_action(request: MemberRequest, share_id: int) -> HttpResponse:
    share = share_for_member(request, share_id)
    spec = share.assessment.framework.spec
    form = ActionForm(request.POST, spec=spec)
    if form.is_valid():
        services.action_add(share=share, author=request.user, **form.cleaned_data)
        messages.success(request, "Action added.")
        return redirect(share.get_absolute_url() + "#actions")
    return _review_again(request, share, action_form=form)


@require_POST
@advisor_required
def add_referral(request: MemberRequest, share_id: int) -> HttpResponse:
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
def update_referral(request: MemberRequest, share_id: int, referral_id: int) -> HttpResponse:
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
