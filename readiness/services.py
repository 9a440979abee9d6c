"""Writes: every change to framework versions, assessments and answers goes through here."""

from __future__ import annotations

import dataclasses
import datetime
import logging
import smtplib
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from readiness import benchmarks
from readiness.languages import language_active, language_supported
from readiness.models import (
    Answer,
    Assessment,
    BenchmarkCohort,
    EvidenceKind,
    Firm,
    FirmAccount,
    FrameworkVersion,
    hash_token,
)
from readiness.prioritisation import TopDimensions
from readiness.reference_cache import (
    BENCHMARKS_REFERENCE,
    FRAMEWORK_REFERENCE,
    reference_bump,
    reference_get,
)
from readiness.scoring import UNKNOWN, Band, score
from readiness.selectors import benchmark_peer_bands, priority_weights, sector_targets

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
    reference_bump(FRAMEWORK_REFERENCE)
    return version, created


def framework_current() -> FrameworkVersion:
    """The newest framework version (kept per process without its 50 kB definition, which is
    parsed once per process; re-read after ``framework_load``)."""
    framework = reference_get(
        FRAMEWORK_REFERENCE,
        lambda: FrameworkVersion.objects.defer("definition").order_by("-version").first())
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
        language=language_active(),
        **{field: profile.get(field) for field in PROFILE_FIELDS if field in profile},
    )
    if previous and previous.contact_email_verified_at and (
            previous.contact_email.lower() == assessment.contact_email.lower()):
        # The same firm's address, proved already: no second opt-in for a re-assessment.
        assessment.contact_email_verified_at = previous.contact_email_verified_at
        assessment.save(update_fields=["contact_email_verified_at"])
    if previous:
        keys = set(assessment.framework.spec.dimension_keys)
        Answer.objects.bulk_create(
            Answer(assessment=assessment, dimension_key=a.dimension_key, band=a.band,
                   is_unknown=a.is_unknown, evidence=a.evidence, evidence_kind=a.evidence_kind)
            for a in previous.answers.all()
            if a.dimension_key in keys
        )
    return assessment, token


def assessment_set_language(*, assessment: Assessment, language: str) -> Assessment:
    """Keep the firm's language with its assessment (its PDF report comes in it); a submitted
    assessment may change it too, since it is no answer. Unknown languages are refused."""
    known = language_supported(language)
    if known is None:
        raise ValidationError("This language is not available.", code="language")
    if assessment.language != known:
        assessment.language = known
        Assessment.objects.filter(pk=assessment.pk).update(language=known)
    return assessment


def _require_draft(assessment: Assessment) -> None:
    if not assessment.is_draft:
        raise ValidationError("This assessment has been submitted and can no longer be changed.",
                              code="submitted")


@transaction.atomic
def assessment_update_profile(*, assessment: Assessment, profile: Mapping[str, Any]) -> Assessment:
    _require_draft(assessment)
    # From the database: a ModelForm has already written the new values onto the instance.
    stored_address, verified_at = Assessment.objects.filter(pk=assessment.pk).values_list(
        "contact_email", "contact_email_verified_at").get()
    verified_address = stored_address if verified_at else None
    for field in PROFILE_FIELDS:
        if field in profile:
            setattr(assessment, field, profile[field])
    if (verified_address or "").lower() != (assessment.contact_email or "").lower():
        assessment.contact_email_verified_at = None  # a new address is unproved until confirmed
    assessment.save()
    if assessment.firm.name != assessment.company_name:
        assessment.firm.name = assessment.company_name
        assessment.firm.save(update_fields=["name"])
    return assessment


