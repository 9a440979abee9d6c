"""The holder's say over who opens an assessment: the contact address (double opt-in), the
private link (replace it) and the firm accounts that hold the firm (see them, remove them)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.ratelimit import within_limit
from readiness import services
from readiness.access import grant, holder_view, unseal
from readiness.models import Assessment, FirmAccount
from readiness.views.assessment import confirmation_send, resume_link


@require_GET
@holder_view
def access(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    accounts = (FirmAccount.objects.filter(firm_id=assessment.firm_id)
                .select_related("user").order_by("created_at"))
    return render(request, "readiness/access.html", {
        "assessment": assessment, "accounts": accounts,
        "resume_link": resume_link(request, assessment)})


@require_POST
@holder_view
def confirmation_resend(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    confirmation_send(request, assessment)
    return redirect("readiness:access", public_id=assessment.public_id)


@require_POST
@holder_view
def link_rotate(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    token = services.assessment_link_rotate(assessment=assessment)
    grant(request, assessment, token)
    emailed = (assessment.contact_email_verified_at is not None
               and within_limit(request, "email", key=assessment.contact_email.lower())
               and services.resume_link_send(assessment=assessment, token=token))
    messages.success(request, "Your private link has been replaced. The old link, and every "
                              "browser that opened it, no longer open this assessment."
                     + (" We emailed the new link to your confirmed address." if emailed else
                        " Copy the new link below and keep it safe."))
    return redirect("readiness:access", public_id=assessment.public_id)


@require_POST
@holder_view
def account_revoke(request: HttpRequest, assessment: Assessment, account_id: int) -> HttpResponse:
    if services.firm_account_revoke(firm=assessment.firm, account_id=account_id):
        messages.success(request, "That account can no longer open this firm's assessments.")
    else:
        messages.info(request, "That account had no access to this firm (any more).")
    return redirect("readiness:access", public_id=assessment.public_id)


@require_http_methods(["GET", "POST"])
def email_confirm(request: HttpRequest, signed: str) -> HttpResponse:
    """The link in the confirmation email. A GET only shows a button (mail scanners open links),
    the POST confirms; then the private link is emailed to the proved address."""
    confirmation = services.contact_confirmation_read(signed=signed)
    if confirmation is None:
        return render(request, "readiness/confirm_email.html", {"invalid": True}, status=400)
    assessment = confirmation.assessment
    context: dict[str, object] = {"address": assessment.contact_email}
    if request.method == "POST":
        if not services.contact_email_confirm(assessment=assessment):
            context["already"] = True
        else:
            token = unseal(confirmation.sealed_token)
            context["confirmed"] = True
            context["link_sent"] = bool(
                token and services.token_opens(assessment=assessment, token=token)
                and services.resume_link_send(assessment=assessment, token=token))
    return render(request, "readiness/confirm_email.html", context)
