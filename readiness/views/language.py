"""The language switcher's target: Django's set_language, and the assessment's language."""

from __future__ import annotations

import functools
import uuid

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from readiness import services
from readiness.access import LinkExpired, assessment_for_holder
from readiness.languages import language_supported
from readiness.models import Assessment


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Remember the chosen language (Django's cookie) and, when the switch is made on an
    assessment's pages by the holder of its link, keep it with the assessment: its PDF comes
    in it. Anyone else's switch (an advisor on a shared case, a forged id) changes only the
    pages they see."""
    response = set_language(request)
    language = language_supported(request.POST.get("language"))
    try:
        public_id = uuid.UUID(request.POST.get("assessment", "")[:64])
    except ValueError:
        return response
    if language is None:
        return response
    try:
        assessment = assessment_for_holder(request, public_id)
    except (Http404, PermissionDenied, LinkExpired):
        return response
    services.assessment_set_language(assessment=assessment, language=language)
    return response


def in_assessment_language(view):
    """For a view of one assessment (after ``holder_view``) that renders a PDF: render it in the
    language kept with the assessment, whatever the page's language (issue 17)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, assessment: Assessment, **kwargs):
        with translation.override(language_supported(assessment.language) or "en-gb"):
            return view(request, assessment, **kwargs)

    return wrapper
