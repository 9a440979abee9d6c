"""The readiness framework as plain, immutable data.

The framework (blocks, pillars, dimensions, band descriptors and the relevance tables that drive
prioritisation) is versioned reference data kept in ``fixtures/framework/v<N>.json``. This module
reads it into dataclasses that scoring and prioritisation use without a database.
"""

from __future__ import annotations

import hashlib
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
def load_framework(version: int = 1, language: str | None = None) -> FrameworkSpec:
    """The framework of the given version, read once per process (and language) from its
    fixture; with a ``language``, its texts in that language where they are translated."""
    with fixture_path(version).open(encoding="utf-8") as handle:
        data = json.load(handle)
    translations = load_translation(version, language) if language else {}
    return parse_framework(translate_definition(data, translations) if translations else data)


CURRENT_VERSION = 1


# Translations of the framework's texts (issue 17) are kept beside it, one file per language:
# ``v<N>.<language>.json`` holding {"version", "language", "texts": {text key: translation}}.
# A text key names one English text of the definition (``framework_texts``); a translation
# missing from the file falls back to the English text, one text at a time.
DIMENSION_TEXTS = ("name", "summary", "question", "objective_rationale", "cost_rationale")
BAND_TEXTS = ("title", "description")
CHOICE_TEXTS = ("name", "description")


def framework_texts(data: dict[str, Any]) -> dict[str, str]:
    """Every translatable English text of a framework definition, by a stable key such as
    ``dimensions.vertical_integration.bands.3.description``."""
    texts: dict[str, str] = {"name": data["name"]}
    for group in ("objectives", "cost_categories"):
        for choice in data[group]:
            for field in CHOICE_TEXTS:
                texts[f"{group}.{choice['key']}.{field}"] = choice[field]
    for block in data["blocks"]:
        for field in CHOICE_TEXTS:
            if block.get(field):
                texts[f"blocks.{block['key']}.{field}"] = block[field]
        for pillar in block["pillars"]:
            for field in CHOICE_TEXTS:
                if pillar.get(field):
                    texts[f"pillars.{pillar['key']}.{field}"] = pillar[field]
            for dim in pillar["dimensions"]:
                for field in DIMENSION_TEXTS:
                    texts[f"dimensions.{dim['key']}.{field}"] = dim[field]
                for band in dim["bands"]:
                    for field in BAND_TEXTS:
                        texts[f"dimensions.{dim['key']}.bands.{band['band']}.{field}"] = band[field]
    return texts


def translate_definition(data: dict[str, Any], translations: dict[str, str]) -> dict[str, Any]:
    """A copy of the definition with each text replaced by its translation where there is a
    non-empty one, and left in English where there is none. Keys, bands and relevance tables
    are untouched, so scores and priorities cannot differ between languages."""

    def text(key: str, english: str) -> str:
        translated = translations.get(key)
        return translated if isinstance(translated, str) and translated.strip() else english

    def choice(group: str, item: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
        return {**item, **{field: text(f"{group}.{item['key']}.{field}", item[field])
                           for field in fields if item.get(field)}}

    blocks = []
    for block in data["blocks"]:
        pillars = []
        for pillar in block["pillars"]:
            dimensions = []
            for dim in pillar["dimensions"]:
                translated = choice("dimensions", dim, DIMENSION_TEXTS)
                translated["bands"] = [
                    {**band, **{field: text(f"dimensions.{dim['key']}.bands.{band['band']}.{field}",
                                            band[field]) for field in BAND_TEXTS}}
                    for band in dim["bands"]
                ]
                dimensions.append(translated)
            pillars.append({**choice("pillars", pillar, CHOICE_TEXTS), "dimensions": dimensions})
        blocks.append({**choice("blocks", block, CHOICE_TEXTS), "pillars": pillars})
    return {
        **data,
        "name": text("name", data["name"]),
        "objectives": [choice("objectives", o, CHOICE_TEXTS) for o in data["objectives"]],
        "cost_categories": [choice("cost_categories", c, CHOICE_TEXTS)
                            for c in data["cost_categories"]],
        "blocks": blocks,
    }


def missing_texts(data: dict[str, Any], translations: dict[str, str]) -> list[str]:
    """The text keys of the definition that have no (non-empty) translation, in order."""
    return [key for key in framework_texts(data)
            if not (isinstance(translations.get(key), str) and translations[key].strip())]


def unknown_texts(data: dict[str, Any], translations: dict[str, str]) -> list[str]:
    """Translation keys the definition does not have (a renamed or removed text)."""
    known = framework_texts(data)
    return sorted(key for key in translations if key not in known)


def text_fingerprint(text: str) -> str:
    """A short fingerprint of an English text, kept beside its translation ("sources" in the
    translation file): when the English text changes, its translation shows as stale."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def stale_texts(data: dict[str, Any], translations: dict[str, str],
                sources: dict[str, str]) -> list[str]:
    """Translated text keys whose translation was made from another English text than today's
    (or whose source was not recorded): they must be translated again."""
    return [key for key, english in framework_texts(data).items()
            if key in translations and sources.get(key) != text_fingerprint(english)]


def translation_path(version: int, language: str) -> Path:
    return FIXTURE_DIR / f"v{version}.{language}.json"


@cache
def load_translation(version: int, language: str) -> dict[str, str]:
    """The translated texts of a framework version in one language ({} when there is no file:
    English throughout). Read once per process."""
    path = translation_path(version, language)
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8") as handle:
        data = json.load(handle)
    if int(data.get("version", -1)) != version or data.get("language") != language:
        raise ValueError(f"{path.name}: its version or language does not match its name")
    texts = data.get("texts", {})
    return {str(key): str(value) for key, value in texts.items()}
