"""The one evaluation pipeline (DESIGN §8): answers -> scores -> targets -> priorities ->
matches -> plan, for a firm given as data (the API, ``manage.py evaluate``, one row of a bulk
table) or as a stored assessment (the results page, the PDF, the advisor's case page).

Every caller goes through ``evaluation_run``; ``evaluation_for_assessment`` only reads what an
assessment holds and hands it over. The result is a frozen ``Evaluation``; ``as_dict`` is the
API's JSON (DESIGN §7).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.utils import timezone

from programmes.international_selectors import InternationalView, international_for
from programmes.matching import FirmProfile, MatchResult, match
from programmes.planning import Plan, build_plan
from programmes.selectors import (
    funding_offers,
    profile_of,
    programme_index_get,
    programme_match,
)
from programmes.usecases import currency_for, load_usecases
from readiness.framework import FrameworkSpec
from readiness.models import Assessment
from readiness.prioritisation import Priority, prioritise
from readiness.scoring import Band, Scores, score
from readiness.selectors import (
    FirmPeers,
    answers_for,
    priority_weights,
    sector_targets,
    sector_targets_and_peers,
)


@dataclass(frozen=True)
class Evaluation:
    """One firm evaluated. The attributes the results page and the report read by name
    (``scores``, ``priorities``, ``targets``, ``target_source``, ``peer_count``, ``weights``,
    ``evidence``) are those of ``readiness.selectors.AssessmentResults``."""

    spec: FrameworkSpec
    profile: FirmProfile
    scores: Scores
    targets: dict[str, int]
    target_source: dict[str, str]  # dimension -> "peers" or "default"
    peer_count: int  # credible firms of the same sector and size band
    weights: dict[str, float]
    priorities: list[Priority]
    match_result: MatchResult
    plan: Plan
    # The firm's own words per answered dimension (stored assessments only).
    evidence: dict[str, str] = field(default_factory=dict)
    # The six countries' support for this firm, only when asked for (``include``).
    international: InternationalView | None = None
    # Stored assessments only (issue 16): what each answer rests on (EvidenceKind value or ""),
    # the answers an advisor verified, the lead's own answers before agreement, and the
    # dimensions whose band the team agreed.
    evidence_kinds: dict[str, str] = field(default_factory=dict)
    verified: set[str] = field(default_factory=set)
    own_answers: dict[str, Band] = field(default_factory=dict)
    agreed: frozenset[str] = frozenset()
    # The firm's peers' medians and quartiles (asked for with ``with_peers``: the results page).
    peers: FirmPeers | None = None

    def as_dict(self) -> dict[str, Any]:
        """The answer of ``POST /api/v1/evaluate`` and ``manage.py evaluate`` (DESIGN §7)."""
        return {
            "framework_version": self.spec.version,
            "scores": self.scores.as_dict(),
            "priorities": [p.as_dict() for p in self.priorities],
            **self.match_result.as_dict(),
            "plan": self.plan.as_list(),
            **({"international": self.international.as_list()}
               if self.international is not None else {}),
        }


def _ranked(
    spec: FrameworkSpec, profile: FirmProfile, answers: Mapping[str, Band],
    objectives: Sequence[str], cost_profile: Mapping[str, float] | None,
    with_peers: bool = False,
) -> tuple[Scores, dict[str, int], dict[str, str], int, dict[str, float], list[Priority],
           FirmPeers | None]:
    """The first steps of every evaluation: scores, the sector's targets (and the firm's peers,
    from the same read, when asked), the weights in force, and the priorities ranked by them."""
    scores = score(spec, answers)
    peers = None
    if with_peers:
        targets, source, peer_count, peers = sector_targets_and_peers(
            spec=spec, sector=profile.sector, employees=profile.employees,
            bands=scores.dimensions)
    else:
        targets, source, peer_count = sector_targets(spec, profile.sector, profile.employees)
    weights = priority_weights()
    # "Don't know" counts as None here: priorities (and plans) leave it out like N/A.
    priorities = prioritise(spec, scores.dimensions, objectives=objectives,
                            cost_profile=cost_profile, targets=targets, weights=weights)
    return scores, targets, source, peer_count, weights, priorities, peers


def evaluation_run(
    *,
    spec: FrameworkSpec,
    profile: FirmProfile,
    answers: Mapping[str, Band],
    objectives: Sequence[str] = (),
    cost_profile: Mapping[str, float] | None = None,
    as_of: datetime.date | None = None,
    plan_targets: Mapping[str, int] | None = None,
    evidence: Mapping[str, str] | None = None,
    elsewhere: bool = True,
    include: Sequence[str] = (),
    with_peers: bool = False,
) -> Evaluation:
    """Evaluate one firm from checked input (answers, objectives and cost categories known to
    ``spec``). Stores nothing. ``as_of`` (default today) dates the programmes' status;
    ``plan_targets`` are the bands the firm set itself for its plan; without ``elsewhere`` the
    near misses in other countries are left out (the bulk table shows none); with
    "international" in ``include`` the six countries' view is added."""
    as_of = as_of or timezone.localdate()
    scores, targets, source, peer_count, weights, priorities, peers = _ranked(
        spec, profile, answers, objectives, cost_profile, with_peers)
    dimension_names = {key: dim.name for key, dim in spec.dimensions.items()}
    match_result = programme_match(
        profile=profile, scores=scores, priorities=priorities,
        as_of=as_of, dimension_names=dimension_names, elsewhere=elsewhere,
    )
    plan = build_plan(
        load_usecases(),
        bands=scores.dimensions,
        priorities=priorities,
        sector=profile.sector,
        currency=currency_for(profile.country, profile.turnover_currency),
        offers=funding_offers(match_result.matches),
        targets=dict(plan_targets or {}),
        dimension_names=dimension_names,
    )
    international = (international_for(profile=profile, scores=scores, priorities=priorities,
                                       as_of=as_of, dimension_names=dimension_names)
                     if "international" in include else None)
    return Evaluation(
        spec=spec, profile=profile, scores=scores, targets=targets, target_source=source,
        peer_count=peer_count, weights=weights, priorities=priorities,
        match_result=match_result, plan=plan, evidence=dict(evidence or {}),
        international=international, peers=peers,
    )


