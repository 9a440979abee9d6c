"""Background tasks for reports (run by ``manage.py db_worker``; see docs/reports.md)."""

from __future__ import annotations

import logging
import tempfile
import zipfile

from django.core.files import File
from django.db import DatabaseError
from django.tasks import task
from django.utils import timezone

from readiness.models import Assessment, ReportBundle
from readiness.reports.services import report_get_or_render, report_render_stored

logger = logging.getLogger(__name__)


@task()
def build_report_bundle(bundle_id: int) -> dict:
    """Render (or reuse) each assessment's report, zip them, and keep the ZIP on the bundle.

    Progress is written after every report so a page can poll it. Any failure marks the bundle
    FAILED with a message naming the firm, and is raised again so the task result says so too.
    """
    bundle = ReportBundle.objects.get(pk=bundle_id)
    ReportBundle.objects.filter(pk=bundle_id).update(
        status=ReportBundle.Status.RUNNING, started_at=timezone.now(), done=0, error=""
    )
    assessments = list(
        bundle.assessments.select_related("framework", "firm").order_by("company_name", "pk")
    )
    # An advisor's bundle shows their own organisation's notes only (none without a membership);
    # a bundle asked for by a script (no user) holds the firms' own reports.
    organisation_id = None
    if bundle.requested_by is not None:
        membership = getattr(bundle.requested_by, "membership", None)
        organisation_id = membership.organisation_id if membership is not None else -1
    current = None
    try:
        with tempfile.TemporaryFile() as spool:
            with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                used: set[str] = set()
                for done, assessment in enumerate(assessments, start=1):
                    current = assessment
                    report = report_get_or_render(assessment=assessment,
                                                   organisation_id=organisation_id)
                    archive.writestr(_unique(report.filename, used), report.content)
                    ReportBundle.objects.filter(pk=bundle_id).update(done=done)
                current = None  # from here on a failure is the ZIP's, not a report's
            spool.seek(0)
            bundle.refresh_from_db()
            bundle.file.save("bundle.zip", File(spool), save=False)
        bundle.status = ReportBundle.Status.READY
        bundle.finished_at = timezone.now()
        bundle.save(update_fields=["file", "status", "finished_at"])
    except Exception as error:
        logger.exception("Report bundle %s failed", bundle_id)
        where = f" while rendering the report of {current.company_name}" if current else ""
        try:
            ReportBundle.objects.filter(pk=bundle_id).update(
                status=ReportBundle.Status.FAILED, finished_at=timezone.now(),
                error=f"The bundle could not be built{where}: {error}"[:2000],
            )
        except DatabaseError:
            # The database itself failed: the worker (task_worker) waits for it and runs the
            # task again; this bookkeeping must not hide the original error (F9).
            logger.exception("Could not record the failure of bundle %s", bundle_id)
        raise
    return {"bundle": str(bundle.public_id), "reports": len(assessments)}


@task(backend="reports")
def render_report(assessment_id: int, organisation_id: int | None = None,
                  language: str | None = None) -> dict:
    """Render one report and store it, for the page that polls for it (F8).

    Runs on the "reports" task backend, whose worker renders one PDF at a time: however many
    clients ask, PDFs take one core, never the web workers.
    """
    assessment = (Assessment.objects.select_related("framework", "firm")
                  .filter(pk=assessment_id).first())
    if assessment is None:  # erased while it waited
        return {"assessment": assessment_id, "erased": True}
    report = report_render_stored(assessment=assessment, organisation_id=organisation_id,
                                  language=language)
    return {"assessment": str(assessment.public_id), "pages": report.pages,
            "reused": report.reused}


def _unique(name: str, used: set[str]) -> str:
    """Two firms with the same name and date must not overwrite each other in the ZIP."""
    stem, dot, ext = name.rpartition(".")
    candidate, n = name, 1
    while candidate in used:
        n += 1
        candidate = f"{stem}-{n}{dot}{ext}"
    used.add(candidate)
    return candidate
