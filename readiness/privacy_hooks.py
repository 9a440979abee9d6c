"""Privacy hooks of the readiness app: stored PDFs and bundles are erased with their assessment;
firm accounts appear in the data export."""

from __future__ import annotations

from readiness.models import Assessment, FirmAccount, ReportBundle, StoredReport
from readiness.privacy import register_eraser, register_exporter
from readiness.storage import delete_files_on_commit


@register_eraser
def erase_reports(assessment: Assessment) -> None:
    names = list(StoredReport.objects.filter(assessment=assessment).values_list("file", flat=True))
    bundles = ReportBundle.objects.filter(assessments=assessment)
    names += [name for name in bundles.values_list("file", flat=True) if name]
    # A bundle with this firm's report in it goes as a whole: a ZIP cannot be partly erased.
    bundles.delete()
    delete_files_on_commit(names)


@register_exporter("accounts")
def export_accounts(assessment: Assessment) -> list[dict]:
    """The firm accounts (email addresses) that hold this firm's assessments."""
    return [{"email": account.user.email or account.user.username,
             "since": account.created_at.isoformat()}
            for account in FirmAccount.objects.filter(firm_id=assessment.firm_id)
            .select_related("user")]
