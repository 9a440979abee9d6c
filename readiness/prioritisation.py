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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from readiness.framework import RELEVANCE_MAX, FrameworkSpec
from readiness.wording import join_words

DEFAULT_WEIGHTS: dict[str, float] = {"gap": 0.4, "kpi": 0.3, "cost": 0.3}
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

    scored: list[tuple[float, int, Priority]] = []
    for order, (key, dim) in enumerate(framework.dimensions.items()):
        band = bands.get(key)
        if band is None:
            continue
        target = int(targets.get(key, dim.default_target))
        components = _components(dim, band, target, chosen, shares)
        gap, kpi, cost = components.gap, components.kpi, components.cost
        impact = _impact(w, components)
        drivers_objectives = tuple(
            sorted(
                (o for o in chosen if dim.objective_relevance[o] >= 2),
                key=lambda o: -dim.objective_relevance[o],
            )
        )
        drivers_costs = tuple(
            sorted(
                (c for c in shares if dim.cost_relevance[c] >= 2),
                key=lambda c: -(shares[c] * dim.cost_relevance[c]),
            )
        )
        priority = Priority(
            dimension=key,
            rank=0,
            impact=impact,
            components=Components(gap=gap, kpi=kpi, cost=cost),
            band=band,
            target=target,
            drivers_objectives=drivers_objectives,
            drivers_costs=drivers_costs,
        )
        scored.append((impact, order, priority))

    scored.sort(key=lambda item: (-item[0], item[1]))
    return [
        Priority(**{**p.__dict__, "rank": rank})
        for rank, (_, _, p) in enumerate(scored, start=1)
    ]


def _components(dim: Any, band: int, target: int, chosen: Sequence[str],
                shares: Mapping[str, float]) -> Components:
    """The three terms of a dimension's impact (the formula of the module docstring)."""
    gap = max(target - band, 0) / 5
    kpi = (
        sum(dim.objective_relevance[o] for o in chosen) / (len(chosen) * RELEVANCE_MAX)
        if chosen
        else 0.0
    )
    cost = sum(share * dim.cost_relevance[c] / RELEVANCE_MAX for c, share in shares.items())
    return Components(gap=gap, kpi=kpi, cost=cost)


def _impact(w: Mapping[str, float], c: Components) -> float:
    return w["gap"] * c.gap + w["kpi"] * c.kpi + w["cost"] * c.cost


NOT_RATED = -99  # TopDimensions.top_many: a dimension not applicable or not known


