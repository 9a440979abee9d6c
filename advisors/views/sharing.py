"""The firm's side: share a submitted assessment with an organisation, or withdraw it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from advisors import services
from advisors.models import Organisation
from config.ratelimit import rate_limit
from readiness.access import holder_view


def _back(assessment) -> str:
    return reverse("readiness:results", kwargs={"public_id": assessment.public_id}) + "#sharing"


@require_POST
@rate_limit("share")
@holder_view
def share(request: HttpRequest, assessment, organisation_slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=organisation_slug)
    try:
        services.share_create(assessment=assessment, organisation=organisation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Shared with {organisation.name}. Its advisors can now see "
                                  "this assessment; you can withdraw it at any time.")
    return redirect(_back(assessment))


@require_POST
@holder_view
def withdraw(request: HttpRequest, assessment, organisation_slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=organisation_slug)
    services.share_withdraw(assessment=assessment, organisation=organisation)
    messages.success(request, f"{organisation.name} can no longer see this assessment.")
    return redirect(_back(assessment))


@require_POST
@holder_view
def share_again(request: HttpRequest, assessment) -> HttpResponse:
    """Share a re-assessment with the organisations the previous one was shared with."""
    try:
        shares = services.share_like_previous(assessment=assessment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if shares:
            names = ", ".join(share.organisation.name for share in shares)
            messages.success(request, f"Shared with {names}, as your previous assessment was. "
                                      "You can withdraw it at any time.")
        else:
            messages.info(request, "There was nothing new to share: the organisations your "
                                   "previous assessment was shared with already see this one.")
    return redirect(_back(assessment))
