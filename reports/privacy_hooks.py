"""The reports app's part in a firm's data rights: stored PDFs, bundles and the cached results
page go with the assessment, and an organisation's copies go when the firm withdraws its share."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from advisors.models import Organisation
from advisors.signals import share_withdrawn
from readiness.models import Assessment
from readiness.privacy import register_eraser
from readiness.signals import results_changed
from readiness.storage import delete_files_on_commit
from reports.models import ReportBundle, StoredReport
from reports.results_cache import results_body_forget


@register_eraser
def erase_reports(assessment: Assessment) -> None:
    names = list(StoredReport.objects.filter(assessment=assessment).values_list("file", flat=True))
    bundles = ReportBundle.objects.filter(assessments=assessment)
    names += [name for name in bundles.values_list("file", flat=True) if name]
    # A bundle with this firm's report in it goes as a whole: a ZIP cannot be partly erased.
    bundles.delete()
    delete_files_on_commit(names)
    results_body_forget(public_id=assessment.public_id)


@receiver(share_withdrawn, dispatch_uid="reports.erase_organisation_copies")
def erase_organisation_copies(sender: Any, *, assessment: Assessment,
                              organisation: Organisation, **kwargs: Any) -> None:
    """The organisation's stored PDF of this assessment, and the ZIP bundles its members built
    with it inside (a ZIP cannot be partly erased)."""
    copies = StoredReport.objects.filter(assessment=assessment,
                                         audience=f"organisation:{organisation.pk}")
    bundles = ReportBundle.objects.filter(assessments=assessment,
                                          requested_by__membership__organisation=organisation)
    names = list(copies.values_list("file", flat=True))
    names += [name for name in bundles.values_list("file", flat=True) if name]
    copies.delete()
    bundles.delete()
    delete_files_on_commit(names)


@receiver(results_changed, dispatch_uid="reports.results_body_forget")
def forget_results_body(sender: Any, *, assessment: Assessment, **kwargs: Any) -> None:
    """The cached results page shows what changed (the confidence): draw it again."""
    results_body_forget(public_id=assessment.public_id)
