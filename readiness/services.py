"""Writes: every change to framework versions, assessments and answers goes through here."""

from __future__ import annotations

import datetime
import logging
import smtplib
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from readiness.models import Answer, Assessment, Firm, FrameworkVersion
from readiness.scoring import score

logger = logging.getLogger(__name__)

PROFILE_FIELDS = (
    "company_name",
    "country",
    "region",
    "employees",
    "turnover",
    "turnover_currency",
    "sector",
    "contact_email",
)


@transaction.atomic
def framework_load(*, definition: dict) -> tuple[FrameworkVersion, bool]:
    """Store a framework version; an existing version's texts are refreshed in place."""
    version, created = FrameworkVersion.objects.update_or_create(
        version=int(definition["version"]),
        defaults={
            "name": definition["name"],
            "published": datetime.date.fromisoformat(definition["published"]),
            "definition": definition,
        },
    )
    return version, created


def framework_current() -> FrameworkVersion:
    framework = FrameworkVersion.objects.order_by("-version").first()
    if framework is None:
        raise RuntimeError("No framework loaded: run `python manage.py load_framework`.")
    return framework


@transaction.atomic
def assessment_start(
    *, profile: Mapping[str, Any], previous: Assessment | None = None
) -> tuple[Assessment, str]:
    """Create a draft from a validated profile; returns it with its private resume token.

    A re-assessment (``previous`` given) belongs to the same firm and starts with the previous
    answers, objectives and cost profile prefilled.
    """
    token, token_hash = Assessment.new_token()
    firm = previous.firm if previous else Firm.objects.create(name=profile["company_name"])
    if previous and firm.name != profile["company_name"]:
        firm.name = profile["company_name"]
        firm.save(update_fields=["name"])
    assessment = Assessment.objects.create(
        framework=framework_current(),
        firm=firm,
        previous=previous,
        token_hash=token_hash,
        objectives=list(previous.objectives) if previous else [],
        cost_profile=dict(previous.cost_profile) if previous else {},
        **{field: profile.get(field) for field in PROFILE_FIELDS if field in profile},
    )
    if previous:
        keys = set(assessment.framework.spec.dimension_keys)
        Answer.objects.bulk_create(
            Answer(assessment=assessment, dimension_key=a.dimension_key, band=a.band, evidence=a.evidence)
            for a in previous.answers.all()
            if a.dimension_key in keys
        )
    return assessment, token


def _require_draft(assessment: Assessment) -> None:
    if not assessment.is_draft:
        raise ValidationError("This assessment has been submitted and can no longer be changed.",
                              code="submitted")


@transaction.atomic
def assessment_update_profile(*, assessment: Assessment, profile: Mapping[str, Any]) -> Assessment:
    _require_draft(assessment)
    for field in PROFILE_FIELDS:
        if field in profile:
            setattr(assessment, field, profile[field])
    assessment.save()
    if assessment.firm.name != assessment.company_name:
        assessment.firm.name = assessment.company_name
        assessment.firm.save(update_fields=["name"])
    return assessment


@transaction.atomic
def answers_save(
    *, assessment: Assessment, answers: Mapping[str, tuple[int | None, str]]
) -> None:
    """Upsert answers: ``{dimension_key: (band or None for N/A, evidence)}``.

    Keys are checked against the assessment's framework; the upsert makes a repeated post (two
    tabs, a retry) update the one row per dimension instead of adding rows: the last write wins.
    """
    _require_draft(assessment)
    spec = assessment.framework.spec
    unknown = set(answers) - set(spec.dimension_keys)
    if unknown:
        raise ValidationError("Unknown dimension: %(keys)s", code="unknown_dimension",
                              params={"keys": ", ".join(sorted(unknown))})
    for key, (band, _) in answers.items():
        if band is not None and band not in range(6):
            raise ValidationError("%(key)s: the band must be from 0 to 5.", code="band_range",
                                  params={"key": key})
    # Touch the draft first: it counts its resume link from the latest save, and the UPDATE
    # locks the assessment's row until commit, so saves from two tabs are applied one after the
    # other (the later one wins whole) and a save cannot slip in after a submit in another tab.
    touched = Assessment.objects.filter(pk=assessment.pk, status=Assessment.Status.DRAFT).update(
        updated_at=timezone.now())
    if not touched:
        raise ValidationError("This assessment has been submitted and can no longer be changed.",
                              code="submitted")
    # One INSERT ... ON CONFLICT DO UPDATE for the whole page (PostgreSQL and SQLite) instead of
    # a SELECT and an UPDATE per dimension: a quarter of the round trips under load
    # (docs/performance.md), and no insert race between two first saves.
    Answer.objects.bulk_create(
        [Answer(assessment=assessment, dimension_key=key, band=band, evidence=evidence or "")
         for key, (band, evidence) in answers.items()],
        update_conflicts=True,
        unique_fields=["assessment", "dimension_key"],
        update_fields=["band", "evidence", "updated_at"],
    )


@transaction.atomic
def assessment_update_objectives(
    *, assessment: Assessment, objectives: list[str], cost_profile: dict[str, float]
) -> Assessment:
    _require_draft(assessment)
    assessment.objectives = objectives
    assessment.cost_profile = cost_profile
    assessment.save(update_fields=["objectives", "cost_profile", "updated_at"])
    return assessment


@transaction.atomic
def assessment_submit(*, assessment: Assessment) -> Assessment:
    _require_draft(assessment)
    answered = set(assessment.answers.values_list("dimension_key", flat=True))
    missing = [d.name for k, d in assessment.framework.spec.dimensions.items() if k not in answered]
    if missing:
        raise ValidationError(
            "Please rate every dimension (or mark it not applicable) before submitting. "
            "Still open: %(missing)s.",
            code="incomplete",
            params={"missing": ", ".join(missing)},
        )
    spec = assessment.framework.spec
    scores = score(spec, dict(assessment.answers.values_list("dimension_key", "band")))
    assessment.status = Assessment.Status.SUBMITTED
    assessment.submitted_at = timezone.now()
    assessment.scores = scores.as_dict()
    assessment.overall_score = scores.overall
    assessment.save(update_fields=["status", "submitted_at", "scores", "overall_score",
                                   "updated_at"])
    return assessment


@transaction.atomic
def assessment_set_plan_targets(*, assessment: Assessment, targets: Mapping[str, int]) -> Assessment:
    """Store the bands the firm aims for; only the plan reads them, so a submitted assessment's
    scores and answers stay as they were."""
    spec = assessment.framework.spec
    for key, band in targets.items():
        if key not in spec.dimensions or not isinstance(band, int) or not 0 <= band <= 5:
            raise ValidationError("Choose a band from 0 to 5 for a known dimension.",
                                  code="invalid_target")
    assessment.plan_targets = dict(targets)
    assessment.save(update_fields=["plan_targets", "updated_at"])
    return assessment


def resume_link_send(*, assessment: Assessment, token: str) -> None:
    """Email the private resume link to the firm's contact, if it gave one."""
    if not assessment.contact_email:
        return
    link = settings.SITE_URL.rstrip("/") + reverse("readiness:resume", kwargs={"token": token})
    context = {"assessment": assessment, "link": link,
               "days": settings.RESUME_LINK_MAX_AGE_DAYS}
    try:
        send_mail(
            subject="Your Industry 4.0 readiness assessment: private link to resume",
            message=render_to_string("readiness/email/resume_link.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[assessment.contact_email],
        )
    except (OSError, smtplib.SMTPException):
        # The link is also on every page; a mail outage must not lose the draft.
        logger.warning("Could not send the resume link for assessment %s", assessment.pk)
