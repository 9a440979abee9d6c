"""The link holder's data rights: download everything as JSON; erase the assessment."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from readiness import privacy
from readiness.access import SESSION_KEY, holder_view
from readiness.models import Assessment

CONFIRM_FIELD = "confirm"


@require_GET
@holder_view
def data_export(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    document = privacy.assessment_export(assessment=assessment)
    response = HttpResponse(
        json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="readiness-assessment-{assessment.public_id}.json"'
    )
    # The body is the firm's data: no shared cache or browser cache may keep a copy.
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
@holder_view
def erase(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    """A confirmation page; the erase itself needs the box ticked and a POST."""
    error = None
    if request.method == "POST":
        if request.POST.get(CONFIRM_FIELD) == "yes":
            public_id = str(assessment.public_id)
            erased = privacy.assessment_erase(assessment=assessment)
            tokens = dict(request.session.get(SESSION_KEY, {}))
            tokens.pop(public_id, None)
            request.session[SESSION_KEY] = tokens
            if erased is None:  # a second click while the first erase ran
                messages.info(request, "This assessment has been erased already.")
            else:
                messages.success(request, "Your assessment and its answers have been erased. "
                                          "Its private link no longer opens anything.")
            return redirect("readiness:home")
        error = "Tick the box to confirm that you want to erase this assessment."
    return render(request, "readiness/privacy/erase_confirm.html",
                  {"assessment": assessment, "error": error, "confirm_field": CONFIRM_FIELD},
                  status=400 if error else 200)
