"""The one call from the API, ``manage.py evaluate`` and the bulk table into the evaluation
pipeline (``reports.pipeline.evaluation_run``): a checked body in, the answer of DESIGN §7 out.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from programmes.matching import FirmProfile
from readiness.framework import CURRENT_VERSION, FrameworkSpec, load_framework
from readiness.scoring import Band
from reports import pipeline
from reports.schemas import EvaluateRequest


@dataclass(frozen=True)
class EvaluationRequest:
    """A checked request: the firm as the pipeline takes it."""

    profile: FirmProfile
    answers: dict[str, Band]  # a band, None (not applicable) or "unknown" (don't know)
    objectives: list[str] = field(default_factory=list)
    cost_profile: dict[str, float] = field(default_factory=dict)
    as_of: datetime.date | None = None
    include: tuple[str, ...] = ()


def evaluate(request: EvaluationRequest, spec: FrameworkSpec | None = None, *,
             elsewhere: bool = True) -> dict[str, Any]:
    """Scores, priorities, matches, near misses and plan as the API's JSON (DESIGN §7), from
    the one pipeline; without the near misses in other countries when ``elsewhere`` is False
    (the bulk table shows none)."""
    spec = spec or load_framework(CURRENT_VERSION)
    return pipeline.evaluation_run(
        spec=spec, profile=request.profile, answers=request.answers,
        objectives=request.objectives, cost_profile=request.cost_profile, as_of=request.as_of,
        elsewhere=elsewhere, include=request.include,
    ).as_dict()


def evaluation_request(body: EvaluateRequest) -> EvaluationRequest:
    """The pipeline's input from a checked body."""
    company = body.company
    turnover = company.turnover
    # "unknown" (don't know) goes through as such: the engine leaves it out of every mean and
    # counts it apart from "not applicable" (DESIGN §3).
    answers = dict(body.answers_given())
    return EvaluationRequest(
        profile=FirmProfile(
            country=company.country,
            region=company.region or "",
            employees=company.employees,
            sector=company.sector,
            turnover=Decimal(str(turnover)) if turnover is not None else None,
            turnover_currency=(company.turnover_currency or "") if turnover is not None else "",
        ),
        answers=answers,
        objectives=list(body.objectives or []),
        cost_profile=body.costs_given(),
        as_of=body.as_of,
        include=tuple(body.include or ()),
    )


def evaluation_run(body: EvaluateRequest, *, elsewhere: bool = True) -> dict[str, Any]:
    """Scores, priorities, matches, near misses and plan for one checked body; without the near
    misses in other countries when ``elsewhere`` is False (the bulk table shows none)."""
    return evaluate(evaluation_request(body), elsewhere=elsewhere)
