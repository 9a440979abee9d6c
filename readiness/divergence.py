"""Where the people who rated one firm disagree (issue 16): plain Python over plain data.

Each person's answers are ``{dimension_key: band 0..5 | None (not applicable) | "unknown"}``.
A dimension's spread is the highest band minus the lowest among those who gave a band; people
disagree on it when the spread is ``DISAGREEMENT`` bands or more. The view lists those first
(widest spread first), then the others in framework order.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from readiness.scoring import UNKNOWN, Band

# Two bands apart is a different picture of the firm (e.g. "paper" against "integrated"), not
# a matter of reading one description generously.
DISAGREEMENT = 2


@dataclass(frozen=True)
class PersonRating:
    who: str
    band: Band  # None: not applicable; UNKNOWN: don't know; missing people are not listed


@dataclass(frozen=True)
class DimensionSpread:
    dimension: str
    ratings: tuple[PersonRating, ...]
    low: int | None
    high: int | None

    @property
    def spread(self) -> int | None:
        return None if self.low is None or self.high is None else self.high - self.low

    @property
    def raters(self) -> int:
        """People who gave a band (not N/A, not "don't know")."""
        return sum(1 for r in self.ratings if isinstance(r.band, int))

    @property
    def disagree(self) -> bool:
        return self.spread is not None and self.spread >= DISAGREEMENT

    @property
    def unknown(self) -> int:
        return sum(1 for r in self.ratings if r.band == UNKNOWN)


def divergence(
    dimension_keys: Sequence[str], people: Mapping[str, Mapping[str, Band]]
) -> list[DimensionSpread]:
    """Every dimension's ratings and spread, disagreements first (widest first)."""
    rows = []
    for key in dimension_keys:
        ratings = tuple(PersonRating(who, answers[key]) for who, answers in people.items()
                        if key in answers)
        bands = [r.band for r in ratings if isinstance(r.band, int)]
        rows.append(DimensionSpread(key, ratings, min(bands, default=None),
                                    max(bands, default=None)))
    order = {key: index for index, key in enumerate(dimension_keys)}
    return sorted(rows, key=lambda row: (not row.disagree, -(row.spread or 0) if row.disagree
                                         else 0, order[row.dimension]))


def agreement_share(rows: Sequence[DimensionSpread],
                    settled: Collection[str] = ()) -> float | None:
    """Of the dimensions at least two people rated, the share where they are within one band
    or where the team, having seen the disagreement, recorded an agreed band (``settled``);
    None when no dimension was rated by two people (one respondent: nothing to agree on)."""
    compared = [row for row in rows if row.raters >= 2]
    if not compared:
        return None
    return sum(1 for row in compared
               if not row.disagree or row.dimension in settled) / len(compared)


def settled_disagreements(rows: Sequence[DimensionSpread], settled: Collection[str]) -> int:
    """How many disagreements the team settled by recording an agreed band."""
    return sum(1 for row in rows if row.disagree and row.dimension in settled)
