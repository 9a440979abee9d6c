"""Writes of the advisor workspace: sharing, case status, notes and actions (all audited), and
an organisation's members."""

from __future__ import annotations

import datetime
import logging
import smtplib
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from advisors.models import Action, Membership, Note, Organisation, Referral, Share
from advisors.signals import share_withdrawn
from programmes.matching import standing
from programmes.models import Programme
from programmes.selectors import profile_of, programme_record
from readiness.models import Assessment
from readiness.selectors import SHARE_STATUSES_REVIEWED
from readiness.services import benchmark_refresh_enqueue

logger = logging.getLogger(__name__)


@transaction.atomic
def share_create(*, assessment: Assessment, organisation: Organisation) -> Share:
    """Share a submitted assessment with an organisation (again, if it was withdrawn)."""
    if assessment.is_draft:
        raise ValidationError("Submit the assessment before sharing it.", code="draft")
    share, created = Share.objects.get_or_create(assessment=assessment, organisation=organisation)
    if created:
        # A re-assessment shared again joins the firm's case: it keeps the case's status and
        # advisor instead of arriving as a new, unassigned firm.
        case = (Share.objects.filter(organisation=organisation, withdrawn_at__isnull=True,
                                     assessment__firm_id=assessment.firm_id)
                .exclude(pk=share.pk).order_by("-assessment__submitted_at").first())
        if case is not None and case.status != Share.Status.CLOSED:
            share.status, share.assigned_advisor = case.status, case.assigned_advisor
            share.save(update_fields=["status", "assigned_advisor"])
    if not created and share.withdrawn_at is not None:
        share.withdrawn_at = None
        share.shared_at = timezone.now()
        share.status = Share.Status.NEW
        share.save()
    return share


@transaction.atomic
def share_like_previous(*, assessment: Assessment) -> list[Share]:
    """Share a re-assessment with every organisation its predecessor is still shared with."""
    from advisors.selectors import previous_share_organisations

    return [share_create(assessment=assessment, organisation=organisation)
            for organisation in previous_share_organisations(assessment)]


@transaction.atomic
def share_withdraw(*, assessment: Assessment, organisation: Organisation) -> None:
    share = Share.objects.filter(assessment=assessment, organisation=organisation,
                                 withdrawn_at__isnull=True).first()
    if share is not None:
        share.withdrawn_at = timezone.now()
        share.save()
        # A reviewed share may have been what made the submission count in benchmarks.
        benchmark_refresh_enqueue(assessment=assessment)
    # Copies made under the consent go with it: the reports app (above this one) deletes the
    # organisation's stored PDF and its members' ZIP bundles (reports.privacy_hooks).
    share_withdrawn.send(sender=Share, assessment=assessment, organisation=organisation)


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
def note_add(*, share: Share, author, text: str, audience: str) -> Note:
    return Note.objects.create(share=share, author=author, text=text.strip(), audience=audience)


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


def _invitation_link(user) -> str:
    # Django's password-reset token: it dies once the password is set (it signs the password
    # hash and last login) and after PASSWORD_RESET_TIMEOUT, so the invitation is single-use and
    # expiring without a table of our own.
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("advisors:password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return settings.SITE_URL.rstrip("/") + path


@transaction.atomic
def member_invite(*, organisation: Organisation, email: str, first_name: str, last_name: str,
                  role: str, invited_by) -> Membership:
    """Give a new person a place in ``organisation`` and email them a link to set a password.

    The account exists at once but has no usable password until the invitee chooses one.
    """
    email = email.strip().lower()
    users = get_user_model().objects
    if users.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists():
        raise ValidationError("Somebody with this email address already has an account; "
                              "ask staff to move it to your organisation.", code="exists")
    user = users.create_user(username=email, email=email, first_name=first_name.strip(),
                             last_name=last_name.strip())
    user.set_unusable_password()
    user.save(update_fields=["password"])
    membership = Membership.objects.create(user=user, organisation=organisation, role=role)
    member_invitation_send(membership=membership, invited_by=invited_by)
    return membership


def member_invitation_send(*, membership: Membership, invited_by) -> None:
    """Email (again) the link to set a password; only while the member has not chosen one."""
    user, organisation = membership.user, membership.organisation
    if user.has_usable_password():
        raise ValidationError("This member has already activated their account.", code="active")
    context = {"user": user, "organisation": organisation, "link": _invitation_link(user),
               "invited_by": invited_by.get_full_name() or invited_by.get_username(),
               "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)}
    transaction.on_commit(lambda: send_mail(
        subject=f"You are invited to {organisation.name} on Readiness Compass",
        message=render_to_string("advisors/email/invitation.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[user.email]))


@transaction.atomic
def member_remove(*, membership: Membership, removed_by) -> None:
    """Take a member out of their organisation; their account can no longer sign in."""
    if membership.user_id == removed_by.pk:
        raise ValidationError("You cannot remove yourself.", code="self")
    user = membership.user
    membership.delete()
    # Cases they were assigned stay with the organisation, unassigned.
    Share.objects.filter(assigned_advisor=user).update(assigned_advisor=None)
    user.is_active = False
    user.save(update_fields=["is_active"])


RECOVERY_CODES = 10


def two_factor_device_start(*, user) -> TOTPDevice:
    """The authenticator device being set up for ``user`` (created unconfirmed on first call)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app",
                                               confirmed=False)


@transaction.atomic
def two_factor_confirm(*, user, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm ``device`` with a first code; returns fresh recovery codes, or None if wrong.

    Any earlier authenticator and recovery codes are replaced: one device and one set of codes
    per person, so a lost phone is revoked by setting up the new one.
    """
    if device.user_id != user.pk or not device.verify_token(token.strip()):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    StaticDevice.objects.filter(user=user).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    recovery = StaticDevice.objects.create(user=user, name="Recovery codes")
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=recovery, token=code) for code in codes])
    return codes


@transaction.atomic
def referral_create(*, share: Share, programme: Programme, referred_by, note: str = "") -> Referral:
    """Refer the firm of ``share`` to ``programme`` (once per programme and case)."""
    from advisors.selectors import case_shares

    if Referral.objects.filter(share__in=case_shares(share), programme=programme).exists():
        raise ValidationError(f"This firm is already referred to {programme.name}.",
                              code="duplicate")
    return Referral.objects.create(share=share, programme=programme, programme_name=programme.name,
                                   referred_by=referred_by, note=note.strip(),
                                   currency=programme.amount_currency)


@transaction.atomic
def referral_update(*, referral: Referral, status: str, status_date: datetime.date,
                    grant_amount=None, own_investment=None, currency: str = "",
                    note: str = "") -> Referral:
    """Record where the referral has got to; an award needs its amount, and no date is future."""
    errors: dict[str, list[str]] = {}
    if status_date > timezone.localdate():
        errors["status_date"] = ["The date cannot be in the future."]
    if status == Referral.Status.AWARDED and grant_amount is None:
        errors["grant_amount"] = ["Give the amount awarded (0 if the support is not money)."]
    if (grant_amount is not None or own_investment is not None) and not currency:
        errors["currency"] = ["Give the currency of the amounts."]
    if errors:
        raise ValidationError(errors)
    referral.status, referral.status_date, referral.note = status, status_date, note.strip()
    referral.grant_amount, referral.own_investment = grant_amount, own_investment
    referral.currency = currency.upper()
    referral.save()
    return referral
