"""The use-case library: concrete first projects that take a firm one band up on a dimension.

Versioned reference data in ``fixtures/usecases/v<N>.json`` (see docs/plans.md), read into
dataclasses here and checked on load: every dimension and band step (0->1 ... 4->5) has at least
two projects, every cost range says its basis, and every project can be priced in each of the six
currencies the product serves. No ORM, request or settings: the planner and its tests use it
directly.

Costs are written once in the library's base currency and converted at the library's own dated
exchange rates, rounded to two significant figures: a range is an estimate, and more digits would
claim a precision it does not have.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

from readiness.framework import CURRENT_VERSION as FRAMEWORK_VERSION
from readiness.framework import load_framework
from readiness.reference import default_currency

FIXTURE_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "usecases"
CURRENT_VERSION = 1
CURRENCIES = ("GBP", "USD", "EUR", "SGD", "KRW", "TWD")
STEPS = range(0, 5)  # from_band of a step; it leads to from_band + 1
MIN_PER_STEP = 2
SUPPORT_KINDS = frozenset({"grant", "advice", "training", "demonstration", "rnd_funding",
                           "network", "self_assessment"})



class UseCaseError(ValueError):
    """The library's data breaks one of its rules; the message names the use case."""


@dataclass(frozen=True)
class Prerequisite:
    dimension: str
    band: int  # the dimension must be at least at this band first


@dataclass(frozen=True)
class CostRange:
    low: int
    high: int
    currency: str

    def as_dict(self) -> dict[str, int | str]:
        return {"low": self.low, "high": self.high, "currency": self.currency}


@dataclass(frozen=True)
class UseCase:
    key: str
    dimension: str
    from_band: int
    title: str
    summary: str
    base_cost: tuple[int, int]
    cost_basis: str  # a key of UseCaseLibrary.cost_bases
    effort: str
    time_to_value: str
    prerequisites: tuple[Prerequisite, ...]
    support_kinds: tuple[str, ...]
    sector_wording: dict[str, tuple[str, str]]  # family -> (title, summary)

    @property
    def to_band(self) -> int:
        return self.from_band + 1

    def wording(self, family: str | None) -> tuple[str, str]:
        """Title and summary in the words of the firm's sector family, else the generic ones."""
        if family and family in self.sector_wording:
            return self.sector_wording[family]
        return self.title, self.summary


@dataclass(frozen=True)
class UseCaseLibrary:
    version: int
    name: str
    base_currency: str
    rates_per_eur: dict[str, float]
    rate_sources: tuple[dict[str, str], ...]
    cost_bases: dict[str, str]
    effort_levels: dict[str, str]
    time_to_value: tuple[str, ...]
    families: dict[str, tuple[str, frozenset[str]]]  # key -> (name, ISIC divisions)
    use_cases: tuple[UseCase, ...]
    # The framework's band descriptions in a sector family's words: family -> dimension -> band.
    band_wording: dict[str, dict[str, dict[int, str]]] = field(default_factory=dict)

    def band_description(self, dimension: str, band: int | None,
                         family: str | None) -> str | None:
        """A band's description for the firm's sector family, or None to use the framework's."""
        if band is None or family is None:
            return None
        return self.band_wording.get(family, {}).get(dimension, {}).get(band)

    def for_step(self, dimension: str, from_band: int) -> list[UseCase]:
        return list(self._by_step.get((dimension, from_band), ()))

    @cached_property
    def _by_step(self) -> dict[tuple[str, int], tuple[UseCase, ...]]:
        """The use cases of each step, in the library's order (made once: the planner asks for
        a step's use cases many times per firm)."""
        steps: dict[tuple[str, int], list[UseCase]] = {}
        for u in self.use_cases:
            steps.setdefault((u.dimension, u.from_band), []).append(u)
        return {key: tuple(cases) for key, cases in steps.items()}

    def family_of(self, sector: str) -> str | None:
        """The sector family of an ISIC division, or None where the generic wording applies."""
        for key, (_name, divisions) in self.families.items():
            if sector in divisions:
                return key
        return None

    def family_name(self, family: str | None) -> str:
        return self.families[family][0] if family in self.families else "Manufacturing"

    def cost(self, use_case: UseCase, currency: str) -> CostRange:
        """The use case's cost range in one of the six currencies, rounded."""
        key = (use_case.key, use_case.base_cost, currency)
        known = self._costs.get(key)
        if known is None:
            known = self._costs[key] = self._convert(use_case, currency)
        return known

    @cached_property
    def _costs(self) -> dict[tuple[str, tuple[int, int], str], CostRange]:
        return {}

    def _convert(self, use_case: UseCase, currency: str) -> CostRange:
        if currency not in self.rates_per_eur:
            raise UseCaseError(f"no exchange rate for {currency}")
        factor = self.rates_per_eur[currency] / self.rates_per_eur[self.base_currency]
        low, high = (round_significant(v * factor) for v in use_case.base_cost)
        return CostRange(low, high, currency)


def round_significant(value: float, digits: int = 2) -> int:
    """``value`` rounded to ``digits`` significant figures, as a whole number."""
    if value <= 0:
        return 0
    scale = 10 ** (math.floor(math.log10(value)) - digits + 1)
    return int(round(value / scale) * scale) if scale >= 1 else int(round(value))


def currency_for(country: str, turnover_currency: str = "") -> str:
    """The currency a firm's plan is priced in."""
    # The country's own currency (euro area: EUR); elsewhere the firm's turnover currency if the
    # library prices in it, else USD (the plan says which currency it uses).
    if default_currency(country) in CURRENCIES:
        return default_currency(country)
    if (turnover_currency or "").upper() in CURRENCIES:
        return turnover_currency.upper()
    return "USD"


