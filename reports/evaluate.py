"""The one call from the API, ``manage.py evaluate`` and the bulk table into the evaluation
pipeline: a checked body in, the answer of DESIGN §7 out.

The pipeline is ``programmes.evaluation`` today; it moves into ``reports`` (the pipeline module),
and only the imports here change with it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from programmes.evaluation import EvaluationRequest, evaluate
from programmes.matching import FirmProfile
from reports.schemas import EvaluateRequest


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
