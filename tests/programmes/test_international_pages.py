"""The international view through ``manage.py evaluate`` and the results URL, and the country
pages, over the real programme fixtures."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from tests.factories import make_submitted, open_link

BODY = {
    "company": {"country": "DE", "region": "DE-BW", "employees": 90, "sector": "28"},
    "answers": {"vertical_integration": 1, "shop_floor_automation": 2},
    "as_of": "2020-11-30",
    "include": ["international"],
}


def run(body: dict, tmp_path) -> dict:
    path = tmp_path / "firm.json"
    path.write_text(json.dumps(body))
    out = io.StringIO()
    call_command("evaluate", str(path), stdout=out)
    return json.loads(out.getvalue())


def test_evaluate_includes_the_international_view_only_when_asked(loaded, tmp_path):
    answer = run(BODY, tmp_path)
    countries = [c["country"] for c in answer["international"]]
    assert countries == ["DE", "GB", "US", "SG", "KR", "TW"]
    germany = answer["international"][0]
    assert germany["summary"].startswith("Germany: ")
    assert "de-digital-jetzt" in [o["programme"] for o in germany["functions"]["grant"]]
    uk = answer["international"][1]
    pilot = next(o for o in uk["functions"]["grant"]
                 if o["programme"] == "made-smarter-nw-adoption-pilot")
    assert pilot["coverage"] == "in 1 of 12 UK regions"
    assert pilot["headline"] == "grant up to £20k at 50 %"
    # Checked in 2026: on the note's date nobody had confirmed it, so it is not "open".
    assert pilot["status"] == "unknown" and pilot["status_checked_on"] is None
    plain = run({k: v for k, v in BODY.items() if k != "include"}, tmp_path)
    assert "international" not in plain
    assert {k: v for k, v in answer.items() if k != "international"} == plain


def test_evaluate_names_a_bad_include(loaded, tmp_path):
    with pytest.raises(CommandError, match=r"include\[0\]"):
        run({**BODY, "include": ["everything"]}, tmp_path)
    with pytest.raises(CommandError, match="include"):
        run({**BODY, "include": "international"}, tmp_path)


def test_the_section_url_is_for_the_links_holder_only(loaded, framework):
    assessment, token = make_submitted(region="North West")
    path = f"/programmes/international/{assessment.public_id}/"
    assert Client().get(path).status_code == 403
    holder = Client()
    open_link(holder, token)
    page = holder.get(path + "?intl=2020-11-30")
    assert page.status_code == 200
    assert "Made Smarter North West Adoption Pilot" in page.content.decode()
    assert holder.get(path + "?intl=garbage").status_code == 200  # today's view, not an error
    results = holder.get(f"/assessment/{assessment.public_id}/results/?intl=today")
    assert 'id="international-as-of"' in results.content.decode()


def test_country_pages_show_what_the_records_hold_and_say_what_they_do_not(loaded, client):
    page = client.get("/programmes/countries/TW/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Formerly Ministry of Science and Technology (MOST), until 26 July 2022." in text
    assert "Formerly Industrial Development Bureau (IDB), until 25 September 2023." in text
    assert "Smart Machinery Promotion Office" in text
    assert "udn.com, 2 January 2026" in text  # a source, with the day it was read
    assert "Firms served per year is not a recorded field" in text
    us = client.get("/programmes/countries/us/").content.decode()
    assert "FY2025 appropriation: $175m" in us  # a budget figure the record carries
    assert client.get("/programmes/countries/FR/").status_code == 404
    assert client.get("/programmes/countries/GBR/").status_code == 404
    directory = client.get("/programmes/").content.decode()
    assert 'href="/programmes/countries/KR/"' in directory
