"""Stored PDFs and ZIP bundles hold a firm's results: they are erased with its assessment."""

from __future__ import annotations

from readiness.models import Assessment, ReportBundle, StoredReport
from readiness.privacy import delete_files_on_commit, register_eraser


@register_eraser
def erase_reports(assessment: Assessment) -> None:
    names = list(StoredReport.objects.filter(assessment=assessment).values_list("file", flat=True))
    bundles = ReportBundle.objects.filter(assessments=assessment)
    names += [name for name in bundles.values_list("file", flat=True) if name]
    # A bundle with this firm's report in it goes as a whole: a ZIP cannot be partly erased.
    bundles.delete()
    delete_files_on_commit(names)
