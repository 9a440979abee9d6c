"""Writes of the advisor workspace: sharing, case status, notes and actions (all audited)."""

from __future__ import annotations

import datetime
import logging
import smtplib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from advisors.models import Action, Note, Organisation, Share
from programmes.matching import standing
from programmes.models import Programme
from programmes.selectors import profile_of, programme_record
from readiness.models import Assessment

logger = logging.getLogger(__name__)


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


# Re-matching after a programme change ----------------------------------------------------------


def rematch_on_programme_change(sender, *, programme_id: int, previous_history_id: int,
                                **kwargs) -> None:
    """Receiver of ``programmes.signals.programme_rules_changed``: queue the re-matching once
    the change is committed, so the worker reads the new version."""
    from advisors.tasks import rematch_after_programme_change

    transaction.on_commit(
        lambda: rematch_after_programme_change.enqueue(programme_id, previous_history_id)
    )


@dataclass
class RematchReport:
    checked: int = 0
    changed: list[int] = field(default_factory=list)  # assessment ids
    emailed: int = 0
    cases_flagged: int = 0


def programme_change_rematch(
    *, programme_id: int, previous_history_id: int, as_of: datetime.date | None = None
) -> RematchReport:
    """Compare where the programme stood for each submitted firm before and after a change.

    Firms whose standing changed are emailed (only at a verified address: nobody else is
    written to) and every active case on them is flagged for its advisors. Synthetic demo firms
    are compared but never emailed, as their addresses are not real.
    """
    programme = Programme.objects.prefetch_related("kinds").get(pk=programme_id)
    previous = programme.history.get(history_id=previous_history_id).instance
    kinds = [k.key for k in programme.kinds.all()]
    after_record = programme_record(programme, kinds=kinds)
    before_record = programme_record(previous, kinds=kinds)
    day = as_of or timezone.localdate()
    report = RematchReport()
    submitted = Assessment.objects.filter(status=Assessment.Status.SUBMITTED)
    notes: dict[int, str] = {}
    for assessment in submitted.iterator(chunk_size=500):
        report.checked += 1
        profile = profile_of(assessment)
        before = standing(profile, before_record, day)
        after = standing(profile, after_record, day)
        if before == after:
            continue
        report.changed.append(assessment.pk)
        notes[assessment.pk] = f"{programme.name} changed on {day:%d %b %Y}: {after}"
        if assessment.contact_email and assessment.contact_email_verified_at \
                and not assessment.is_synthetic:
            report.emailed += _email_programme_change(assessment, programme, before, after)
    now = timezone.now()
    for assessment_id, note in notes.items():
        report.cases_flagged += Share.objects.filter(
            assessment_id=assessment_id, withdrawn_at__isnull=True
        ).update(programmes_changed_at=now, programmes_changed_note=note[:1000])
    return report


def _email_programme_change(assessment: Assessment, programme: Programme, before: str,
                            after: str) -> int:
    context = {"assessment": assessment, "programme": programme, "before": before,
               "after": after, "programme_url": settings.SITE_URL.rstrip("/")
               + programme.get_absolute_url()}
    try:
        return send_mail(
            subject=f"A support programme in your results has changed: {programme.name}",
            message=render_to_string("advisors/email/programme_changed.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[assessment.contact_email],
        )
    except (OSError, smtplib.SMTPException):
        # The case flag still tells the advisors; one failed mail must not stop the others.
        logger.warning("Could not email assessment %s about programme %s", assessment.pk,
                       programme.slug)
        return 0


@transaction.atomic
def share_clear_programme_flag(*, share: Share) -> Share:
    share.programmes_changed_at = None
    share.programmes_changed_note = ""
    share.save(update_fields=["programmes_changed_at", "programmes_changed_note"])
    return share
