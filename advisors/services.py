"""Writes of the advisor workspace: sharing, case status, notes and actions (all audited)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from advisors.models import Action, Note, Organisation, Share
from readiness.models import Assessment
from readiness.selectors import SHARE_STATUSES_REVIEWED
from readiness.services import benchmark_refresh_enqueue


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
        # A reviewed share may have been what made the submission count in benchmarks.
        benchmark_refresh_enqueue(assessment=assessment)


@transaction.atomic
def share_update(*, share: Share, status: str, assigned_advisor) -> Share:
    if assigned_advisor is not None and getattr(
            getattr(assigned_advisor, "membership", None), "organisation_id", None
    ) != share.organisation_id:
        raise ValidationError("The assigned advisor must belong to this organisation.",
                              code="foreign_advisor")
    counted_before = share.status in SHARE_STATUSES_REVIEWED
    share.status = status
    share.assigned_advisor = assigned_advisor
    share.save()
    if counted_before != (status in SHARE_STATUSES_REVIEWED):
        # The case was opened (or put back to new): the submission's credibility changed.
        benchmark_refresh_enqueue(assessment=share.assessment)
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
