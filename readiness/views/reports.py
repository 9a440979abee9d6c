"""Report downloads for the holder of an assessment's private link."""

from __future__ import annotations

import io
import logging

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from config.ratelimit import rate_limit
from readiness.models import Assessment
from readiness.reports.rendering import ReportRenderError
from readiness.reports.services import report_get_or_render
from readiness.views.assessment import holder_view

logger = logging.getLogger(__name__)


@require_GET
@rate_limit("pdf")
@holder_view
def report_download(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    """The PDF as an attachment; a draft's is watermarked; a failure is a page, not a 500."""
    return report_response(request, assessment)


def report_response(request: HttpRequest, assessment: Assessment, *,
                    organisation_id: int | None = None) -> HttpResponse:
    """The report as a PDF attachment for the firm (or one organisation's advisors)."""
    try:
        report = report_get_or_render(assessment=assessment, organisation_id=organisation_id)
    except ReportRenderError:
        logger.exception("Report download failed for assessment %s", assessment.pk)
        return render(request, "reports/failed.html", {"assessment": assessment}, status=503)
    response = FileResponse(
        io.BytesIO(report.content), as_attachment=True, filename=report.filename,
        content_type="application/pdf",
    )
    # The report holds a firm's private results: no shared cache may keep it.
    response["Cache-Control"] = "private, no-store"
    return response
