"""Reads: results of an assessment (scores, priorities), reference targets, weights."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet

from readiness.framework import FrameworkSpec
from readiness.models import Answer, Assessment, PriorityWeights
from readiness.prioritisation import Priority, normalise_weights, prioritise
from readiness.scoring import Scores, score

# Sector targets come from peers only when there are enough of them (DESIGN §4).
MIN_PEERS_FOR_TARGET = 10
TARGET_PERCENTILE = 0.9


@dataclass(frozen=True)
class AssessmentResults:
    spec: FrameworkSpec
    scores: Scores
    priorities: list[Priority]
    targets: dict[str, int]
    target_source: dict[str, str]  # dimension -> "peers" or "default"
    peer_count: int
    weights: dict[str, float]
    evidence: dict[str, str]


def priority_weights() -> dict[str, float]:
    """The weights in force: the newest staff edit, else the settings' defaults."""
    row = PriorityWeights.objects.order_by("-changed_at").first()
    if row is None:
        return normalise_weights(settings.PRIORITY_WEIGHTS)
    return normalise_weights({"gap": row.gap, "kpi": row.kpi, "cost": row.cost})


def answers_for(assessment: Assessment) -> QuerySet[Answer]:
    return assessment.answers.all()


def sector_targets(spec: FrameworkSpec, sector: str) -> tuple[dict[str, int], dict[str, str], int]:
    """Best-in-class bands per dimension for a sector, with where each came from.

    The 90th percentile (nearest-rank) of submitted assessments in the sector, per dimension,
    when at least ten peers answered it; otherwise the framework's documented default.
    """
    rows = Answer.objects.filter(
        assessment__sector=sector,
        assessment__status=Assessment.Status.SUBMITTED,
        assessment__framework__version=spec.version,
        band__isnull=False,
    ).values_list("dimension_key", "band")
    by_dimension: dict[str, list[int]] = {}
    for key, band in rows:
        if band is not None:  # excluded by the query; said again for the type checker
            by_dimension.setdefault(key, []).append(band)
    peer_count = Assessment.objects.filter(
        sector=sector, status=Assessment.Status.SUBMITTED, framework__version=spec.version
    ).count()
    targets: dict[str, int] = {}
    source: dict[str, str] = {}
    for key, dim in spec.dimensions.items():
        bands = sorted(by_dimension.get(key, []))
        if len(bands) >= MIN_PEERS_FOR_TARGET:
            rank = max(1, -(-len(bands) * 9 // 10))  # ceil(0.9 * n), nearest-rank percentile
            targets[key] = bands[rank - 1]
            source[key] = "peers"
        else:
            targets[key] = dim.default_target
            source[key] = "default"
    return targets, source, peer_count


def assessment_results(assessment: Assessment) -> AssessmentResults:
    spec = assessment.framework.spec
    answers = list(answers_for(assessment))
    bands = {a.dimension_key: a.band for a in answers if a.dimension_key in spec.dimensions}
    scores = score(spec, bands)
    targets, source, peer_count = sector_targets(spec, assessment.sector)
    weights = priority_weights()
    priorities = prioritise(
        spec,
        bands,
        objectives=[o for o in assessment.objectives if o in spec.objective_keys],
        cost_profile={k: v for k, v in assessment.cost_profile.items() if k in spec.cost_keys},
        targets=targets,
        weights=weights,
    )
    return AssessmentResults(
        spec=spec,
        scores=scores,
        priorities=priorities,
        targets=targets,
        target_source=source,
        peer_count=peer_count,
        weights=weights,
        evidence={a.dimension_key: a.evidence for a in answers},
    )
