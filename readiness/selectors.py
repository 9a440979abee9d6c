"""Reads: results of an assessment (scores, priorities), reference targets, weights."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet

from readiness import benchmarks
from readiness.framework import FrameworkSpec
from readiness.models import Answer, Assessment, BenchmarkCohort, PriorityWeights
from readiness.prioritisation import Priority, normalise_weights, prioritise
from readiness.reference_cache import BENCHMARKS_REFERENCE, WEIGHTS_REFERENCE, reference_get
from readiness.scoring import Band, Scores, score

# Re-exported for the callers that read the rule from here.
MIN_PEERS_FOR_TARGET = benchmarks.MIN_PEERS_FOR_TARGET
TARGET_PERCENTILE = 0.9

# The share statuses that mean an advisor of the organisation has opened and worked the case
# (every status of advisors.models.Share.Status but "new"). Named here as strings because
# readiness sits below advisors and does not import it; tests/readiness/test_benchmarks_f6.py checks the
# list against the model.
SHARE_STATUSES_REVIEWED = ("in_review", "action_plan_agreed", "follow_up", "closed")


@dataclass(frozen=True)
class AssessmentResults:
    spec: FrameworkSpec
    scores: Scores
    priorities: list[Priority]
    targets: dict[str, int]
    target_source: dict[str, str]  # dimension -> "peers" or "default"
    peer_count: int  # credible firms of the same sector and size band
    weights: dict[str, float]
    evidence: dict[str, str]
    # What each answer rests on (EvidenceKind value or ""), by dimension (issue 16).
    evidence_kinds: dict[str, str] = field(default_factory=dict)
    verified: set[str] = field(default_factory=set)  # answers an advisor verified
    own_answers: dict[str, Band] = field(default_factory=dict)  # the lead's, before agreement
    agreed: frozenset[str] = frozenset()  # dimensions whose band the team agreed


def _weights_in_force() -> dict[str, float]:
    row = PriorityWeights.objects.order_by("-changed_at").first()
    if row is None:
        return normalise_weights(settings.PRIORITY_WEIGHTS)
    return normalise_weights({"gap": row.gap, "kpi": row.kpi, "cost": row.cost})


def priority_weights() -> dict[str, float]:
    """The weights in force: the newest staff edit, else the settings' defaults (read once per
    process and again after an edit)."""
    # A copy, so that no caller can change the kept one.
    return dict(reference_get(WEIGHTS_REFERENCE, _weights_in_force))


def answers_for(assessment: Assessment) -> QuerySet[Answer]:
    return assessment.answers.all()


def credible_submissions(*, framework_version: int) -> QuerySet[Assessment]:
    """Submissions that count in benchmarks (docs/benchmarks.md): never synthetic (demo) firms;
    only those whose contact email was verified, or that were shared with a real advisory
    organisation whose advisor has opened and worked the case."""
    # The sharing model belongs to advisors, above this app: reached through the relation, so
    # that readiness does not import it.
    share_model = Assessment._meta.get_field("shares").related_model
    reviewed = Exists(share_model._default_manager.filter(
        assessment=OuterRef("pk"),
        withdrawn_at__isnull=True,
        organisation__is_synthetic=False,
        status__in=SHARE_STATUSES_REVIEWED,
    ))
    return Assessment.objects.filter(
        Q(contact_email_verified_at__isnull=False) | reviewed,
        status=Assessment.Status.SUBMITTED, is_synthetic=False,
        framework__version=framework_version,
    )


def benchmark_peer_bands(
    *, framework_version: int, sector: str, size_band: str
) -> list[dict[str, int | None]]:
    """Each credible firm's bands (its latest credible submission) in one sector and size band.

    Scans the cohort's submissions: for the background refresh only, never for a request.
    """
    low, high = benchmarks.size_band_range(size_band)
    rows = credible_submissions(framework_version=framework_version).filter(
        sector=sector, employees__gte=low)
    if high is not None:
        rows = rows.filter(employees__lte=high)
    latest: dict[int, dict[str, int | None]] = {}
    for firm_id, scores in rows.order_by("firm_id", "-submitted_at", "-pk").values_list(
            "firm_id", "scores"):
        latest.setdefault(firm_id, (scores or {}).get("dimensions", {}))
    return list(latest.values())


def _benchmark_table() -> dict[tuple[int, str, str], tuple[int, dict[str, dict[str, int]]]]:
    return {
        (row.framework_version, row.sector, row.size_band): (row.firms, row.targets)
        for row in BenchmarkCohort.objects.all()
    }


def sector_targets(
    spec: FrameworkSpec, sector: str, employees: int
) -> tuple[dict[str, int], dict[str, str], int]:
    """Best-in-class bands per dimension for a firm's sector and size band, with where each came
    from, and how many credible firms the cohort holds.

    The 90th percentile (nearest-rank) of credible peers of the same sector and size band, per
    dimension, when at least ten of them rated it; otherwise the framework's documented default.
    Read from the precomputed table (kept per process), so the cost does not grow with the
    number of firms.
    """
    band = benchmarks.size_band(employees)
    firms, peer_targets = reference_get(BENCHMARKS_REFERENCE, _benchmark_table).get(
        (spec.version, sector, band), (0, {}))
    targets: dict[str, int] = {}
    source: dict[str, str] = {}
    for key, dim in spec.dimensions.items():
        stored = peer_targets.get(key)
        if stored is not None and stored["peers"] >= MIN_PEERS_FOR_TARGET:
            targets[key] = stored["target"]
            source[key] = "peers"
        else:
            targets[key] = dim.default_target
            source[key] = "default"
    return targets, source, firms


def assessment_results(assessment: Assessment) -> AssessmentResults:
    spec = assessment.framework.spec
    answers = list(answers_for(assessment))
    own = {a.dimension_key: a.value for a in answers if a.dimension_key in spec.dimensions}
    # Where the team agreed a band after comparing everyone's (issue 16), that band counts.
    agreed = {a.dimension_key: a.value for a in assessment.agreed_bands.all()
              if a.dimension_key in spec.dimensions}
    scores = score(spec, own | agreed)
    bands = scores.dimensions  # "don't know" as None: priorities leave it out like N/A
    targets, source, peer_count = sector_targets(spec, assessment.sector, assessment.employees)
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
        evidence_kinds={a.dimension_key: a.evidence_kind for a in answers},
        verified={a.dimension_key for a in answers if a.verified_at is not None},
        own_answers=own,
        agreed=frozenset(agreed),
    )
