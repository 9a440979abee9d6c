"""Writes for several respondents per firm (issue 16): invitations, their answers, sharing, and
the bands the team agreed. The firm's own answers stay in ``readiness.services``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from readiness.access import seal, unseal
from readiness.models import (
    AgreedBand,
    Answer,
    Assessment,
    EvidenceKind,
    Respondent,
    RespondentAnswer,
)
from readiness.results_cache import results_body_forget
from readiness.scoring import UNKNOWN, Band
from readiness.services import _mail, _require_draft, _site_url

MAX_RESPONDENTS = 20


@transaction.atomic
def respondent_invite(*, assessment: Assessment, role: str, name: str = "",
                      email: str = "") -> tuple[Respondent, str]:
    """A colleague's personal link to a draft; returns the respondent and the token."""
    _require_draft(assessment)
    if role not in Respondent.Role.values:
        raise ValidationError("Choose a role.", code="role")
    if assessment.respondents.count() >= MAX_RESPONDENTS:
        raise ValidationError("An assessment can have at most %(n)d colleagues invited.",
                              code="too_many", params={"n": MAX_RESPONDENTS})
    token, token_hash = Assessment.new_token()
    respondent = Respondent.objects.create(
        assessment=assessment, role=role, name=name.strip(), email=email.strip(),
        token_hash=token_hash, token_sealed=seal(token))
    return respondent, token


def respondent_token(respondent: Respondent) -> str | None:
    """The respondent's personal token, for the lead to copy or resend."""
    return unseal(respondent.token_sealed)


def respondent_link_send(*, respondent: Respondent) -> bool:
    """Email the personal link to the colleague's address, only where the lead's own contact
    address is proved (the service does not carry an unproved sender's mail), with a fixed text
    (nothing the lead typed). False when not sent; the lead can always copy the link."""
    assessment = respondent.assessment
    token = respondent_token(respondent)
    if (not respondent.email or token is None
            or assessment.contact_email_verified_at is None):
        return False
    link = _site_url(reverse("readiness:respondent_open", kwargs={"token": token}))
    sent = _mail(to=respondent.email, template="readiness/email/respondent_invite.txt",
                 subject="Your colleague asks for your view of your firm's readiness",
                 context={"link": link, "days": settings.RESUME_LINK_MAX_AGE_DAYS},
                 what="respondent invitation")
    if sent:
        Respondent.objects.filter(pk=respondent.pk).update(reminded_at=timezone.now())
    return sent


@transaction.atomic
def respondent_answers_save(
    *, respondent: Respondent, answers: Mapping[str, tuple[Band, str] | tuple[Band, str, str]]
) -> None:
    """Upsert one respondent's answers (same shape as ``services.answers_save``)."""
    assessment = respondent.assessment
    if not Assessment.objects.filter(pk=assessment.pk, status=Assessment.Status.DRAFT).exists():
        raise ValidationError("The assessment has been submitted; answers can no longer change.",
                              code="submitted")
    spec = assessment.framework.spec
    rows = {key: (*value, "")[:3] for key, value in answers.items()}
    for key, (band, _, kind) in rows.items():
        if key not in spec.dimensions:
            raise ValidationError("Unknown dimension: %(key)s", code="unknown_dimension",
                                  params={"key": key})
        if band is not None and band != UNKNOWN and band not in range(6):
            raise ValidationError("%(key)s: the band must be from 0 to 5.", code="band_range",
                                  params={"key": key})
        if kind and kind not in EvidenceKind.values:
            raise ValidationError("%(key)s: unknown kind of evidence.", code="evidence_kind",
                                  params={"key": key})
    # Counts the personal link's age from the latest save, as the firm's resume link does.
    Respondent.objects.filter(pk=respondent.pk).update(updated_at=timezone.now())
    RespondentAnswer.objects.bulk_create(
        [RespondentAnswer(respondent=respondent, dimension_key=key,
                          band=None if band == UNKNOWN else band, is_unknown=band == UNKNOWN,
                          evidence=evidence or "", evidence_kind=kind or "")
         for key, (band, evidence, kind) in rows.items()],
        update_conflicts=True,
        unique_fields=["respondent", "dimension_key"],
        update_fields=["band", "is_unknown", "evidence", "evidence_kind", "updated_at"],
    )


@transaction.atomic
def respondent_remove(*, respondent: Respondent) -> None:
    """Withdraw a colleague's invitation: their link opens nothing any more and their answers
    are deleted (agreed bands keep the ratings they were agreed from)."""
    _require_draft(respondent.assessment)
    respondent.delete()


@transaction.atomic
def respondent_finish(*, respondent: Respondent) -> None:
    Respondent.objects.filter(pk=respondent.pk).update(finished_at=timezone.now(),
                                                       updated_at=timezone.now())
    respondent.refresh_from_db(fields=["finished_at", "updated_at"])


@transaction.atomic
def team_share(*, assessment: Assessment, shared: bool) -> None:
    """Let the invited colleagues see everyone's answers (or stop)."""
    assessment.team_shared_at = timezone.now() if shared else None
    assessment.save(update_fields=["team_shared_at"])


@transaction.atomic
def agreed_band_record(*, assessment: Assessment, dimension_key: str, band: Band, reason: str,
                       ratings: Sequence[Mapping[str, Band | str]]) -> AgreedBand:
    """Record the band agreed for one dimension, why, and the ratings it was agreed from."""
    _require_draft(assessment)
    if dimension_key not in assessment.framework.spec.dimensions:
        raise ValidationError("Unknown dimension.", code="unknown_dimension")
    if band is not None and band != UNKNOWN and band not in range(6):
        raise ValidationError("The band must be from 0 to 5.", code="band_range")
    agreed, _ = AgreedBand.objects.update_or_create(
        assessment=assessment, dimension_key=dimension_key,
        defaults={"band": None if band == UNKNOWN else band, "is_unknown": band == UNKNOWN,
                  "reason": reason.strip(), "ratings": [dict(r) for r in ratings]})
    Assessment.objects.filter(pk=assessment.pk).update(updated_at=timezone.now())
    return agreed


@transaction.atomic
def agreed_band_clear(*, assessment: Assessment, dimension_key: str) -> None:
    _require_draft(assessment)
    AgreedBand.objects.filter(assessment=assessment, dimension_key=dimension_key).delete()


@transaction.atomic
def answers_verify(*, assessment: Assessment, dimension_keys: Sequence[str], user) -> int:
    """Mark the firm's answers of ``dimension_keys`` verified by ``user`` (an advisor of an
    organisation the assessment is shared with: the caller checks) and the others not; returns
    how many are verified. Only confidence reads this, never the scores."""
    keys = set(dimension_keys)
    answers = Answer.objects.filter(assessment=assessment)
    answers.exclude(dimension_key__in=keys).update(verified_at=None, verified_by=None)
    answers.filter(dimension_key__in=keys, verified_at__isnull=True).update(
        verified_at=timezone.now(), verified_by=user)
    # The results body and the stored PDF show the confidence: draw them again.
    results_body_forget(public_id=assessment.public_id)
    return answers.filter(verified_at__isnull=False).count()