@transaction.atomic
def answers_save(
    *, assessment: Assessment, answers: Mapping[str, tuple[Band, str] | tuple[Band, str, str]]
) -> None:
    """Upsert answers: ``{dimension_key: (band, None for N/A or "unknown", evidence[, what the
    answer rests on: an EvidenceKind or ""])}``.

    Keys are checked against the assessment's framework; the upsert makes a repeated post (two
    tabs, a retry) update the one row per dimension instead of adding rows: the last write wins.
    """
    _require_draft(assessment)
    spec = assessment.framework.spec
    unknown = set(answers) - set(spec.dimension_keys)
    if unknown:
        raise ValidationError("Unknown dimension: %(keys)s", code="unknown_dimension",
                              params={"keys": ", ".join(sorted(unknown))})
    rows = {key: (*value, "")[:3] for key, value in answers.items()}
    for key, (band, _, kind) in rows.items():
        if band is not None and band != UNKNOWN and band not in range(6):
            raise ValidationError("%(key)s: the band must be from 0 to 5.", code="band_range",
                                  params={"key": key})
        if kind and kind not in EvidenceKind.values:
            raise ValidationError("%(key)s: unknown kind of evidence.", code="evidence_kind",
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
        [Answer(assessment=assessment, dimension_key=key,
                band=None if band == UNKNOWN else band, is_unknown=band == UNKNOWN,
                evidence=evidence or "", evidence_kind=kind or "")
         for key, (band, evidence, kind) in rows.items()],
        update_conflicts=True,
        unique_fields=["assessment", "dimension_key"],
        update_fields=["band", "is_unknown", "evidence", "evidence_kind", "updated_at"],
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
    """Submit a complete draft: score the answers as they are once the draft is locked.

    The guarded UPDATE comes first: it takes the row's lock (PostgreSQL; the database's write
    lock on SQLite) before any answer is read, so an autosave racing the submit either commits
    before it (and is scored) or is refused after it; never stored but left out of the scores.
    A second submit of the same draft finds no draft row and is refused with code "submitted".
    """
    touched = Assessment.objects.filter(pk=assessment.pk, status=Assessment.Status.DRAFT).update(
        updated_at=timezone.now())
    if not touched:
        raise ValidationError("This assessment has been submitted already.", code="submitted")
    locked = Assessment.objects.select_for_update().select_related("framework").get(
        pk=assessment.pk)
    spec = locked.framework.spec
    bands = {key: UNKNOWN if unknown else band for key, band, unknown in
             locked.answers.values_list("dimension_key", "band", "is_unknown")}
    # Where the team agreed a band after comparing everyone's (issue 16), that band counts.
    bands |= {key: UNKNOWN if unknown else band for key, band, unknown in
              locked.agreed_bands.values_list("dimension_key", "band", "is_unknown")}
    missing = [d.name for k, d in spec.dimensions.items() if k not in bands]
    if missing:
        raise ValidationError(
            "Please rate every dimension (or mark it not applicable or not known) before "
            "submitting. "
            "Still open: %(missing)s.",
            code="incomplete",
            params={"missing": ", ".join(missing)},
        )
    scores = score(spec, bands)
    locked.status = Assessment.Status.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.scores = scores.as_dict()
    locked.overall_score = scores.overall
    locked.save(update_fields=["status", "submitted_at", "scores", "overall_score",
                               "updated_at"])
    # The caller's instance shows what was stored.
    for field in ("status", "submitted_at", "scores", "overall_score", "updated_at"):
        setattr(assessment, field, getattr(locked, field))
    # The submission may now count in its sector's benchmarks.
    benchmark_refresh_enqueue(assessment=assessment)
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


def benchmark_refresh_enqueue(*, assessment: Assessment) -> None:
    """Refresh the benchmark cohort of ``assessment`` in the background once the caller's
    transaction commits. Call it whenever a submission starts or stops counting: submitted,
    contact email verified, shared and reviewed, withdrawn, erased."""
    from readiness.tasks import refresh_benchmark_cohort

    cohort = (assessment.framework.version, assessment.sector,
              benchmarks.size_band(assessment.employees))

    def enqueue() -> None:
        try:
            refresh_benchmark_cohort.enqueue(*cohort)
        except Exception:  # the submission stands; `manage.py refresh_benchmarks` catches up
            logger.exception("Could not queue the benchmark refresh of cohort %s", cohort)

    transaction.on_commit(enqueue)


@transaction.atomic
def benchmark_cohort_refresh(*, framework_version: int, sector: str,
                             size_band: str) -> BenchmarkCohort:
    """Recompute one sector and size band's targets from its credible peers and store them."""
    keys = _framework_dimension_keys(framework_version)
    peers = benchmark_peer_bands(framework_version=framework_version, sector=sector,
                                 size_band=size_band)
    firms, targets = benchmarks.cohort_targets(keys, peers)
    _firms, quartiles = benchmarks.peer_quartiles(keys, peers)
    cohort, _ = BenchmarkCohort.objects.update_or_create(
        framework_version=framework_version, sector=sector, size_band=size_band,
        defaults={"firms": firms, "refreshed_at": timezone.now(),
                  "targets": {t.dimension: {"target": t.target, "peers": t.peers}
                              for t in targets},
                  "quartiles": {key: q.as_dict() for key, q in quartiles.items()}},
    )
    reference_bump(BENCHMARKS_REFERENCE)
    # The cohort's targets feed its firms' rankings: store them again on the new basis.
    assessments_top_dimensions_store(framework_version=framework_version, sector=sector,
                                     size_band=size_band)
    return cohort


TOP_DIMENSIONS_STORED = 4  # as many as the policy lens reads (matching's TOP_PRIORITIES)


def assessments_top_dimensions_store(*, framework_version: int, sector: str,
                                     size_band: str) -> int:
    """Store the first dimensions ``prioritise`` ranks for every submission of one sector and
    size band, with the basis (weights, targets) they were ranked on; returns how many changed.
    The policy lens reads them; where the basis has moved since (a weights edit), it ranks the
    firm itself, so a stored ranking is never used out of date."""
    framework = FrameworkVersion.objects.filter(version=framework_version).first()
    if framework is None:
        return 0
    spec = framework.spec
    low, high = benchmarks.size_band_range(size_band)
    submissions = Assessment.objects.filter(
        status=Assessment.Status.SUBMITTED, framework=framework, sector=sector,
        employees__gte=low)
    if high is not None:
        submissions = submissions.filter(employees__lte=high)
    ranker = TopDimensions(spec, priority_weights())
    rows = list(submissions.values_list("pk", "employees", "scores__dimensions", "objectives",
                                        "cost_profile", "top_dimensions",
                                        "top_dimensions_basis"))
    if not rows:
        return 0
    # Every firm of the cohort has the same targets (its size band's), read once.
    targets = sector_targets(spec, sector, rows[0][1])[0]
    basis = ranker.basis(targets)
    tops = ranker.top_many([(bands or {}, objectives or (), cost_profile, targets)
                            for _pk, _staff, bands, objectives, cost_profile, _top, _basis
                            in rows], limit=TOP_DIMENSIONS_STORED)
    changed = [Assessment(pk=pk, top_dimensions=",".join(top), top_dimensions_basis=basis)
               for (pk, _staff, _bands, _obj, _costs, stored, stored_basis), top
               in zip(rows, tops, strict=True)
               if (stored, stored_basis) != (",".join(top), basis)]
    Assessment.objects.bulk_update(changed, ["top_dimensions", "top_dimensions_basis"],
                                   batch_size=2000)
    return len(changed)


def benchmarks_refresh_all() -> int:
    """Recompute every cohort that has a submission or a stored row; returns how many."""
    cohorts = {
        (version, sector, benchmarks.size_band(employees))
        for version, sector, employees in Assessment.objects.filter(
            status=Assessment.Status.SUBMITTED).values_list(
                "framework__version", "sector", "employees").distinct()
    }
    cohorts |= set(BenchmarkCohort.objects.values_list("framework_version", "sector",
                                                       "size_band"))
    for version, sector, band in sorted(cohorts):
        benchmark_cohort_refresh(framework_version=version, sector=sector, size_band=band)
    return len(cohorts)


def _framework_dimension_keys(version: int) -> list[str]:
    framework = FrameworkVersion.objects.filter(version=version).first()
    return list(framework.spec.dimension_keys) if framework is not None else []


def _mail(*, to: str, subject: str, template: str, context: dict, what: str) -> bool:
    """Send one plain-text email; False (logged without the address) if the relay failed."""
    try:
        send_mail(subject=subject, message=render_to_string(template, context),
                  from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[to])
    except (OSError, smtplib.SMTPException):
        # What the email carries is also on the page; a mail outage must not lose the draft.
        logger.warning("Could not send the %s email", what)
        return False
    return True


def _site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def resume_link_send(*, assessment: Assessment, token: str) -> bool:
    """Email the private resume link to the firm's contact, once that address is confirmed
    (double opt-in: until then the service sends it nothing but the confirmation)."""
    if not assessment.contact_email or assessment.contact_email_verified_at is None:
        return False
    link = _site_url(reverse("readiness:resume", kwargs={"token": token}))
    context = {"assessment": assessment, "link": link,
               "days": settings.RESUME_LINK_MAX_AGE_DAYS}
    return _mail(to=assessment.contact_email, template="readiness/email/resume_link.txt",
                 subject="Your Industry 4.0 readiness assessment: private link to resume",
                 context=context, what="resume link")


# Signed, expiring links sent by email: each kind has its own salt, so one cannot stand in
# for another. They carry ids and the address, never the resume token in plain text.
CONFIRM_EMAIL_SALT = "readiness.contact-email"
ACCOUNT_LINK_SALT = "readiness.firm-account"
CONFIRM_MAX_AGE = datetime.timedelta(days=3)


def contact_confirmation_send(*, assessment: Assessment, sealed_token: str = "") -> bool:
    """Ask the contact address to confirm itself (double opt-in). The email says nothing the
    person who typed the address chose (not even the firm's name): until the owner of the
    address confirms, the service must not carry a stranger's words to them.

    ``sealed_token`` (the session's encrypted resume token) rides along so that confirming can
    email the private link to the now-proved address."""
    if not assessment.contact_email or assessment.contact_email_verified_at is not None:
        return False
    payload = {"a": str(assessment.public_id), "e": assessment.contact_email.lower(),
               "t": sealed_token}
    signed = signing.dumps(payload, salt=CONFIRM_EMAIL_SALT, compress=True)
    context = {"link": _site_url(reverse("readiness:confirm_email", kwargs={"signed": signed})),
               "days": CONFIRM_MAX_AGE.days}
    return _mail(to=assessment.contact_email, template="readiness/email/confirm_email.txt",
                 subject="Please confirm your email address", context=context,
                 what="confirmation")


@dataclasses.dataclass(frozen=True)
class EmailConfirmation:
    assessment: Assessment
    sealed_token: str


def contact_confirmation_read(*, signed: str) -> EmailConfirmation | None:
    """The assessment a confirmation link is for, if the link is genuine, recent and its
    address is still the assessment's contact address; else None."""
    try:
        payload = signing.loads(signed, salt=CONFIRM_EMAIL_SALT,
                                max_age=CONFIRM_MAX_AGE)
        assessment = Assessment.objects.get(public_id=payload["a"])
    except (signing.BadSignature, Assessment.DoesNotExist, KeyError, TypeError, ValueError):
        return None
    if assessment.contact_email.lower() != payload.get("e"):
        return None
    return EmailConfirmation(assessment=assessment, sealed_token=payload.get("t") or "")


@transaction.atomic
def contact_email_confirm(*, assessment: Assessment) -> bool:
    """Record that the contact address is proved; False if it was proved already."""
    confirmed = Assessment.objects.filter(
        pk=assessment.pk, contact_email=assessment.contact_email,
        contact_email_verified_at__isnull=True).update(contact_email_verified_at=timezone.now())
    assessment.refresh_from_db(fields=["contact_email_verified_at"])
    if confirmed and not assessment.is_draft:
        # A verified contact makes a submission count in its sector's benchmarks.
        benchmark_refresh_enqueue(assessment=assessment)
    return bool(confirmed)


@transaction.atomic
def assessment_link_rotate(*, assessment: Assessment) -> str:
    """Replace the private link: the old token opens nothing any more, and every session that
    held it loses the assessment (sessions are checked against the stored hash)."""
    token, token_hash = Assessment.new_token()
    Assessment.objects.filter(pk=assessment.pk).update(token_hash=token_hash,
                                                       updated_at=timezone.now())
    assessment.refresh_from_db(fields=["token_hash", "updated_at"])
    return token


def token_opens(*, assessment: Assessment, token: str) -> bool:
    return hash_token(token) == assessment.token_hash


def account_link_send(*, assessment: Assessment, user=None) -> bool:
    """Email the firm's confirmed contact address a link that creates a firm account for it
    (or, with ``user``, adds the firm to that signed-in account). Opening the link is the proof
    of control a firm account needs: a resume link alone grants one assessment, never a firm."""
    if not assessment.contact_email or assessment.contact_email_verified_at is None:
        return False
    payload = {"f": assessment.firm_id, "e": assessment.contact_email.lower(),
               "u": user.pk if user is not None else None}
    signed = signing.dumps(payload, salt=ACCOUNT_LINK_SALT, compress=True)
    context = {"link": _site_url(reverse("readiness:account_confirm", kwargs={"signed": signed})),
               "days": CONFIRM_MAX_AGE.days, "adding": user is not None}
    return _mail(to=assessment.contact_email, template="readiness/email/account_link.txt",
                 subject="Your Industry 4.0 readiness account", context=context,
                 what="account link")


@dataclasses.dataclass(frozen=True)
class AccountLink:
    firm: Firm
    email: str
    user_id: int | None


def account_link_read(*, signed: str) -> AccountLink | None:
    try:
        payload = signing.loads(signed, salt=ACCOUNT_LINK_SALT,
                                max_age=CONFIRM_MAX_AGE)
        firm = Firm.objects.get(pk=payload["f"])
        email = str(payload["e"])
    except (signing.BadSignature, Firm.DoesNotExist, KeyError, TypeError, ValueError):
        return None
    return AccountLink(firm=firm, email=email, user_id=payload.get("u"))


@transaction.atomic
def firm_account_add(*, user, firm: Firm) -> FirmAccount:
    account, _ = FirmAccount.objects.get_or_create(user=user, firm=firm)
    return account


@transaction.atomic
def firm_account_create(*, email: str, password: str, firm: Firm):
    """A new firm-account user named by the proved address, holding ``firm``."""
    user = get_user_model().objects.create_user(username=email, email=email, password=password)
    FirmAccount.objects.create(user=user, firm=firm)
    return user


@transaction.atomic
def firm_account_revoke(*, firm: Firm, account_id: int) -> bool:
    """Remove one account's access to the firm; False if it had none (already removed)."""
    deleted, _ = FirmAccount.objects.filter(pk=account_id, firm=firm).delete()
    return bool(deleted)
