"""Peer cohorts and progress as plain Python over plain data (no ORM), tested directly."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from readiness.benchmarks import (  # noqa: F401 (one home for the size bands)
    MIN_PEERS,
    SIZE_BANDS,
    peer_quartiles,
    size_band,
    size_band_range,
)

# No comparison below this many peers, so that no single firm can be singled out. Ten, as for
# best-in-class targets: with five, four fake firms and the victim were enough to read the
# victim's bands off the median (docs/benchmarks.md, security review F6); peers must also be
# credible (readiness.selectors.credible_submissions), which anonymous submissions are not.
# The rule and the statistics live in readiness.benchmarks, so that the firm's own results show
# its peers by the same rule and the same code.
MIN_COHORT = MIN_PEERS


def size_band_label(key: str) -> str:
    return next(label for band_key, label, _, _ in SIZE_BANDS if band_key == key)


@dataclass(frozen=True)
class DimensionComparison:
    dimension: str
    band: int | None
    median: float | None
    lower_quartile: float | None
    upper_quartile: float | None
    answered: int  # peers that rated this dimension (not N/A)

    @property
    def difference(self) -> float | None:
        if self.band is None or self.median is None:
            return None
        return self.band - self.median


@dataclass(frozen=True)
class PeerComparison:
    cohort_size: int
    description: str
    shown: bool
    dimensions: list[DimensionComparison]
    medians: dict[str, float | None]


def compare_with_peers(
    dimension_keys: Sequence[str],
    bands: Mapping[str, int | None],
    peer_bands: Sequence[Mapping[str, int | None]],
    *,
    description: str,
) -> PeerComparison:
    """The firm's band per dimension against its peers' median and quartiles.

    With fewer than MIN_COHORT peers nothing but the cohort size is returned. A dimension that
    fewer than MIN_COHORT peers rated (the rest marked it N/A) gets no statistics either.
    """
    size, statistics = peer_quartiles(dimension_keys, peer_bands)
    if size < MIN_COHORT:
        return PeerComparison(size, description, False, [], {})
    rows = []
    medians: dict[str, float | None] = {}
    for key in dimension_keys:
        found = statistics.get(key)
        if found is None:
            answered = sum(1 for b in peer_bands if isinstance(b.get(key), int))
            rows.append(DimensionComparison(key, bands.get(key), None, None, None, answered))
            medians[key] = None
            continue
        medians[key] = found.median
        rows.append(DimensionComparison(key, bands.get(key), found.median, found.lower_quartile,
                                        found.upper_quartile, found.peers))
    return PeerComparison(size, description, True, rows, medians)


@dataclass(frozen=True)
class DimensionChange:
    dimension: str
    before: int | None
    after: int | None

    @property
    def delta(self) -> int | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


def progress_between(
    dimension_keys: Sequence[str],
    before: Mapping[str, int | None],
    after: Mapping[str, int | None],
) -> list[DimensionChange]:
    return [DimensionChange(key, before.get(key), after.get(key)) for key in dimension_keys]
