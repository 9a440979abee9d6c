"""Reads: results of an assessment (scores, priorities), reference targets, weights."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet

from readiness import benchmarks
from readiness.benchmarks import PeerQuartiles
from readiness.framework import FrameworkSpec
from readiness.models import Answer, Assessment, BenchmarkCohort, PriorityWeights
from readiness.prioritisation import Priority, normalise_weights, prioritise
from readiness.reference_cache import BENCHMARKS_REFERENCE, WEIGHTS_REFERENCE, reference_get
from readiness.scoring import Band, Scores, score
from readiness.wording import join_words

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
    # The firm's peers' figures, read with the targets (one read of the benchmark table).
    peers: FirmPeers | None = None


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


def _benchmark_table() -> dict[tuple[int, str, str], tuple[int, dict[str, dict[str, int]],
                                                          dict[str, dict[str, float]]]]:
    return {
        (row.framework_version, row.sector, row.size_band): (row.firms, row.targets,
                                                             row.quartiles)
        for row in BenchmarkCohort.objects.all()
    }


@dataclass(frozen=True)
class PeerRow:
    dimension: str
    name: str
    band: int | None
    quartiles: PeerQuartiles | None  # None: too few peers rated it
    position: str  # where the firm stands, in words


@dataclass(frozen=True)
class FirmPeers:
    """What a firm sees of its peers: the cohort, and per dimension their median and quartiles
    where the advisors' rule allows (``readiness.benchmarks.MIN_PEERS``)."""

    sector: str
    size_band: str
    firms: int  # credible firms in the cohort (the firm itself among them if it counts)
    minimum: int
    rows: tuple[PeerRow, ...]

    @property
    def shown(self) -> bool:
        return any(row.quartiles is not None for row in self.rows)

    @property
    def summary_line(self) -> str:
        """The comparison in one sentence (the PDF report's line)."""
        if not self.shown:
            return (f"Too few firms of the same sector and size have a submission that counts "
                    f"({self.firms} of the {self.minimum} needed) to compare with peers.")
        groups: dict[str, list[str]] = {}
        for row in self.rows:
            groups.setdefault(row.position, []).append(row.name)
        parts = [f"{position} in {join_words(groups[position])}"
                 for position in ("above most peers", "below most peers") if position in groups]
        middle = "among the middle half" + (" in the rest" if parts else "")
        if "among the middle half" in groups:
            parts.append(middle)
        sentence = "; ".join(parts) if parts else "no dimension compares yet"
        return (f"Against {self.firms} firms of the same sector and size: "
                f"{sentence}.")

    def on_chart(self) -> dict[str, Any]:
        """The peers' medians as the radar's dashed comparison, where there are figures."""
        if not self.shown:
            return {}
        return {"comparison": {row.dimension: row.quartiles.median if row.quartiles else None
                               for row in self.rows},
                "comparison_label": f"the median of {self.firms} similar firms"}

    @property
    def size_label(self) -> str:
        return next(label for key, label, _low, _high in benchmarks.SIZE_BANDS
                    if key == self.size_band)


def _benchmark_row(spec: FrameworkSpec, sector: str, employees: int
                   ) -> tuple[str, int, dict[str, dict[str, int]], dict[str, dict[str, float]]]:
    """The firm's cohort (size band), its credible firms, targets and quartiles: one read of the
    precomputed table (kept per process)."""
    size = benchmarks.size_band(employees)
    firms, targets, quartiles = reference_get(BENCHMARKS_REFERENCE, _benchmark_table).get(
        (spec.version, sector, size), (0, {}, {}))
    return size, firms, targets, quartiles


def peers_for_firm(*, spec: FrameworkSpec, sector: str, employees: int,
                   bands: Mapping[str, int | None]) -> FirmPeers:
    """The firm's peers (same sector and size band, credible submissions only, never synthetic
    firms) against its own bands, from the precomputed benchmark table: no request scans
    submissions."""
    size, firms, _targets, stored = _benchmark_row(spec, sector, employees)
    return _firm_peers(spec, sector, size, firms, stored, bands)


def _firm_peers(spec: FrameworkSpec, sector: str, size: str, firms: int,
                stored: Mapping[str, Mapping[str, float]],
                bands: Mapping[str, int | None]) -> FirmPeers:
    rows = []
    for key, dim in spec.dimensions.items():
        row = stored.get(key) if firms >= benchmarks.MIN_PEERS else None
        quartiles = (PeerQuartiles(key, row["median"], row["lower"], row["upper"],
                                   int(row["peers"]))
                     if row is not None and row["peers"] >= benchmarks.MIN_PEERS else None)
        band = bands.get(key)
        band = band if isinstance(band, int) else None  # "don't know" counts as no band
        rows.append(PeerRow(key, dim.name, band, quartiles,
                            benchmarks.peer_position(band, quartiles)))
    return FirmPeers(sector, size, firms, benchmarks.MIN_PEERS, tuple(rows))


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
    _size, firms, peer_targets, _quartiles = _benchmark_row(spec, sector, employees)
    return (*_targets_from(spec, peer_targets), firms)


def _targets_from(spec: FrameworkSpec, peer_targets: Mapping[str, Mapping[str, int]]
                  ) -> tuple[dict[str, int], dict[str, str]]:
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
    return targets, source


def assessment_results(assessment: Assessment) -> AssessmentResults:
    spec = assessment.framework.spec
    answers = list(answers_for(assessment))
    own = {a.dimension_key: a.value for a in answers if a.dimension_key in spec.dimensions}
    # Where the team agreed a band after comparing everyone's (issue 16), that band counts.
    agreed = {a.dimension_key: a.value for a in assessment.agreed_bands.all()
              if a.dimension_key in spec.dimensions}
    scores = score(spec, own | agreed)
    bands = scores.dimensions  # "don't know" as None: priorities leave it out like N/A
    size, peer_count, peer_targets, quartiles = _benchmark_row(spec, assessment.sector,
                                                               assessment.employees)
    targets, source = _targets_from(spec, peer_targets)
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
        peers=_firm_peers(spec, assessment.sector, size, peer_count, quartiles,
                          scores.dimensions),
    )
