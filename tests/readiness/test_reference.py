"""Reference lists for the firm profile (DESIGN §5)."""

from __future__ import annotations

import pytest

from readiness.reference import (
    GB_REGIONS,
    is_country,
    is_currency,
    is_manufacturing,
    normalise_region,
    region_choices,
    region_label,
)

ITL1 = [
    "North East", "North West", "Yorkshire and The Humber", "East Midlands", "West Midlands",
    "East of England", "London", "South East", "South West", "Scotland", "Wales",
    "Northern Ireland",
]


def test_gb_has_the_twelve_itl1_regions():
    assert list(GB_REGIONS) == ITL1
    assert [code for code, _ in region_choices("GB")] == ITL1


@pytest.mark.parametrize(
    ("country", "region", "expected"),
    [
        ("GB", "North West", "North West"),
        ("GB", "north west", "North West"),
        ("GB", "YORKSHIRE AND THE HUMBER", "Yorkshire and The Humber"),
        ("GB", "  london ", "London"),
        ("gb", "wales", "Wales"),
        ("US", "OH", "OH"),
        ("US", "oh", "OH"),
        ("us", "Oh", "OH"),
        ("US", "US-OH", "OH"),
        ("US", "ohio", "OH"),
        ("US", "dc", "DC"),
        ("DE", "DE-BY", "DE-BY"),
        ("DE", "de-by", "DE-BY"),
        ("DE", "by", "DE-BY"),
        ("KR", "KR-48", "KR-48"),
        ("TW", "tw-txg", "TW-TXG"),
        ("DE", "", ""),
        ("GB", "", ""),
        ("SG", None, ""),
    ],
)
def test_regions_normalise_case_insensitively(country, region, expected):
    assert normalise_region(country, region) == expected


@pytest.mark.parametrize(
    ("country", "region"),
    [
        ("GB", "Narnia"),
        ("GB", "Bavaria"),
        ("GB", "NW"),
        ("US", "XX"),
        ("US", "Ohioo"),
        ("US", "North West"),
        ("DE", "ZZ"),
        ("DE", "FR-75"),
        ("DE", "North West"),
    ],
)
def test_invalid_regions_normalise_to_none(country, region):
    assert normalise_region(country, region) is None


def test_region_labels():
    assert region_label("US", "OH") == "Ohio"
    assert region_label("GB", "London") == "London"
    assert region_label("DE", "DE-BY") == "Bayern"
    assert region_label("DE", "") == ""


def test_manufacturing_is_isic_10_to_33():
    assert is_manufacturing("10") and is_manufacturing("25") and is_manufacturing("33")
    assert not is_manufacturing("09") and not is_manufacturing("34")
    assert not is_manufacturing("47")


def test_country_and_currency_codes():
    assert is_country("GB") and is_country("tw")
    assert not is_country("UK") and not is_country("") and not is_country("GBR")
    assert is_currency("GBP") and is_currency("eur")
    assert not is_currency("XYZ") and not is_currency("")