def evaluation_for_assessment(
    assessment: Assessment, *, as_of: datetime.date | None = None
) -> Evaluation:
    """``evaluation_run`` over what a stored assessment holds: its answers, profile, objectives,
    cost profile and own plan targets (those the framework no longer knows are left out)."""
    spec = assessment.framework.spec
    answers = [a for a in answers_for(assessment) if a.dimension_key in spec.dimensions]
    own: dict[str, Band] = {a.dimension_key: a.value for a in answers}
    # Where the team agreed a band after comparing everyone's (issue 16), that band counts.
    agreed: dict[str, Band] = {a.dimension_key: a.value for a in assessment.agreed_bands.all()
                               if a.dimension_key in spec.dimensions}
    evaluation = evaluation_run(
        spec=spec,
        profile=profile_of(assessment),
        answers=own | agreed,
        objectives=[o for o in assessment.objectives if o in spec.objective_keys],
        cost_profile={k: v for k, v in assessment.cost_profile.items() if k in spec.cost_keys},
        as_of=as_of,
        plan_targets={k: v for k, v in (assessment.plan_targets or {}).items()
                      if k in spec.dimensions and isinstance(v, int)},
        evidence={a.dimension_key: a.evidence for a in answers},
        with_peers=True,
    )
    return replace(
        evaluation,
        evidence_kinds={a.dimension_key: a.evidence_kind for a in answers},
        verified={a.dimension_key for a in answers if a.verified_at is not None},
        own_answers=own,
        agreed=frozenset(agreed),
    )


def evaluation_for_table(
    *,
    spec: FrameworkSpec,
    profile: FirmProfile,
    answers: Mapping[str, Band],
    objectives: Sequence[str] = (),
    cost_profile: Mapping[str, float] | None = None,
    as_of: datetime.date,
    dimension_names: dict[str, str],
) -> tuple[Scores, list[Priority], MatchResult]:
    """What a row of the bulk table shows of ``evaluation_run``: the same scores, priorities and
    rankings in the firm's country, without the plan, the fit sentences or other countries
    (bench/engine.py measures the bulk rate this buys)."""
    scores, _targets, _source, _count, _weights, priorities, _peers = _ranked(
        spec, profile, answers, objectives, cost_profile)
    found = match(profile, scores, priorities,
                  programmes=programme_index_get().candidates(profile.country),
                  as_of=as_of, dimension_names=dimension_names, explain=False)
    return scores, priorities, found
