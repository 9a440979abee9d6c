"""Data rights of the link holder: download everything about an assessment, or erase it.

Other apps keep data about an assessment too (stored PDF reports, advisors' notes and their
history rows). They take part through two registries instead of this module importing them:

* ``register_exporter(name)``: a function ``(assessment) -> JSON-able`` whose result appears in
  the download under ``name`` (e.g. ``"advisor_notes"``).
* ``register_eraser``: a function ``(assessment) -> None`` run inside the erase transaction,
  *before* the assessment row is deleted, so it can still follow relations. It must delete
  what the cascade does not reach (history rows, rows with SET_NULL foreign keys) and schedule
  file deletions with ``readiness.storage.delete_files_on_commit`` (a rolled-back erase must
  keep its files).

Register in the app's ``AppConfig.ready()``; see docs/privacy.md.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from readiness.models import Assessment, Firm
from readiness.results_cache import results_body_forget
from readiness.selectors import assessment_results
from readiness.services import PROFILE_FIELDS, benchmark_refresh_enqueue

logger = logging.getLogger(__name__)

Exporter = Callable[[Assessment], Any]
Eraser = Callable[[Assessment], None]

EXPORT_FORMAT = "readiness-assessment-export/1"

_exporters: dict[str, Exporter] = {}
_erasers: list[Eraser] = []


def register_exporter(name: str) -> Callable[[Exporter], Exporter]:
    """Add a section ``name`` to every export; the decorated function builds it."""

    def decorator(function: Exporter) -> Exporter:
        _exporters[name] = function
        return function

    return decorator


def register_eraser(function: Eraser) -> Eraser:
    """Run ``function(assessment)`` in every erase, before the assessment is deleted."""
    if function not in _erasers:  # ready() can run twice in tests; erase once
        _erasers.append(function)
    return function


def _iso(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value else None


def assessment_export(*, assessment: Assessment) -> dict[str, Any]:
    """Everything we hold about this assessment, as one JSON-able document."""
    spec = assessment.framework.spec
    results = assessment_results(assessment)
    profile = {field: getattr(assessment, field) for field in PROFILE_FIELDS}
    if profile["turnover"] is not None:
        profile["turnover"] = str(profile["turnover"])  # a Decimal: keep it exact
    document: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "exported_at": timezone.now().isoformat(),
        "assessment": {
            "id": str(assessment.public_id),
            "status": assessment.status,
            "framework_version": spec.version,
            "created_at": _iso(assessment.created_at),
            "updated_at": _iso(assessment.updated_at),
            "submitted_at": _iso(assessment.submitted_at),
            "previous": str(previous.public_id) if (previous := assessment.previous) else None,
            "is_synthetic": assessment.is_synthetic,
            "language": assessment.language,
        },
        "profile": profile,
        "answers": [
            {
                "dimension": a.dimension_key,
                "dimension_name": spec.dimensions[a.dimension_key].name
                if a.dimension_key in spec.dimensions else None,
                "band": a.band,
                "unknown": a.is_unknown,
                "evidence": a.evidence,
                "evidence_kind": a.evidence_kind,
                "verified_at": _iso(a.verified_at),
                "updated_at": _iso(a.updated_at),
            }
            for a in assessment.answers.order_by("id")
        ],
        # Colleagues the holder invited (issue 16), their answers and the bands agreed.
        "respondents": [
            {"role": r.role, "name": r.name, "email": r.email,
             "invited_at": _iso(r.invited_at), "finished_at": _iso(r.finished_at),
             "answers": [{"dimension": x.dimension_key, "band": x.band, "unknown": x.is_unknown,
                          "evidence_kind": x.evidence_kind, "evidence": x.evidence}
                         for x in r.answers.order_by("id")]}
            for r in assessment.respondents.order_by("id")
        ],
        "agreed_bands": [
            {"dimension": a.dimension_key, "band": a.band, "unknown": a.is_unknown,
             "reason": a.reason, "ratings": a.ratings, "agreed_at": _iso(a.agreed_at)}
            for a in assessment.agreed_bands.order_by("id")
        ],
        "objectives": list(assessment.objectives),
        "cost_profile": dict(assessment.cost_profile),
        # Scores and priorities as computed now, from the answers above (for a draft, over
        # what is answered so far).
        "scores": results.scores.as_dict(),
        "priorities": [p.as_dict() for p in results.priorities],
    }
    for name, exporter in _exporters.items():
        document[name] = exporter(assessment)
    return document


@dataclass(frozen=True)
class Erasure:
    """What an erase removed (counts only: nothing that identifies the firm)."""

    assessment_id: str
    answers: int
    firm_deleted: bool


@transaction.atomic
def assessment_erase(*, assessment: Assessment) -> Erasure | None:
    """Delete the assessment, its answers, everything hooked to it, and the firm if it has no
    other assessment left. All or nothing: any eraser failing rolls the whole erase back.

    None if it is gone already: a second erase (a double click, two tabs) waits for the first
    one's lock and then finds nothing left to do, which is what its holder asked for.
    """
    locked = Assessment.objects.select_for_update().filter(pk=assessment.pk).first()
    if locked is None:
        return None
    assessment = locked
    for eraser in list(_erasers):
        eraser(assessment)
    answers = assessment.answers.count()
    firm_id = assessment.firm_id
    public_id = str(assessment.public_id)
    # Its results page kept in the cache goes with it, and its cohort's targets are recounted
    # without it once the erase commits.
    results_body_forget(public_id=assessment.public_id)
    if assessment.status == Assessment.Status.SUBMITTED:
        benchmark_refresh_enqueue(assessment=assessment)
    assessment.delete()  # cascades to answers and to other apps' CASCADE rows
    firm_deleted = False
    if not Assessment.objects.filter(firm_id=firm_id).exists():
        Firm.objects.filter(pk=firm_id).delete()
        firm_deleted = True
    # Logged without the firm's name: the log must not keep what was just erased.
    logger.info("Erased assessment %s (%d answers)", public_id, answers)
    return Erasure(assessment_id=public_id, answers=answers, firm_deleted=firm_deleted)


def drafts_purge(*, older_than_days: int, dry_run: bool = False) -> int:
    """Erase drafts not saved for ``older_than_days`` days (abandoned: their links expired);
    returns how many. Each goes through ``assessment_erase`` so every eraser runs."""
    if older_than_days < 0:
        raise ValueError("older_than_days must be 0 or more")
    cutoff = timezone.now() - datetime.timedelta(days=older_than_days)
    stale = Assessment.objects.filter(status=Assessment.Status.DRAFT, updated_at__lt=cutoff)
    if dry_run:
        return stale.count()
    count = 0
    for assessment in stale.iterator():
        assessment_erase(assessment=assessment)
        count += 1
    return count
