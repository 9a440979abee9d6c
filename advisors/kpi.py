"""Monthly KPIs in the shape delivery bodies report them (plain Python over plain rows).

Firms served in a month (by size, sector, region and kind of support), the investment that
support triggered (grants awarded and the firms' own money, per currency, never converted), and
the change in maturity of the firms that re-assessed that month.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class ServedFirm:
    """A firm the organisation served in the month: a new or renewed case, or a referral."""

    firm_id: int
    size: str
    sector: str
    region: str
    support_kinds: tuple[str, ...] = ()  # kinds of the programmes it was referred to
    score_change: float | None = None  # latest minus previous, if it re-assessed this month


@dataclass(frozen=True)
class Award:
    currency: str
    grant: Decimal
    own_investment: Decimal


@dataclass(frozen=True)
class MonthlyKpis:
    month: str
    firms_served: int
    by_size: list[tuple[str, int]]
    by_sector: list[tuple[str, int]]
    by_region: list[tuple[str, int]]
    by_support_kind: list[tuple[str, int]]
    investment: list[tuple[str, Decimal, Decimal, Decimal]]  # currency, grants, own, total
    reassessed: int
    mean_score_change: float | None
    notes: list[str] = field(default_factory=list)


def _counts(values: Iterable[str]) -> list[tuple[str, int]]:
    return sorted(Counter(values).items(), key=lambda item: (-item[1], item[0]))


def monthly_kpis(month: str, firms: Iterable[ServedFirm], awards: Iterable[Award]) -> MonthlyKpis:
    by_firm = {firm.firm_id: firm for firm in firms}  # each firm counted once a month
    served = list(by_firm.values())
    totals: dict[str, list[Decimal]] = {}
    for award in awards:
        grant, own = totals.setdefault(award.currency, [Decimal(0), Decimal(0)])
        totals[award.currency] = [grant + award.grant, own + award.own_investment]
    changes = [f.score_change for f in served if f.score_change is not None]
    return MonthlyKpis(
        month=month, firms_served=len(served),
        by_size=_counts(f.size for f in served),
        by_sector=_counts(f.sector for f in served),
        by_region=_counts(f.region or "(no region given)" for f in served),
        by_support_kind=_counts(kind for f in served for kind in sorted(set(f.support_kinds))),
        investment=[(currency, grant, own, grant + own)
                    for currency, (grant, own) in sorted(totals.items())],
        reassessed=len(changes),
        mean_score_change=statistics.fmean(changes) if changes else None,
    )
