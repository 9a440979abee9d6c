"""Privacy hooks of the readiness app: firm accounts appear in the data export, and go (with
their sign-in records) with the firm's last assessment. Stored reports: reports.privacy_hooks."""

from __future__ import annotations

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import get_user_model
from django.db.models import Q

from readiness.models import Assessment, FirmAccount
from readiness.privacy import register_eraser, register_exporter


@register_eraser
def erase_firm_accounts(assessment: Assessment) -> None:
    """With the firm's last assessment the firm goes, and so do its accounts: a user who kept
    only this firm (not an advisor, not staff) is deleted with their email address. Sign-in
    records (django-axes) of those users, and of requests to this assessment's pages, go too."""
    paths = Q(path_info__contains=str(assessment.public_id))
    if not Assessment.objects.filter(firm_id=assessment.firm_id).exclude(pk=assessment.pk).exists():
        users = (get_user_model().objects
                 .filter(firm_accounts__firm_id=assessment.firm_id, is_staff=False,
                         is_superuser=False, membership__isnull=True)
                 .exclude(firm_accounts__in=FirmAccount.objects.exclude(firm_id=assessment.firm_id)))
        found = dict(users.values_list("pk", "username"))
        if found:
            paths |= Q(username__in=list(found.values()))
        FirmAccount.objects.filter(firm_id=assessment.firm_id).delete()
        get_user_model().objects.filter(pk__in=list(found)).delete()
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(paths).delete()


@register_exporter("accounts")
def export_accounts(assessment: Assessment) -> list[dict]:
    """The firm accounts (email addresses) that hold this firm's assessments."""
    return [{"email": account.user.email or account.user.username,
             "since": account.created_at.isoformat()}
            for account in FirmAccount.objects.filter(firm_id=assessment.firm_id)
            .select_related("user")]
