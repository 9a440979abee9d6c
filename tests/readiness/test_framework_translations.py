"""The framework's texts in German, Korean and Traditional Chinese (issue 17): every translation
file covers every English text, a missing text falls back to English one text at a time, and the
active language picks the texts wherever the framework is shown."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from readiness.framework import (
    fixture_path,
    framework_texts,
    load_translation,
    missing_texts,
    parse_framework,
    stale_texts,
    text_fingerprint,
    translate_definition,
    translation_path,
    unknown_texts,
)

TRANSLATED = [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
HANGUL = re.compile(r"[\uac00-\ud7a3]")
HAN = re.compile(r"[\u4e00-\u9fff]")
# Simplified forms that Taiwan usage writes otherwise (docs/glossary.md): none may appear.
SIMPLIFIED = re.compile("[数据软网络设备术质应门实现发传讯价产业]")


def english() -> dict:
    return json.loads(fixture_path(1).read_text("utf-8"))


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_translation_file_has_every_text_of_the_english_framework(language):
    path = translation_path(1, language)
    assert path.is_file(), f"{path.name} is missing: the framework has no {language} texts"
    translations = load_translation(1, language)
    missing = missing_texts(english(), translations)
    assert missing == [], f"{path.name} lacks {len(missing)} texts: {missing}"
    assert unknown_texts(english(), translations) == [], (
        f"{path.name} has texts the English framework no longer has")


@pytest.mark.parametrize("language", TRANSLATED)
def test_no_translation_is_older_than_its_english_text(language):
    """Each translation records the English text it was made from; an English text changed
    since then makes its translation stale (a 'fuzzy' one), and this names it."""
    path = translation_path(1, language)
    sources = json.loads(path.read_text("utf-8")).get("sources", {})
    stale = stale_texts(english(), load_translation(1, language), sources)
    assert stale == [], f"{path.name}: translate these again, their English changed: {stale}"


def test_a_changed_english_text_makes_its_translation_stale():
    data = english()
    key = "dimensions.vertical_integration.bands.0.title"
    translations = {key: "Undefiniert", "name": "Bewertungsrahmen"}
    sources = {key: text_fingerprint("Undefined"), "name": text_fingerprint(data["name"])}
    assert stale_texts(data, translations, sources) == []
    dim = data["blocks"][0]["pillars"][0]["dimensions"][0]
    dim["bands"][0]["title"] = "Informal"
    assert stale_texts(data, translations, sources) == [key]
    # A translation without a recorded source is stale too: nobody knows what it translated.
    assert stale_texts(data, translations, {}) == ["name", key]


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_are_translated_not_copied(language):
    """A text left in English (copied over to pass the key check) is not a translation; names
    of standards and abbreviations excepted, each text differs from the English."""
    en = framework_texts(english())
    same = [key for key, text in load_translation(1, language).items()
            if text == en[key] and language != "de"]
    # German shares some words with English ("Digital", "Intelligent", "Organisation").
    assert same == []


def test_korean_texts_are_in_hangul_and_chinese_in_traditional_characters():
    korean = load_translation(1, "ko")
    without_hangul = [k for k, v in korean.items() if not HANGUL.search(v)]
    assert without_hangul == []
    chinese = load_translation(1, "zh-hant")
    without_han = [k for k, v in chinese.items() if not HAN.search(v)]
    assert without_han == []
    simplified = {k: SIMPLIFIED.findall(v) for k, v in chinese.items() if SIMPLIFIED.search(v)}
    assert simplified == {}


def test_a_missing_text_falls_back_to_english_one_text_at_a_time():
    data = english()
    partial = {"dimensions.vertical_integration.name": "Vertikale Integration",
               "dimensions.vertical_integration.bands.2.description": "  "}
    spec = parse_framework(translate_definition(data, partial))
    original = parse_framework(data)
    dim = spec.dimensions["vertical_integration"]
    assert dim.name == "Vertikale Integration"
    # An empty translation is no translation: the English text stands.
    assert dim.bands[2].description == original.dimensions["vertical_integration"].bands[2].description
    assert dim.summary == original.dimensions["vertical_integration"].summary
    assert missing_texts(data, partial)[:2] == ["name", "objectives.productivity.name"]
    assert "dimensions.vertical_integration.name" not in missing_texts(data, partial)


def test_translation_changes_texts_only_never_keys_bands_or_relevance():
    data = english()
    original = parse_framework(data)
    for language in TRANSLATED:
        spec = parse_framework(translate_definition(data, load_translation(1, language)))
        assert spec.dimension_keys == original.dimension_keys
        assert spec.pillar_keys == original.pillar_keys
        assert spec.objective_keys == original.objective_keys
        for key, dim in spec.dimensions.items():
            before = original.dimensions[key]
            assert (dim.objective_relevance, dim.cost_relevance, dim.default_target) == (
                before.objective_relevance, before.cost_relevance, before.default_target)
            assert [b.band for b in dim.bands] == list(range(6))


@pytest.mark.django_db
def test_the_stored_framework_speaks_the_active_language(framework):
    with translation.override("de"):
        german = framework.spec
    with translation.override("ko"):
        korean = framework.spec
    with translation.override("zh-hant"):
        chinese = framework.spec
    english_spec = framework.spec
    key = "shop_floor_intelligence"
    assert german.dimensions[key].name == "Intelligenz in der Fertigung"
    assert korean.dimensions[key].name == "생산 현장 지능화"
    assert chinese.dimensions[key].name == "生產現場智慧化"
    assert english_spec.dimensions[key].name == "Shop Floor Intelligence"
    # Browsers send region variants ("de-AT", "zh-TW"); Django maps them to ours.
    with translation.override(translation.get_supported_language_variant("zh-tw")):
        assert framework.spec.dimensions[key].name == "生產現場智慧化"


def glossary() -> dict[str, dict[str, str]]:
    """docs/glossary.md's tables: English term (lower case) -> {language: term}."""
    rows: dict[str, dict[str, str]] = {}
    path = Path(settings.BASE_DIR) / "docs" / "glossary.md"
    for line in path.read_text("utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("| ") and len(cells) == 5 and cells[0] not in ("term", "---"):
            rows[cells[0].lower()] = dict(zip(("de", "ko", "zh-hant"), cells[1:4], strict=True))
    return rows


def test_every_name_and_title_is_translated_with_the_glossarys_word():
    terms = glossary()
    names = {key: text for key, text in framework_texts(english()).items()
             if key.endswith((".name", ".title"))}
    assert len(names) == 3 + 8 + 16 + 96 + 8 + 6
    not_in_glossary = sorted({text for text in names.values() if text.lower() not in terms})
    assert not_in_glossary == []
    differ = [(language, key, load_translation(1, language)[key], terms[text.lower()][language])
              for language in TRANSLATED for key, text in names.items()
              # A name starts a sentence in the glossary's table lower case ("vertikale ...").
              if load_translation(1, language)[key].casefold()
              != terms[text.lower()][language].casefold()]
    assert differ == []