def parse_library(data: dict, dimension_keys: Iterable[str] | None = None) -> UseCaseLibrary:
    """A UseCaseLibrary from the fixture's JSON, checking every rule (UseCaseError if not)."""
    rates = {k: float(v) for k, v in data["exchange_rates"]["per_eur"].items()}
    missing = [c for c in CURRENCIES if c not in rates or rates[c] <= 0]
    if missing:
        raise UseCaseError(f"exchange rates missing for {', '.join(missing)}")
    base = data["base_currency"]
    if base not in rates:
        raise UseCaseError(f"base currency {base} has no rate")
    cost_bases = dict(data["cost_bases"])
    effort_levels = dict(data["effort_levels"])
    ttv = tuple(data["time_to_value"])
    families = {k: (v["name"], frozenset(v["divisions"]))
                for k, v in data["sector_families"].items()}
    seen_divisions: set[str] = set()
    for key, (_name, divisions) in families.items():
        if divisions & seen_divisions:
            raise UseCaseError(f"family {key}: a division belongs to two families")
        seen_divisions |= divisions
    dims = set(dimension_keys) if dimension_keys is not None else None

    use_cases: list[UseCase] = []
    keys: set[str] = set()
    for raw in data["use_cases"]:
        key = raw["key"]

        def fail(message: str, key: str = key) -> None:
            raise UseCaseError(f"{key}: {message}")

        if key in keys:
            fail("key used twice")
        keys.add(key)
        if dims is not None and raw["dimension"] not in dims:
            fail(f"unknown dimension {raw['dimension']}")
        if raw["from_band"] not in STEPS:
            fail("from_band must be 0 to 4")
        low, high = raw["cost"][base]
        if not 0 <= low <= high:
            fail("cost range must be 0 <= low <= high")
        if raw["cost"].get("basis") not in cost_bases:
            fail("cost basis must name one of cost_bases")
        if raw["effort"] not in effort_levels:
            fail(f"effort must be one of {', '.join(effort_levels)}")
        if raw["time_to_value"] not in ttv:
            fail(f"time to value must be one of {', '.join(ttv)}")
        if not raw["title"].strip() or not raw["summary"].strip():
            fail("title and summary are required")
        kinds = tuple(raw["support_kinds"])
        if not kinds or set(kinds) - SUPPORT_KINDS:
            fail("support kinds must be programme kinds")
        prerequisites = tuple(Prerequisite(p["dimension"], int(p["band"]))
                              for p in raw.get("prerequisites", []))
        for p in prerequisites:
            if dims is not None and p.dimension not in dims:
                fail(f"prerequisite on unknown dimension {p.dimension}")
            if not 1 <= p.band <= 5:
                fail("a prerequisite band is 1 to 5")
            if p.dimension == raw["dimension"]:
                fail("a use case cannot require its own dimension")
        wording = {}
        for family, words in raw.get("sector_wording", {}).items():
            if family not in families:
                fail(f"unknown sector family {family}")
            wording[family] = (words["title"], words["summary"])
        use_cases.append(UseCase(
            key=key, dimension=raw["dimension"], from_band=int(raw["from_band"]),
            title=raw["title"], summary=raw["summary"], base_cost=(int(low), int(high)),
            cost_basis=raw["cost"]["basis"], effort=raw["effort"],
            time_to_value=raw["time_to_value"], prerequisites=prerequisites,
            support_kinds=kinds, sector_wording=wording,
        ))

    if dims is not None:
        for dim in sorted(dims):
            for step in STEPS:
                count = sum(1 for u in use_cases if u.dimension == dim and u.from_band == step)
                if count < MIN_PER_STEP:
                    raise UseCaseError(
                        f"{dim} {step}->{step + 1}: {count} use cases, at least {MIN_PER_STEP} "
                        "needed")
    band_wording: dict[str, dict[str, dict[int, str]]] = {}
    for family, by_dimension in data.get("band_wording", {}).items():
        if family not in families:
            raise UseCaseError(f"band wording: unknown sector family {family}")
        for dimension, by_band in by_dimension.items():
            if dims is not None and dimension not in dims:
                raise UseCaseError(f"band wording: unknown dimension {dimension}")
            for band, text in by_band.items():
                if not band.isdigit() or not 0 <= int(band) <= 5 or not text.strip():
                    raise UseCaseError(f"band wording {family}/{dimension}: bands are 0 to 5 "
                                       "with a description")
                band_wording.setdefault(family, {}).setdefault(dimension, {})[int(band)] = text
    return UseCaseLibrary(
        band_wording=band_wording,
        version=int(data["version"]), name=data["name"], base_currency=base,
        rates_per_eur=rates, rate_sources=tuple(data["exchange_rates"]["sources"]),
        cost_bases=cost_bases, effort_levels=effort_levels, time_to_value=ttv,
        families=families, use_cases=tuple(use_cases),
    )


def fixture_path(version: int) -> Path:
    return FIXTURE_DIR / f"v{version}.json"


@cache
def load_usecases(version: int = CURRENT_VERSION) -> UseCaseLibrary:
    """The library of the given version, read and checked once per process."""
    with fixture_path(version).open(encoding="utf-8") as handle:
        data = json.load(handle)
    return parse_library(data, load_framework(FRAMEWORK_VERSION).dimension_keys)
