"""An EU Digital Maturity Assessment-style profile from one sitting of our 16 dimensions.

The EU's DMA (for European Digital Innovation Hubs) scores six dimensions from 0 to 100 % and
averages them. We do not ask its questions; we map our dimensions onto its six (docs/dma-
mapping.md says why each goes where) and express the mean band of each group as a percentage
of band 5, so that a hub that reports in DMA terms can read our profile in them. Plain Python.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import dataclass

DMA_DIMENSIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Digital business strategy", ("strategy_governance", "leadership_competency")),
    ("Digital readiness", ("vertical_integration", "horizontal_integration",
                           "integrated_product_lifecycle", "enterprise_automation")),
    ("Human-centric digitalisation", ("workforce_learning_development",
                                      "inter_intra_company_collaboration")),
    ("Data management and connectedness", ("shop_floor_connectivity", "enterprise_connectivity",
                                           "facility_connectivity", "enterprise_intelligence")),
    ("Automation and artificial intelligence", ("shop_floor_automation",
                                                "shop_floor_intelligence")),
    ("Green digitalisation", ("facility_automation", "facility_intelligence")),
)


@dataclass(frozen=True)
class DmaScore:
    name: str
    percent: float | None  # None: none of its dimensions was rated
    from_dimensions: tuple[str, ...]
    rated: int


def dma_profile(bands: Mapping[str, int | None]) -> tuple[list[DmaScore], float | None]:
    """The six DMA-style scores (0-100) and their mean, from our dimension bands (0-5).

    Dimensions not applicable or not known are left out, as in our own scores.
    """
    scores = []
    for name, keys in DMA_DIMENSIONS:
        rated = [bands[k] for k in keys if isinstance(bands.get(k), int)]
        percent = statistics.fmean(rated) / 5 * 100 if rated else None
        scores.append(DmaScore(name, percent, keys, len(rated)))
    known = [s.percent for s in scores if s.percent is not None]
    return scores, statistics.fmean(known) if known else None
