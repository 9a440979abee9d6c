"""Best-in-class targets from credible peers (DESIGN §4, §6; issue 12 item 4), as plain Python.

Which submissions count is decided by ``readiness.selectors.credible_submissions`` and documented
in docs/benchmarks.md; this module only turns the counted peers' bands into targets.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# A target comes from peers only when at least this many credible firms of the same sector and
# size band rated the dimension; otherwise the framework's documented default is used.
MIN_PEERS_FOR_TARGET = 10

SIZE_BANDS: tuple[tuple[str, str, int, int | None], ...] = (
    ("micro", "Micro (1-9)", 1, 9),
    ("small", "Small (10-49)", 10, 49),
    ("medium", "Medium (50-249)", 50, 249),
    ("large", "Large (250+)", 250, None),
)


def size_band(employees: int) -> str:
    for key, _label, low, high in SIZE_BANDS:
        if employees >= low and (high is None or employees <= high):
            return key
    return "micro"


def size_band_range(key: str) -> tuple[int, int | None]:
    for band_key, _label, low, high in SIZE_BANDS:
        if band_key == key:
            return low, high
    raise ValueError(f"unknown size band {key!r}")


def nearest_rank_p90(bands: list[int]) -> int:
    """The 90th percentile by the nearest-rank method: the ceil(0.9 n)-th smallest band."""
    ordered = sorted(bands)
    rank = max(1, -(-len(ordered) * 9 // 10))
    return ordered[rank - 1]


@dataclass(frozen=True)
class CohortTarget:
    """One dimension's peer target for a sector and size band."""

    dimension: str
    target: int
    peers: int  # credible firms that rated the dimension


def cohort_targets(
    dimension_keys: Iterable[str], peer_bands: Iterable[Mapping[str, int | None]]
) -> tuple[int, list[CohortTarget]]:
    """The cohort's size and a target for each dimension that enough peers rated.

    ``peer_bands`` holds one mapping per credible firm (its latest submission); N/A (None) and
    missing dimensions do not count for that dimension.
    """
    peers = list(peer_bands)
    targets = []
    for key in dimension_keys:
        bands = [band for b in peers if isinstance(band := b.get(key), int)]
        if len(bands) >= MIN_PEERS_FOR_TARGET:
            targets.append(CohortTarget(key, nearest_rank_p90(bands), len(bands)))
    return len(peers), targets


# Peers' median and quartiles (issue 13 item 5) -------------------------------------------------
# The firm's results and the advisors' peer view (advisors.cohorts) both use these, by the same
# rule: no statistics for a cohort of fewer than MIN_PEERS credible firms, nor for a dimension
# that fewer than MIN_PEERS of them rated, so that no single firm can be singled out.
MIN_PEERS = MIN_PEERS_FOR_TARGET


@dataclass(frozen=True)
class PeerQuartiles:
    """One dimension's spread among peers: lower quartile, median, upper quartile."""

    dimension: str
    median: float
    lower_quartile: float
    upper_quartile: float
    peers: int  # peers that rated the dimension (not N/A, not "don't know")

    def as_dict(self) -> dict[str, float | int]:
        return {"median": self.median, "lower": self.lower_quartile,
                "upper": self.upper_quartile, "peers": self.peers}


def quantile(ordered: list[int], fraction: float) -> float:
    """The ``fraction`` quantile of sorted values by linear interpolation between the closest
    ranks (pandas' and numpy's default), so that 12 peers' quartiles fall between bands."""
    position = (len(ordered) - 1) * fraction
    below = int(position)
    above = min(below + 1, len(ordered) - 1)
    return float(ordered[below] + (ordered[above] - ordered[below]) * (position - below))


def peer_quartiles(
    dimension_keys: Iterable[str], peer_bands: Iterable[Mapping[str, int | None]]
) -> tuple[int, dict[str, PeerQuartiles]]:
    """The cohort's size and, for each dimension that at least MIN_PEERS peers rated, their
    median and quartiles; nothing at all when the cohort holds fewer than MIN_PEERS firms."""
    peers = list(peer_bands)
    if len(peers) < MIN_PEERS:
        return len(peers), {}
    found = {}
    for key in dimension_keys:
        bands = sorted(band for b in peers if isinstance(band := b.get(key), int)
                       and not isinstance(band, bool))
        if len(bands) >= MIN_PEERS:
            found[key] = PeerQuartiles(key, quantile(bands, 0.5), quantile(bands, 0.25),
                                       quantile(bands, 0.75), len(bands))
    return len(peers), found


def peer_position(band: int | None, quartiles: PeerQuartiles | None) -> str:
    """Where a band stands among peers, in words that claim no more than quartiles can say."""
    if quartiles is None:
        return "too few peers rated it"
    if band is None:
        return "not applicable to you"
    if band > quartiles.upper_quartile:
        return "above most peers"
    if band < quartiles.lower_quartile:
        return "below most peers"
    return "among the middle half"
