"""Prioritisation (DESIGN §4): which dimensions to work on first, and why.

``impact = w_gap * gap + w_kpi * kpi + w_cost * cost``, each term in [0, 1]:

* ``gap``  = max(target - band, 0) / 5, against the best-in-class target for the firm's sector;
* ``kpi``  = mean relevance (0..3, scaled to 0..1) of the dimension to the objectives the firm
  chose; 0 when it chose none;
* ``cost`` = relevance of the dimension to each cost category, weighted by the firm's cost
  shares; 0 when it gave no cost profile.

Dimensions marked "not applicable" are not prioritised. Ties keep the framework's order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from readiness.framework import RELEVANCE_MAX, FrameworkSpec
from readiness.wording import join_words

DEFAULT_WEIGHTS: dict[str, float] = {"gap": 0.4, "kpi": 0.3, "cost": 0.3}
# A priority's parts before its rank is known: key, gap, kpi, cost, band, target, drivers.
_Terms = tuple[str, float, float, float, int, int, tuple[str, ...], tuple[str, ...]]
MAX_OBJECTIVES = 3


@dataclass(frozen=True)
class Components:
    gap: float
    kpi: float
    cost: float

    def as_dict(self) -> dict[str, float]:
        return {"gap": self.gap, "kpi": self.kpi, "cost": self.cost}


@dataclass(frozen=True)
class Priority:
    dimension: str
    rank: int
    impact: float
    components: Components
    band: int
    target: int
    # Objectives and cost categories that drive this dimension most, strongest first.
    drivers_objectives: tuple[str, ...] = field(default=())
    drivers_costs: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        return {
            "dimension": self.dimension,
            "rank": self.rank,
            "impact": self.impact,
            "components": self.components.as_dict(),
        }


def normalise_weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    """Weights for gap, kpi and cost, rescaled to sum to 1 (defaults when absent or all zero)."""
    chosen = {k: float((weights or {}).get(k, DEFAULT_WEIGHTS[k])) for k in DEFAULT_WEIGHTS}
    if any(v < 0 for v in chosen.values()):
        raise ValueError("weights must not be negative")
    total = sum(chosen.values())
    if total == 0:
        return dict(DEFAULT_WEIGHTS)
    return {k: v / total for k, v in chosen.items()}


def cost_shares(cost_profile: Mapping[str, float] | None) -> dict[str, float]:
    """Cost shares as fractions summing to 1 (accepts percentages or fractions); {} if empty."""
    positive = {k: float(v) for k, v in (cost_profile or {}).items() if v and float(v) > 0}
    total = sum(positive.values())
    return {k: v / total for k, v in positive.items()} if total else {}


def prioritise(
    framework: FrameworkSpec,
    bands: Mapping[str, int | None],
    *,
    objectives: Sequence[str] = (),
    cost_profile: Mapping[str, float] | None = None,
    targets: Mapping[str, int] | None = None,
    weights: Mapping[str, float] | None = None,
) -> list[Priority]:
    """Rank every answered dimension by impact, highest first."""
    unknown_objectives = set(objectives) - set(framework.objective_keys)
    if unknown_objectives:
        raise ValueError(f"unknown objectives: {', '.join(sorted(unknown_objectives))}")
    shares = cost_shares(cost_profile)
    unknown_costs = set(shares) - set(framework.cost_keys)
    if unknown_costs:
        raise ValueError(f"unknown cost categories: {', '.join(sorted(unknown_costs))}")
    w = normalise_weights(weights)
    targets = targets or {}
    chosen = list(dict.fromkeys(objectives))

    w_gap, w_kpi, w_cost = w["gap"], w["kpi"], w["cost"]
    by_objectives = _objective_terms(framework, tuple(chosen))
    share_items = list(shares.items())
    # Each priority is made once, with its rank, after the sort (ties keep the framework's order).
    scored: list[tuple[float, int, _Terms]] = []
    for order, (key, dim) in enumerate(framework.dimensions.items()):
        band = bands.get(key)
        if band is None:
            continue
        target = int(targets.get(key, dim.default_target))
        gap = max(target - band, 0) / 5
        kpi, drivers_objectives = by_objectives[key]
        cost_relevance = dim.cost_relevance
        # sum() itself, not a running total: it compensates rounding (Python 3.12+).
        cost = sum([share * cost_relevance[c] / RELEVANCE_MAX for c, share in share_items])
        impact = w_gap * gap + w_kpi * kpi + w_cost * cost
        strong_costs = [c for c, _share in share_items if cost_relevance[c] >= 2]
        if len(strong_costs) > 1:
            strong_costs.sort(key=lambda c: -(shares[c] * cost_relevance[c]))
        drivers_costs = tuple(strong_costs)
        scored.append((impact, order, (key, gap, kpi, cost, band, target, drivers_objectives,
                                       drivers_costs)))

    scored.sort(key=lambda item: (-item[0], item[1]))
    return [
        Priority(dimension=key, rank=rank, impact=impact,
                 components=Components(gap=gap, kpi=kpi, cost=cost), band=band, target=target,
                 drivers_objectives=drivers_objectives, drivers_costs=drivers_costs)
        for rank, (impact, _, (key, gap, kpi, cost, band, target, drivers_objectives,
                               drivers_costs)) in enumerate(scored, start=1)
    ]


# Per chosen objectives: dimension -> (kpi term, objectives driving it). Both depend on the
# framework and the choice only (at most a few hundred choices), not on the answers, so they are
# worked out once per framework object and choice, and kept on the framework object (as
# functools.cached_property keeps its values: in the instance's __dict__).
_TERMS_ATTRIBUTE = "_objective_terms"
ObjectiveTerms = dict[str, tuple[float, tuple[str, ...]]]


def _objective_terms(framework: FrameworkSpec, chosen: tuple[str, ...]) -> ObjectiveTerms:
    tables: dict[tuple[str, ...], ObjectiveTerms] = vars(framework).setdefault(
        _TERMS_ATTRIBUTE, {})
    table = tables.get(chosen)
    if table is None:
        table = {}
        scale = len(chosen) * RELEVANCE_MAX
        for key, dim in framework.dimensions.items():
            relevance = dim.objective_relevance
            kpi = sum(map(relevance.__getitem__, chosen)) / scale if chosen else 0.0
            strong = sorted((o for o in chosen if relevance[o] >= 2), key=lambda o: -relevance[o])
            table[key] = (kpi, tuple(strong))
        tables[chosen] = table
    return table


def explain(framework: FrameworkSpec, priority: Priority) -> list[str]:
    """Plain sentences that say why a dimension ranks where it does."""
    names = {c.key: c.name.lower() for c in (*framework.objectives, *framework.cost_categories)}
    sentences = []
    if priority.band >= priority.target:
        sentences.append(
            f"You are at band {priority.band}, already at or above the reference of band "
            f"{priority.target} for firms like yours, so the gap adds nothing."
        )
    else:
        steps = priority.target - priority.band
        sentences.append(
            f"You are at band {priority.band}; the reference for firms like yours is band "
            f"{priority.target}, {steps} band{'s' if steps != 1 else ''} higher."
        )
    if priority.drivers_objectives:
        listed = join_words([names[o] for o in priority.drivers_objectives])
        sentences.append(f"It strongly drives your chosen objectives: {listed}.")
    elif priority.components.kpi == 0:
        sentences.append("It does little for the objectives you chose (or you chose none).")
    if priority.drivers_costs:
        listed = join_words([names[c] for c in priority.drivers_costs])
        sentences.append(f"It acts on your largest cost categories: {listed}.")
    elif priority.components.cost == 0:
        sentences.append("It acts little on the cost profile you gave (or you gave none).")
    return sentences


NOT_RATED = -99  # TopDimensions: a dimension not applicable or not known


class TopDimensions:
    """The first dimensions ``prioritise`` ranks, for many firms at once (the policy lens asks it
    of every assessed firm), with ``prioritise``'s own impacts: for each distinct choice of
    objectives, cost profile and targets it is asked once per band for every dimension, and the
    firms' rows are then looked up in that table and sorted by numpy (stably, so that ties keep
    the framework's order, as ``prioritise`` does). What ``prioritise`` would refuse is left
    out, as the results page does before calling it: objectives and cost categories the
    framework does not know, and answers that are not a band (not applicable, "don't know")."""

    def __init__(self, framework: FrameworkSpec, weights: Mapping[str, float] | None = None):
        self.framework = framework
        self.weights = weights
        self.keys = list(framework.dimensions)
        self._objectives = frozenset(framework.objective_keys)
        self._costs = frozenset(framework.cost_keys)
        self._tables: dict[tuple[Any, ...], Any] = {}

    def basis(self, targets: Mapping[str, int]) -> str:
        """A short name for what a firm's ranking rests on besides its own answers, objectives
        and cost profile (fixed once submitted): the framework version, the weights and the
        targets. A stored ranking with another basis is out of date."""
        weights = sorted((self.weights or {}).items())
        text = repr((self.framework.version, weights, sorted(targets.items())))
        return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()

    def _prioritise(self, bands: Mapping[str, int], chosen: tuple[str, ...],
                    costs: tuple[tuple[str, float], ...],
                    targets: Mapping[str, int]) -> list[Priority]:
        return prioritise(self.framework, bands, objectives=chosen, cost_profile=dict(costs),
                          targets=targets, weights=self.weights)

    def _table(self, chosen: tuple[str, ...], costs: tuple[tuple[str, float], ...],
               targets: Mapping[str, int]) -> Any:
        """Impact by (dimension, band) for one choice: ``prioritise``'s figures."""
        key = (chosen, costs, tuple(sorted(targets.items())))
        table = self._tables.get(key)
        if table is None:
            table = np.empty((len(self.keys), 6))
            row = {k: i for i, k in enumerate(self.keys)}
            for band in range(6):
                for p in self._prioritise(dict.fromkeys(self.keys, band), chosen, costs, targets):
                    table[row[p.dimension], band] = p.impact
            self._tables[key] = table
        return table

    def top(self, bands: Mapping[str, object], *, objectives: Sequence[str] = (),
            cost_profile: Mapping[str, float] | None = None,
            targets: Mapping[str, int] | None = None, limit: int = 4) -> tuple[str, ...]:
        """Keys of the ``limit`` highest-ranked dimensions with some impact, first first."""
        return self.top_many([(bands, objectives, cost_profile, targets or {})], limit=limit)[0]

    def top_many(self, firms: Sequence[tuple[Mapping[str, object], Sequence[str],
                                             Mapping[str, float] | None, Mapping[str, int]]],
                 *, limit: int = 4) -> list[tuple[str, ...]]:
        """``top`` of each firm given as (bands, objectives, cost profile, targets); firms that
        share a targets mapping (the same object) are ranked together."""
        groups: dict[tuple[Any, ...], list[int]] = {}
        contexts: dict[tuple[Any, ...], tuple[tuple[str, ...], tuple[tuple[str, float], ...],
                                              Mapping[str, int]]] = {}
        chosen_of: dict[tuple[str, ...], tuple[str, ...]] = {}
        costs_of: dict[tuple[Any, ...], tuple[tuple[str, float], ...]] = {}
        for i, (_bands, objectives, cost_profile, targets) in enumerate(firms):
            asked = tuple(objectives)
            chosen = chosen_of.get(asked)
            if chosen is None:
                # Sorted: the objectives' relevances are whole numbers, so their sum (the only
                # thing the ranking takes from them) is the same in any order.
                chosen = chosen_of[asked] = tuple(sorted(
                    o for o in dict.fromkeys(asked) if o in self._objectives))
            raw = tuple((cost_profile or {}).items())
            costs = costs_of.get(raw)
            if costs is None:
                costs = costs_of[raw] = tuple((k, v) for k, v in raw if k in self._costs)
            group = (chosen, costs, id(targets))
            members = groups.get(group)
            if members is None:
                contexts[group] = (chosen, costs, targets)
                members = groups[group] = []
            members.append(i)
        result: list[tuple[str, ...]] = [()] * len(firms)
        columns = np.arange(len(self.keys))
        for group, members in groups.items():
            chosen, costs, targets = contexts[group]
            table = self._table(chosen, costs, targets)
            matrix = np.array(
                [[b if type(b) is int else NOT_RATED for b in map(firms[i][0].get, self.keys)]
                 for i in members], dtype=np.int64).reshape(len(members), len(self.keys))
            odd = ((matrix > 5) | ((matrix < 0) & (matrix != NOT_RATED))).any(axis=1)
            values = table[columns, matrix.clip(0, 5)]
            # Not rated, or no impact: never ranked (inf sorts last and is dropped).
            ranked = np.where((matrix != NOT_RATED) & (values > 0), -values, np.inf)
            firsts = np.argsort(ranked, axis=1, kind="stable")[:, :limit]
            for row, i in enumerate(members):
                if odd[row]:  # a band outside 0..5 (none is stored): prioritise on its own
                    bands = {k: b for k, b in firms[i][0].items() if type(b) is int}
                    ranked_here = self._prioritise(bands, chosen, costs, targets)
                    result[i] = tuple(p.dimension for p in ranked_here if p.impact > 0)[:limit]
                    continue
                result[i] = tuple(self.keys[j] for j in firsts[row] if ranked[row, j] != np.inf)
        return result
