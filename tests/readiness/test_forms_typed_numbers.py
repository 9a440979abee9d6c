"""Typed numbers are never silently changed, and the currency defaults from the country
(issue 13, item 6; user trial D9 and D10)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from readiness.forms import ProfileForm
from tests.factories import form_value, make_assessment, open_link, profile_post, url


@pytest.mark.parametrize(("typed", "field", "message"), [
    ("8O", "employees", "whole number, e.g. 45"),
    ("eighty", "employees", "whole number, e.g. 45"),
    ("12.5 million", "turnover", "in full, in figures, e.g. 6,500,000"),
    ("12.5", "turnover", "looks too small for a year's turnover"),
])
def test_numbers_that_are_not_numbers_get_a_message(typed, field, message):
    data = profile_post(**{field: typed, "turnover_currency": "GBP"})
    form = ProfileForm(data)
    assert not form.is_valid()
    assert list(form.errors) == [field]
    assert message in form.errors[field][0]


def test_separators_are_fine():
    form = ProfileForm(profile_post(employees="1,200", turnover="6,500,000",
                                    turnover_currency="GBP"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["employees"] == 1200
    assert form.cleaned_data["turnover"] == Decimal("6500000")


def test_the_currency_defaults_from_the_country():
    form = ProfileForm(profile_post(turnover="2500000", turnover_currency=""))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["turnover_currency"] == "GBP"
    german = ProfileForm(profile_post(country="DE", region="", turnover="2500000",
                                      turnover_currency=""))
    assert german.is_valid(), german.errors
    assert german.cleaned_data["turnover_currency"] == "EUR"
    assert ProfileForm(initial={"country": "KR"}).initial["turnover_currency"] == "KRW"


def test_what_was_typed_stays_in_the_field(framework, client):
    assessment, token = make_assessment()
    open_link(client, token)
    response = client.post(url("profile", assessment),
                           profile_post(employees="eighty", turnover="12.5 million",
                                        turnover_currency="GBP"))
    assert response.status_code == 200  # shown again with its messages, not saved
    page = response.content.decode()
    assessment.refresh_from_db()
    assert assessment.employees == 45
    assert form_value(page, "employees") == "eighty"
    assert form_value(page, "turnover") == "12.5 million"
    assert "whole number, e.g. 45" in page and "in full, in figures" in page
