"""Report downloads for the holder of an assessment's private link."""

from __future__ import annotations

import io
import logging

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.tasks import TaskResult, TaskResultStatus
from django.tasks.exceptions import TaskResultDoesNotExist
from django.urls import reverse
from django.views.decorators.http import require_GET
from django_ratelimit.core import is_ratelimited

from config.ratelimit import client_address, rate_limit, too_many_requests
from readiness.models import Assessment
from readiness.reports.services import ReportFile, report_stored_current
from readiness.reports.tasks import render_report
from readiness.views.assessment import holder_view

logger = logging.getLogger(__name__)


@require_GET
@rate_limit("pdf")
@holder_view
def report_download(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    """The PDF as an attachment; a draft's is watermarked; a failure is a page, not a 500."""
    return report_response(request, assessment)


@require_GET
@holder_view
def report_progress(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    """Where a firm waits while its PDF is rendered by the worker (polled by htmx)."""
    back = ("readiness:review", "Back to your answers") if assessment.is_draft else (
        "readiness:results", "Back to your results")
    return report_progress_response(
        request, assessment, download_url=reverse("readiness:report", args=[assessment.public_id]),
        back_url=reverse(back[0], args=[assessment.public_id]), back_label=back[1])


def report_response(request: HttpRequest, assessment: Assessment, *,
                    organisation_id: int | None = None,
                    progress_url: str | None = None,
                    language: str | None = None) -> HttpResponse:
    """The stored PDF if it is current; else a render queued for the worker and its progress page.

    Rendering takes seconds of CPU, so it never happens in a web request (F8): a client's
    renders are counted against ``RATELIMITS["pdf_render"]``; asking again while one is queued
    queues nothing. With an inline task backend the report exists once queued and is served.
    """
    progress_url = progress_url or reverse("readiness:report_progress",
                                           args=[assessment.public_id])
    report = report_stored_current(assessment=assessment, organisation_id=organisation_id,
                                   language=language)
    if report is None:
        if not _render_in_flight(request, assessment, organisation_id, language):
            if is_ratelimited(request, group="readiness:pdf_render", key=client_address,
                              rate=settings.RATELIMITS["pdf_render"], increment=True):
                return too_many_requests(request, settings.RATELIMITS["pdf_render"])
            result = _render_request(request, assessment, organisation_id, language)
            if result.status == TaskResultStatus.FAILED:  # an inline backend ran it already
                logger.error("Report download failed for assessment %s", assessment.pk)
                return render(request, "reports/failed.html", {"assessment": assessment},
                              status=503)
        report = report_stored_current(assessment=assessment, organisation_id=organisation_id,
                                       language=language)
    if report is None:
        return redirect(progress_url)
    return pdf_response(report)


def pdf_response(report: ReportFile) -> HttpResponse:
    response = FileResponse(
        io.BytesIO(report.content), as_attachment=True, filename=report.filename,
        content_type="application/pdf",
    )
    # The report holds a firm's private results: no shared cache may keep it.
    response["Cache-Control"] = "private, no-store"
    return response


def report_progress_response(request: HttpRequest, assessment: Assessment, *,
                             download_url: str, back_url: str, back_label: str,
                             organisation_id: int | None = None,
                             language: str | None = None) -> HttpResponse:
    """The progress page (or, for htmx, its polled part): queued, rendering, ready or failed."""
    # The task's state first: while it is queued or running, each poll costs one small query
    # instead of building the report's context to compare fingerprints.
    state = _render_state(request, assessment, organisation_id, language)
    if state not in ("queued", "rendering") and report_stored_current(
            assessment=assessment, organisation_id=organisation_id, language=language):
        state = "ready"
    context = {"assessment": assessment, "state": state, "download_url": download_url,
               "progress_url": request.path, "back_url": back_url, "back_label": back_label}
    template = "reports/progress.html#progress" if request.htmx else "reports/progress.html"
    return render(request, template, context)


# The render a client is waiting for, per assessment and audience, kept in its session.
RENDERS_SESSION_KEY = "report_renders"


def _render_key(assessment: Assessment, organisation_id: int | None,
                language: str | None = None) -> str:
    key = f"{assessment.public_id}:{organisation_id or ''}"
    return f"{key}:{language}" if language else key


def _render_request(request: HttpRequest, assessment: Assessment,
                    organisation_id: int | None, language: str | None = None) -> TaskResult:
    result = render_report.enqueue(assessment.pk, organisation_id, language)
    renders = request.session.get(RENDERS_SESSION_KEY, {})
    renders[_render_key(assessment, organisation_id, language)] = str(result.id)
    request.session[RENDERS_SESSION_KEY] = renders
    return result


def _render_state(request: HttpRequest, assessment: Assessment,
                  organisation_id: int | None, language: str | None = None) -> str:
    """"queued", "rendering", "failed", or "none" (nothing asked, or done but since outdated)."""
    task_id = request.session.get(RENDERS_SESSION_KEY, {}).get(
        _render_key(assessment, organisation_id, language))
    if task_id is None or not render_report.get_backend().supports_get_result:
        return "none"
    try:
        status = render_report.get_result(task_id).status
    except TaskResultDoesNotExist:
        return "none"
    return {TaskResultStatus.READY: "queued", TaskResultStatus.RUNNING: "rendering",
            TaskResultStatus.FAILED: "failed"}.get(status, "none")


def _render_in_flight(request: HttpRequest, assessment: Assessment,
                      organisation_id: int | None, language: str | None = None) -> bool:
    return _render_state(request, assessment, organisation_id, language) in ("queued",
                                                                              "rendering")
