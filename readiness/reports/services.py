"""Writes: stored reports (rendered once, again only when what they show changes) and bundles."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import override

from readiness.languages import language_supported
from readiness.models import Assessment, ReportBundle, StoredReport
from readiness.reports.rendering import RenderedPDF, ReportURLFetcher, render_pdf
from readiness.reports.selectors import report_context, report_fingerprint
from readiness.storage import STORAGE_ERRORS, delete_files_on_commit

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReportFile:
    content: bytes
    filename: str
    pages: int
    reused: bool  # True when a stored PDF was served without rendering


def report_language(assessment: Assessment, language: str | None = None) -> str:
    """The language a report is rendered in: the one asked for (an advisor's choice) when the
    product speaks it, else the one kept with the assessment (issue 17)."""
    return (language_supported(language) or language_supported(assessment.language)
            or "en-gb")


def report_filename(assessment: Assessment, *, on: datetime.date | None = None) -> str:
    """``<firm>-readiness-report-<date>.pdf``; scripts other than Latin are kept (RFC 5987)."""
    day = on or (timezone.localdate(assessment.submitted_at) if assessment.submitted_at
                 else timezone.localdate())
    firm = slugify(assessment.company_name, allow_unicode=True)[:80].strip("-_") or "firm"
    draft = "-draft" if assessment.is_draft else ""
    return f"{firm}-readiness-report{draft}-{day.isoformat()}.pdf"


def report_render(
    *, assessment: Assessment, fetcher: ReportURLFetcher | None = None,
    language: str | None = None,
) -> RenderedPDF:
    """Render the report now, without storing it (drafts, the command's ``--no-store``)."""
    with override(report_language(assessment, language)):
        return render_pdf(report_context(assessment), fetcher=fetcher)


def _report_get_or_render(
    *, assessment: Assessment, fetcher: ReportURLFetcher | None = None,
    organisation_id: int | None = None,
) -> ReportFile:
    """The report's PDF: the stored one while it is current, else freshly rendered.

    Submitted assessments keep their PDF in ``StoredReport``; it is rendered again only when the
    fingerprint of what it shows changes. Drafts change while they are edited, so they are
    rendered every time and never stored. Raises ``ReportRenderError`` when rendering fails.
    """
    context = report_context(assessment, organisation_id=organisation_id)
    filename = report_filename(assessment, on=context["report_date"])
    # The firm's report and each organisation's differ by the advisors' notes they show.
    audience = f"organisation:{organisation_id}" if organisation_id is not None else ""
    if assessment.is_draft:
        rendered = render_pdf(context, fetcher=fetcher)
        return ReportFile(rendered.content, filename, rendered.pages, reused=False)

    fingerprint = report_fingerprint(context)
    stored = StoredReport.objects.filter(assessment=assessment, audience=audience).first()
    if stored is not None and stored.fingerprint == fingerprint:
        try:
            with stored.file.open("rb") as handle:
                return ReportFile(handle.read(), filename, stored.pages, reused=True)
        except STORAGE_ERRORS:
            # The file went missing (a restored database, a wiped volume): render it again.
            logger.warning("Stored report %s is missing its file; rendering again", stored.pk)

    rendered = render_pdf(context, fetcher=fetcher)
    try:
        _store(assessment=assessment, audience=audience, stored=stored, fingerprint=fingerprint,
               rendered=rendered)
    except STORAGE_ERRORS:
        # A full or read-only media volume, or an unreachable bucket, must not cost the user
        # the report they asked for.
        logger.exception("Could not store the report of assessment %s", assessment.pk)
    return ReportFile(rendered.content, filename, rendered.pages, reused=False)


def _report_stored_current(
    *, assessment: Assessment, organisation_id: int | None = None
) -> ReportFile | None:
    """The stored PDF while it still shows what the report would show now, else None.

    Never renders, so a web request can call it (F8): drafts too are stored by the render task
    (their fingerprint holds their status and answers, so an edit makes the copy stale).
    """
    context = report_context(assessment, organisation_id=organisation_id)
    audience = f"organisation:{organisation_id}" if organisation_id is not None else ""
    stored = StoredReport.objects.filter(assessment=assessment, audience=audience).first()
    if stored is None or stored.fingerprint != report_fingerprint(context):
        return None
    try:
        with stored.file.open("rb") as handle:
            content = handle.read()
    except STORAGE_ERRORS:
        logger.warning("Stored report %s is missing its file", stored.pk)
        return None
    filename = report_filename(assessment, on=context["report_date"])
    return ReportFile(content, filename, stored.pages, reused=True)


def _report_render_stored(
    *, assessment: Assessment, organisation_id: int | None = None,
    fetcher: ReportURLFetcher | None = None,
) -> ReportFile:
    """Render the report unless a current copy is stored, and store it, drafts included.

    For the render task (readiness.reports.tasks.render_report): the web request that asked
    for it then finds the copy with ``report_stored_current``.
    """
    current = _report_stored_current(assessment=assessment, organisation_id=organisation_id)
    if current is not None:
        return current
    context = report_context(assessment, organisation_id=organisation_id)
    audience = f"organisation:{organisation_id}" if organisation_id is not None else ""
    rendered = render_pdf(context, fetcher=fetcher)
    stored = StoredReport.objects.filter(assessment=assessment, audience=audience).first()
    _store(assessment=assessment, audience=audience, stored=stored,
           fingerprint=report_fingerprint(context), rendered=rendered)
    filename = report_filename(assessment, on=context["report_date"])
    return ReportFile(rendered.content, filename, rendered.pages, reused=False)


def report_get_or_render(
    *, assessment: Assessment, fetcher: ReportURLFetcher | None = None,
    organisation_id: int | None = None, language: str | None = None,
) -> ReportFile:
    """The report's PDF in its language (``report_language``): the stored one while it is
    current, else freshly rendered. Raises ``ReportRenderError`` when rendering fails."""
    with override(report_language(assessment, language)):
        return _report_get_or_render(assessment=assessment, fetcher=fetcher,
                                     organisation_id=organisation_id)


def report_stored_current(
    *, assessment: Assessment, organisation_id: int | None = None, language: str | None = None,
) -> ReportFile | None:
    """The stored PDF while it still shows what the report would show now, in its language."""
    with override(report_language(assessment, language)):
        return _report_stored_current(assessment=assessment, organisation_id=organisation_id)


def report_render_stored(
    *, assessment: Assessment, organisation_id: int | None = None,
    fetcher: ReportURLFetcher | None = None, language: str | None = None,
) -> ReportFile:
    """Render the report in its language unless a current copy is stored, and store it."""
    with override(report_language(assessment, language)):
        return _report_render_stored(assessment=assessment, organisation_id=organisation_id,
                                     fetcher=fetcher)


def _store(
    *, assessment: Assessment, audience: str, stored: StoredReport | None, fingerprint: str,
    rendered: RenderedPDF,
) -> StoredReport:
    old_name = stored.file.name if stored is not None and stored.file else None
    with transaction.atomic():
        report, _ = StoredReport.objects.select_for_update().get_or_create(
            assessment=assessment, audience=audience,
            defaults={"fingerprint": fingerprint, "pages": rendered.pages,
                      "size": len(rendered.content), "render_seconds": rendered.seconds,
                      "rendered_at": timezone.now()},
        )
        report.fingerprint = fingerprint
        report.pages = rendered.pages
        report.size = len(rendered.content)
        report.render_seconds = rendered.seconds
        report.rendered_at = timezone.now()
        report.file.save("report.pdf", ContentFile(rendered.content), save=False)
        report.save()
    if old_name and old_name != report.file.name:
        # Only after the new row is committed, so a reader never sees a row without a file.
        delete_files_on_commit([old_name], storage=report.file.storage)
    return report


def report_bundle_request(
    *, assessments: Iterable[Assessment], requested_by=None
) -> ReportBundle:
    """Record a bundle of reports and queue the task that builds it.

    The task is enqueued once the bundle row is committed, so a worker never looks for a bundle
    that is not there yet (with the database backend both would commit together anyway; with a
    Redis backend they would not).
    """
    from readiness.reports.tasks import build_report_bundle

    chosen = list(assessments)
    with transaction.atomic():
        bundle = ReportBundle.objects.create(total=len(chosen), requested_by=requested_by)
        bundle.assessments.set(chosen)

        def enqueue() -> None:
            result = build_report_bundle.enqueue(bundle.pk)
            ReportBundle.objects.filter(pk=bundle.pk).update(task_id=str(result.id))

        transaction.on_commit(enqueue)
    return bundle
