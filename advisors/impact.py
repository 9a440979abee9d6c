"""Impact: did the firms that got support gain more readiness than comparable firms that did not?

Plain Python over plain data (no ORM), tested directly. The estimate is a difference in mean
change of the overall score between a firm's first and latest assessment, supported firms minus
a comparison group, with a 95 % interval from the normal approximation to Welch's two-sample
difference (fine from about ten firms a group; below ``MIN_GROUP`` nothing is estimated).
It is not a causal effect: firms choose to seek and accept support (self-selection), and only
firms that re-assessed show a change (attrition); the page says both in words.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

# Below this many firms with a change in either group no estimate is shown: too few to say
# anything, and too few to keep one firm from being singled out.
MIN_GROUP = 10
Z_95 = statistics.NormalDist().inv_cdf(0.975)


@dataclass(frozen=True)
class FirmJourney:
    """One firm as the impact estimate sees it."""

    firm_id: int
    supported: bool
    first_score: float
    latest_score: float | None  # None: assessed once only (attrition)
    programmes: tuple[str, ...] = ()  # programmes whose support it received
    organisations: tuple[str, ...] = ()
    cohort: str = ""  # e.g. the year of the first assessment

    @property
    def change(self) -> float | None:
        return None if self.latest_score is None else self.latest_score - self.first_score


@dataclass(frozen=True)
class GroupChange:
    firms: int  # firms in the group
    reassessed: int  # of which re-assessed, so that their change is known
    mean_change: float | None
    spread: float | None  # standard deviation of the change

    @property
    def attrition(self) -> float | None:
        """Share of the group whose change we cannot see (assessed once only)."""
        return None if not self.firms else 1 - self.reassessed / self.firms


@dataclass(frozen=True)
class ImpactEstimate:
    label: str
    supported: GroupChange
    comparison: GroupChange
    difference: float | None
    interval: tuple[float, float] | None

    @property
    def shown(self) -> bool:
        return self.difference is not None


def group_change(journeys: Iterable[FirmJourney]) -> GroupChange:
    journeys = list(journeys)
    changes = [j.change for j in journeys if j.change is not None]
    return GroupChange(
        firms=len(journeys), reassessed=len(changes),
        mean_change=statistics.fmean(changes) if changes else None,
        spread=statistics.stdev(changes) if len(changes) > 1 else None)


def estimate(label: str, supported: Sequence[FirmJourney],
             comparison: Sequence[FirmJourney]) -> ImpactEstimate:
    treated, control = group_change(supported), group_change(comparison)
    if (treated.reassessed < MIN_GROUP or control.reassessed < MIN_GROUP
            or treated.mean_change is None or control.mean_change is None):
        return ImpactEstimate(label, treated, control, None, None)
    difference = treated.mean_change - control.mean_change
    standard_error = math.sqrt((treated.spread or 0.0) ** 2 / treated.reassessed
                               + (control.spread or 0.0) ** 2 / control.reassessed)
    margin = Z_95 * standard_error
    return ImpactEstimate(label, treated, control, difference,
                          (difference - margin, difference + margin))


def impact_by(journeys: Sequence[FirmJourney], key: Callable[[FirmJourney], Iterable[str]]
              ) -> list[ImpactEstimate]:
    """One estimate per value of ``key`` among supported firms (a programme, an organisation,
    a cohort), each against the comparison group of the same ``key`` where it has one (cohorts,
    organisations) or against every unsupported firm (programmes)."""
    comparison = [j for j in journeys if not j.supported]
    labels = sorted({label for j in journeys if j.supported for label in key(j)})
    estimates = []
    for label in labels:
        treated = [j for j in journeys if j.supported and label in key(j)]
        same = [j for j in comparison if label in key(j)]
        estimates.append(estimate(label, treated, same or comparison))
    return estimates


def overall(journeys: Sequence[FirmJourney]) -> ImpactEstimate:
    return estimate("All supported firms", [j for j in journeys if j.supported],
                    [j for j in journeys if not j.supported])
