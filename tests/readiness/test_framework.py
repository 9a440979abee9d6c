"""The framework fixture (DESIGN §2) and its loading into the database."""

from __future__ import annotations

import copy
import json
from io import StringIO

import pytest
from django.core.management import call_command

from readiness.framework import fixture_path, load_framework, parse_framework
from readiness.models import FrameworkVersion
from tests.factories import DESIGN_TABLE, DIMENSION_KEYS


def test_three_blocks_in_design_order(spec):
    assert [b.key for b in spec.blocks] == ["process", "technology", "organisation"]


def test_eight_pillars_in_design_order_and_blocks(spec):
    assert list(spec.pillars) == [p for _, p, _ in DESIGN_TABLE]
    for block, pillar, _ in DESIGN_TABLE:
        assert spec.pillars[pillar].block == block
    for block in spec.blocks:
        assert list(block.pillars) == [p for b, p, _ in DESIGN_TABLE if b == block.key]


def test_sixteen_canonical_dimension_keys_in_exact_order(spec):
    assert len(spec.dimension_keys) == 16
    assert spec.dimension_keys == DIMENSION_KEYS
    for block, pillar, keys in DESIGN_TABLE:
        assert spec.pillars[pillar].dimensions == keys
        for key in keys:
            assert spec.dimensions[key].pillar == pillar
            assert spec.dimensions[key].block == block


@pytest.mark.parametrize("key", DIMENSION_KEYS)
def test_every_dimension_has_six_described_bands(spec, key):
    dim = spec.dimensions[key]
    assert [b.band for b in dim.bands] == [0, 1, 2, 3, 4, 5]
    for band in dim.bands:
        assert band.title.strip(), f"{key} band {band.band} has no title"
        assert band.description.strip(), f"{key} band {band.band} has no description"
    # Each band says something of its own.
    assert len({b.description for b in dim.bands}) == 6
    assert len({b.title for b in dim.bands}) == 6
    assert dim.name.strip() and dim.summary.strip() and dim.question.strip()
    assert dim.question.strip().endswith("?")


@pytest.mark.parametrize("key", DIMENSION_KEYS)
def test_relevance_tables_are_complete_and_in_range(spec, key):
    dim = spec.dimensions[key]
    assert set(dim.objective_relevance) == set(spec.objective_keys)
    assert set(dim.cost_relevance) == set(spec.cost_keys)
    assert all(v in range(4) for v in dim.objective_relevance.values())
    assert all(v in range(4) for v in dim.cost_relevance.values())
    assert dim.objective_rationale.strip() and dim.cost_rationale.strip()
    assert dim.default_target in range(6)


def test_band_spec_lookup(spec):
    dim = spec.dimensions["vertical_integration"]
    assert dim.band_spec(3) is dim.bands[3]
    assert dim.band_spec(None) is None
    assert dim.band_spec(6) is None


def test_parse_refuses_missing_band():
    data = json.loads(fixture_path(1).read_text("utf-8"))
    broken = copy.deepcopy(data)
    broken["blocks"][0]["pillars"][0]["dimensions"][0]["bands"].pop()
    with pytest.raises(ValueError, match="vertical_integration"):
        parse_framework(broken)


def test_parse_refuses_incomplete_relevance_table():
    data = json.loads(fixture_path(1).read_text("utf-8"))
    broken = copy.deepcopy(data)
    del broken["blocks"][1]["pillars"][0]["dimensions"][0]["objective_relevance"]["quality"]
    with pytest.raises(ValueError, match="shop_floor_automation"):
        parse_framework(broken)


def test_database_copy_reads_back_as_the_same_framework(framework):
    assert framework.version == 1
    assert framework.spec == load_framework(1)


@pytest.mark.django_db
def test_load_framework_command_is_idempotent():
    out = StringIO()
    call_command("load_framework", stdout=out)
    first = FrameworkVersion.objects.get(version=1)
    call_command("load_framework", stdout=out)
    assert FrameworkVersion.objects.count() == 1
    second = FrameworkVersion.objects.get(version=1)
    assert second.pk == first.pk
    assert second.definition == first.definition
    assert second.definition == json.loads(fixture_path(1).read_text("utf-8"))
    assert "Loaded framework v1" in out.getvalue()
    assert "Refreshed framework v1" in out.getvalue()
