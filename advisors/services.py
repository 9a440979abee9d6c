"""Writes of the advisor workspace: sharing, case status, notes and actions (all audited)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from advisors.models import Action, Note, Organisation, Share
from readiness.models import Assessment, ReportBundle, StoredReport
from readiness.storage import delete_files_on_commit


@transaction.atomic
def share_create(*, assessment: Assessment, organisation: Organisation) -> Share:
    """Share a submitted assessment with an organisation (again, if it was withdrawn)."""
    if assessment.is_draft:
        raise ValidationError("Submit the assessment before sharing it.", code="draft")
    share, created = Share.objects.get_or_create(assessment=assessment, organisation=organisation)
    if not created and share.withdrawn_at is not None:
        share.withdrawn_at = None
        share.shared_at = timezone.now()
        share.status = Share.Status.NEW
        share.save()
    return share


@transaction.atomic
def share_withdraw(*, assessment: Assessment, organisation: Organisation) -> None:
    share = Share.objects.filter(assessment=assessment, organisation=organisation,
                                 withdrawn_at__isnull=True).first()
    if share is not None:
        share.withdrawn_at = timezone.now()
        share.save()
    # Copies made under the consent go with it: the organisation's stored PDF, and the ZIP
    # bundles its members built with this assessment in them (a ZIP cannot be partly erased).
    copies = StoredReport.objects.filter(assessment=assessment,
                                         audience=f"organisation:{organisation.pk}")
    bundles = ReportBundle.objects.filter(assessments=assessment,
                                          requested_by__membership__organisation=organisation)
    names = list(copies.values_list("file", flat=True))
    names += [name for name in bundles.values_list("file", flat=True) if name]
    copies.delete()
    bundles.delete()
    delete_files_on_commit(names)


@transaction.atomic
def share_update(*, share: Share, status: str, assigned_advisor) -> Share:
    if assigned_advisor is not None and getattr(
            getattr(assigned_advisor, "membership", None), "organisation_id", None
    ) != share.organisation_id:
        raise ValidationError("The assigned advisor must belong to this organisation.",
                              code="foreign_advisor")
    share.status = status
    share.assigned_advisor = assigned_advisor
    share.save()
    return share


@transaction.atomic
def note_add(*, share: Share, author, text: str) -> Note:
    return Note.objects.create(share=share, author=author, text=text.strip())


@transaction.atomic
def action_add(*, share: Share, author, text: str, owner: str,
               due_date: datetime.date | None, dimension_key: str = "") -> Action:
    return Action.objects.create(share=share, created_by=author, text=text.strip(), owner=owner,
                                 due_date=due_date, dimension_key=dimension_key)


@transaction.atomic
def action_set_done(*, action: Action, done: bool) -> Action:
    action.done = done
    action.save()
    return action
