"""The readiness framework as plain, immutable data.

The framework (blocks, pillars, dimensions, band descriptors and the relevance tables that drive
prioritisation) is versioned reference data kept in ``fixtures/framework/v<N>.json``. This module
reads it into dataclasses that scoring and prioritisation use without a database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

FIXTURE_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "framework"
BANDS = range(0, 6)
RELEVANCE_MAX = 3


@dataclass(frozen=True)
class BandSpec:
    band: int
    title: str
    description: str


@dataclass(frozen=True)
class DimensionSpec:
    key: str
    name: str
    pillar: str
    block: str
    summary: str
    question: str
    default_target: int
    bands: tuple[BandSpec, ...]
    objective_relevance: dict[str, int]
    objective_rationale: str
    cost_relevance: dict[str, int]
    cost_rationale: str

    def band_spec(self, band: int | None) -> BandSpec | None:
        if band is None or band not in BANDS:
            return None
        return self.bands[band]


@dataclass(frozen=True)
class PillarSpec:
    key: str
    name: str
    block: str
    description: str
    dimensions: tuple[str, ...]


@dataclass(frozen=True)
class BlockSpec:
    key: str
    name: str
    description: str
    pillars: tuple[str, ...]


@dataclass(frozen=True)
class Choice:
    key: str
    name: str
    description: str


@dataclass(frozen=True)
class FrameworkSpec:
    version: int
    name: str
    blocks: tuple[BlockSpec, ...]
    pillars: dict[str, PillarSpec]
    dimensions: dict[str, DimensionSpec]
    objectives: tuple[Choice, ...]
    cost_categories: tuple[Choice, ...]

    @property
    def dimension_keys(self) -> tuple[str, ...]:
        return tuple(self.dimensions)

    @property
    def pillar_keys(self) -> tuple[str, ...]:
        return tuple(self.pillars)

    @property
    def objective_keys(self) -> tuple[str, ...]:
        return tuple(choice.key for choice in self.objectives)

    @property
    def cost_keys(self) -> tuple[str, ...]:
        return tuple(choice.key for choice in self.cost_categories)


def parse_framework(data: dict[str, Any]) -> FrameworkSpec:
    """Build a FrameworkSpec from the fixture's JSON structure, checking its invariants."""
    objectives = tuple(Choice(o["key"], o["name"], o["description"]) for o in data["objectives"])
    costs = tuple(Choice(c["key"], c["name"], c["description"]) for c in data["cost_categories"])
    objective_keys = {o.key for o in objectives}
    cost_keys = {c.key for c in costs}
    blocks: list[BlockSpec] = []
    pillars: dict[str, PillarSpec] = {}
    dimensions: dict[str, DimensionSpec] = {}
    for block in data["blocks"]:
        for pillar in block["pillars"]:
            for dim in pillar["dimensions"]:
                bands = tuple(BandSpec(b["band"], b["title"], b["description"]) for b in dim["bands"])
                if [b.band for b in bands] != list(BANDS):
                    raise ValueError(f"{dim['key']}: bands must be 0..5 in order")
                if set(dim["objective_relevance"]) != objective_keys:
                    raise ValueError(f"{dim['key']}: objective relevance must cover every objective")
                if set(dim["cost_relevance"]) != cost_keys:
                    raise ValueError(f"{dim['key']}: cost relevance must cover every cost category")
                dimensions[dim["key"]] = DimensionSpec(
                    key=dim["key"],
                    name=dim["name"],
                    pillar=pillar["key"],
                    block=block["key"],
                    summary=dim["summary"],
                    question=dim["question"],
                    default_target=int(dim["default_target"]),
                    bands=bands,
                    objective_relevance=dict(dim["objective_relevance"]),
                    objective_rationale=dim["objective_rationale"],
                    cost_relevance=dict(dim["cost_relevance"]),
                    cost_rationale=dim["cost_rationale"],
                )
            pillars[pillar["key"]] = PillarSpec(
                key=pillar["key"],
                name=pillar["name"],
                block=block["key"],
                description=pillar.get("description", ""),
                dimensions=tuple(d["key"] for d in pillar["dimensions"]),
            )
        blocks.append(
            BlockSpec(
                key=block["key"],
                name=block["name"],
                description=block.get("description", ""),
                pillars=tuple(p["key"] for p in block["pillars"]),
            )
        )
    return FrameworkSpec(
        version=int(data["version"]),
        name=data["name"],
        blocks=tuple(blocks),
        pillars=pillars,
        dimensions=dimensions,
        objectives=objectives,
        cost_categories=costs,
    )


def fixture_path(version: int) -> Path:
    return FIXTURE_DIR / f"v{version}.json"


@cache
def load_framework(version: int = 1) -> FrameworkSpec:
    """The framework of the given version, read once per process from its fixture."""
    with fixture_path(version).open(encoding="utf-8") as handle:
        return parse_framework(json.load(handle))


CURRENT_VERSION = 1
