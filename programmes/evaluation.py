"""Stateless evaluation of one firm (DESIGN §7), shared by the API and ``manage.py evaluate``.

``evaluate`` scores, prioritises and matches a checked request without storing anything; the
request is checked by the API's schemas (``reports.schemas``), whoever sends it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from programmes.international_selectors import international_for
from programmes.matching import FirmProfile, MatchResult, match
from programmes.planning import build_plan
from programmes.selectors import funding_offers, programme_index_get, programme_match
from programmes.usecases import currency_for, load_usecases
from readiness.framework import CURRENT_VERSION, FrameworkSpec, load_framework
from readiness.prioritisation import Priority, prioritise
from readiness.scoring import Band, Scores, score
from readiness.selectors import priority_weights, sector_targets


@dataclass(frozen=True)
class EvaluationRequest:
    profile: FirmProfile
    answers: dict[str, Band]  # a band, None (not applicable) or "unknown" (don't know)
    objectives: list[str] = field(default_factory=list)
    cost_profile: dict[str, float] = field(default_factory=dict)
    as_of: datetime.date | None = None
    include: tuple[str, ...] = ()


def evaluate(request: EvaluationRequest, spec: FrameworkSpec | None = None, *,
             elsewhere: bool = True) -> dict[str, Any]:
    """Scores, priorities, matches and near misses as the API's JSON (DESIGN §7); without the
    near misses in other countries when ``elsewhere`` is False (the bulk table shows none)."""
    spec = spec or load_framework(CURRENT_VERSION)
    scores = score(spec, request.answers)
    bands = scores.dimensions  # "don't know" as None: priorities and plans leave it out
    targets, _source, _peers = sector_targets(spec, request.profile.sector,
                                              request.profile.employees)
    priorities = prioritise(
        spec,
        bands,
        objectives=request.objectives,
        cost_profile=request.cost_profile,
        targets=targets,
        weights=priority_weights(),
    )
    result = programme_match(
        profile=request.profile,
        scores=scores,
        priorities=priorities,
        as_of=request.as_of or timezone.localdate(),
        dimension_names={key: dim.name for key, dim in spec.dimensions.items()},
        elsewhere=elsewhere,
    )
    plan = build_plan(
        load_usecases(),
        bands=bands,
        priorities=priorities,
        sector=request.profile.sector,
        currency=currency_for(request.profile.country, request.profile.turnover_currency),
        offers=funding_offers(result.matches),
        dimension_names={key: dim.name for key, dim in spec.dimensions.items()},
    )
    answer = {
        "framework_version": spec.version,
        "scores": scores.as_dict(),
        "priorities": [p.as_dict() for p in priorities],
        **result.as_dict(),
        "plan": plan.as_list(),
    }
    if "international" in request.include:
        answer["international"] = international_for(
            profile=request.profile, scores=scores, priorities=priorities,
            as_of=request.as_of or timezone.localdate(),
            dimension_names={key: dim.name for key, dim in spec.dimensions.items()},
        ).as_list()
    return answer


def evaluate_for_table(request: EvaluationRequest, spec: FrameworkSpec,
                        names: dict[str, str], today: datetime.date
                        ) -> tuple[Scores, list[Priority], MatchResult]:
    """What ``evaluate`` computes that a row of the bulk table shows (same scores, priorities
    and rankings; programme_match with ``elsewhere=False``, without the fit sentences)."""
    scores = score(spec, request.answers)
    targets, _source, _peers = sector_targets(spec, request.profile.sector,
                                              request.profile.employees)
    priorities = prioritise(spec, scores.dimensions, objectives=request.objectives,
                            cost_profile=request.cost_profile, targets=targets,
                            weights=priority_weights())
    found = match(request.profile, scores, priorities,
                  programmes=programme_index_get().candidates(request.profile.country),
                  as_of=request.as_of or today, dimension_names=names, explain=False)
    return scores, priorities, found