class TopDimensions:
    """The first dimensions ``prioritise`` would rank, for many firms at once (the policy lens
    asks it of every assessed firm): the same formula, each impact computed once per distinct
    band, target, objectives and cost profile, and none of the explanations. What
    ``prioritise`` would refuse is left out, as the results page does before calling it:
    objectives and cost categories the framework does not know, and answers that are not a band
    (not applicable, "don't know")."""

    def __init__(self, framework: FrameworkSpec, weights: Mapping[str, float] | None = None):
        self.framework = framework
        self.dimensions = list(framework.dimensions.items())
        self.w = normalise_weights(weights)
        self._objectives = frozenset(framework.objective_keys)
        self._costs = frozenset(framework.cost_keys)
        # (objectives, cost shares) -> {(dimension order, band, target): impact}
        self._impacts: dict[tuple[Any, ...], dict[tuple[int, int, int], float]] = {}
        self._shares: dict[tuple[Any, ...], tuple[tuple[str, float], ...]] = {}

    def top(self, bands: Mapping[str, object], *, objectives: Sequence[str] = (),
            cost_profile: Mapping[str, float] | None = None,
            targets: Mapping[str, int] | None = None, limit: int = 4) -> tuple[str, ...]:
        """Keys of the ``limit`` highest-ranked dimensions with some impact, first first."""
        chosen = tuple(o for o in dict.fromkeys(objectives) if o in self._objectives)
        raw = tuple((cost_profile or {}).items())  # in its order, as prioritise adds them
        shares = self._shares.get(raw)
        if shares is None:
            shares = self._shares[raw] = tuple(cost_shares(
                {k: v for k, v in raw if k in self._costs}).items())
        # The objectives' relevances are whole numbers: their sum is the same in any order.
        impacts = self._impacts.setdefault((frozenset(chosen), shares), {})
        targets = targets or {}
        scored = []
        for order, (key, dim) in enumerate(self.dimensions):
            band = bands.get(key)
            if type(band) is not int:  # not applicable, "don't know" (and never a bool)
                continue
            target = int(targets.get(key, dim.default_target))
            impact = impacts.get((order, band, target))
            if impact is None:
                impact = impacts[(order, band, target)] = _impact(
                    self.w, _components(dim, band, target, chosen, dict(shares)))
            if impact > 0:
                scored.append((-impact, order, key))
        scored.sort()
        return tuple(key for _impact_, _order, key in scored[:limit])

    def top_many(self, firms: Sequence[tuple[Mapping[str, object], Sequence[str],
                                             Mapping[str, float] | None, Mapping[str, int]]],
                 *, limit: int = 4) -> list[tuple[str, ...]]:
        """``top`` of each firm given as (bands, objectives, cost profile, targets), ranked a
        group of firms at a time: firms with the same objectives, cost profile and targets (the
        same mapping) share one table of impacts by dimension and band, and numpy sorts their
        rows. The impacts are ``top``'s, so the ranking is too (ties keep the framework's order:
        the sort is stable)."""
        keys = [key for key, _dim in self.dimensions]
        groups: dict[tuple[Any, ...], list[int]] = {}
        contexts: dict[tuple[Any, ...], tuple[tuple[str, ...], tuple[tuple[str, float], ...],
                                              Mapping[str, int]]] = {}
        result: list[tuple[str, ...]] = [()] * len(firms)
        chosen_of: dict[tuple[str, ...], tuple[str, ...]] = {}
        for i, (_bands, objectives, cost_profile, targets) in enumerate(firms):
            asked = tuple(objectives)
            chosen = chosen_of.get(asked)
            if chosen is None:
                chosen = chosen_of[asked] = tuple(
                    o for o in dict.fromkeys(asked) if o in self._objectives)
            raw = tuple((cost_profile or {}).items())
            shares = self._shares.get(raw)
            if shares is None:
                shares = self._shares[raw] = tuple(cost_shares(
                    {k: v for k, v in raw if k in self._costs}).items())
            group = (frozenset(chosen), shares, id(targets))
            members = groups.get(group)
            if members is None:
                contexts[group] = (chosen, shares, targets)
                members = groups[group] = []
            members.append(i)
        columns = np.arange(len(keys))
        for group, members in groups.items():
            chosen, shares, targets = contexts[group]
            impacts = self._impacts.setdefault((frozenset(chosen), shares), {})
            table = np.empty((len(keys), 6))
            for order, (key, dim) in enumerate(self.dimensions):
                target = int(targets.get(key, dim.default_target))
                for band in range(6):
                    impact = impacts.get((order, band, target))
                    if impact is None:
                        impact = impacts[(order, band, target)] = _impact(
                            self.w, _components(dim, band, target, chosen, dict(shares)))
                    table[order, band] = impact
            bands_matrix = np.array(
                [[b if type(b) is int else NOT_RATED for b in map(firms[i][0].get, keys)]
                 for i in members], dtype=np.int64).reshape(len(members), len(keys))
            # A band outside 0..5 (none should be stored) is ranked by ``top`` on its own.
            odd = ((bands_matrix > 5) | ((bands_matrix < 0) & (bands_matrix != NOT_RATED))
                   ).any(axis=1)
            values = table[columns, bands_matrix.clip(0, 5)]
            # Not rated, or no impact: never ranked (inf sorts last and is dropped).
            ranked = np.where((bands_matrix != NOT_RATED) & (values > 0), -values, np.inf)
            firsts = np.argsort(ranked, axis=1, kind="stable")[:, :limit]
            for row, i in enumerate(members):
                if odd[row]:
                    bands, objectives, cost_profile, targets = firms[i]
                    result[i] = self.top(bands, objectives=objectives, cost_profile=cost_profile,
                                         targets=targets, limit=limit)
                    continue
                result[i] = tuple(keys[j] for j in firsts[row] if ranked[row, j] != np.inf)
        return result


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
