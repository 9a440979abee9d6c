"""Scoring (DESIGN §3): plain Python over plain data.

A dimension's score is its band (0..5), None for "not applicable" or ``UNKNOWN`` ("unknown",
"don't know"); both are left out of every mean, and the dimensions not known are counted
(``Scores.unknown``). A pillar needs at least one answered dimension to have a score; a block's
score is the mean of its pillars' scores; ``overall`` is the mean of all answered dimensions.
Full precision is kept; rounding is for display only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from statistics import fmean
from typing import Any

from readiness.framework import BANDS, FrameworkSpec

# "Don't know" (DESIGN §3, §7): an answer of its own, not "not applicable".
UNKNOWN = "unknown"

Band = int | None | str  # a band 0..5, None (not applicable) or UNKNOWN


@dataclass(frozen=True)
class Scores:
    # None for a dimension not applicable *or* not known: every consumer of bands (priorities,
    # plans, charts, cohorts) leaves both out alike; ``unknown`` says which were not known.
    dimensions: dict[str, int | None]
    pillars: dict[str, float | None]
    blocks: dict[str, float | None]
    overall: float | None
    percent: float | None
    unknown: tuple[str, ...] = ()

    @property
    def unknown_count(self) -> int:
        return len(self.unknown)

    def as_dict(self) -> dict[str, Any]:
        return {
            "dimensions": dict(self.dimensions),
            "pillars": dict(self.pillars),
            "blocks": dict(self.blocks),
            "overall": self.overall,
            "percent": self.percent,
            "unknown": list(self.unknown),
        }


def _mean(values: list[float]) -> float | None:
    return fmean(values) if values else None


def known_bands(answers: Mapping[str, Band]) -> dict[str, int | None]:
    """The answers with "don't know" as None, for what only reads bands (priorities, plans)."""
    return {key: None if band == UNKNOWN else band  # type: ignore[misc]
            for key, band in answers.items()}


def score(framework: FrameworkSpec, answers: Mapping[str, Band]) -> Scores:
    """Score answers keyed by dimension; dimensions missing from ``answers`` count as N/A, and
    ``UNKNOWN`` ones are left out of the means like N/A but listed in ``Scores.unknown``.

    Raises ValueError for an unknown dimension key or a band outside 0..5, so that bad input is
    never silently scored.
    """
    unknown = set(answers) - set(framework.dimensions)
    if unknown:
        raise ValueError(f"unknown dimension keys: {', '.join(sorted(unknown))}")
    dimensions: dict[str, int | None] = {}
    not_known: list[str] = []
    for key in framework.dimension_keys:
        band = answers.get(key)
        if band == UNKNOWN:
            not_known.append(key)
            dimensions[key] = None
            continue
        if band is not None and (isinstance(band, bool) or band not in BANDS):
            raise ValueError(f"{key}: band must be an integer from 0 to 5")
        dimensions[key] = band  # type: ignore[assignment]  # checked just above

    pillars = {
        pillar.key: _mean([band for d in pillar.dimensions if (band := dimensions[d]) is not None])
        for pillar in framework.pillars.values()
    }
    blocks = {
        block.key: _mean([mean for p in block.pillars if (mean := pillars[p]) is not None])
        for block in framework.blocks
    }
    overall = _mean([band for band in dimensions.values() if band is not None])
    percent = None if overall is None else overall / 5 * 100
    return Scores(dimensions, pillars, blocks, overall, percent, tuple(not_known))
