"""Application packs: the firm's facts, rules met, projects, scores and documents for one
matched programme, as a page with copyable text and as a one-page PDF."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.test import Client
from pypdf import PdfReader

from programmes.matching import Match, ProgrammeRecord
from programmes.packs import application_pack
from programmes.planning import FundingOffer, build_plan
from programmes.usecases import load_usecases
from readiness.prioritisation import prioritise
from tests.factories import DIMENSION_KEYS, element_text, make_submitted, open_link, url
from tests.reports.test_reports import load_programmes


def test_a_pack_lists_rules_projects_scores_and_documents(spec):
    bands = dict.fromkeys(spec.dimension_keys, 1)
    priorities = prioritise(spec, bands, objectives=["productivity"],
                            cost_profile={"labour": 100})
    offer = FundingOffer("fund", "Adoption Fund", ("advice", "grant"), (), 50, Decimal(20000),
                         "GBP")
    plan = build_plan(load_usecases(), bands=bands, priorities=priorities, sector="22",
                      currency="GBP", offers=[offer],
                      dimension_names={k: d.name for k, d in spec.dimensions.items()})
    record = ProgrammeRecord("fund", "Adoption Fund", "GB", kinds=("advice", "grant"),
                             how_to_apply="Apply through your growth hub.")
    found = Match("fund", "Adoption Fund", "GB", 0.8, [
        "It is for firms in the United Kingdom, where you are based.",
        "You have 45 employees, within its limit of 249.",
        "It works on Shop Floor Automation (priority 1), among your top priorities.",
    ], record)
    pack = application_pack(found, plan, firm_name="Moulders Ltd",
                            firm_facts=[("Employees", "45")], scores=[("Overall", "1.0")])
    assert pack.eligibility == (
        "It is for firms in the United Kingdom, where you are based.",
        "You have 45 employees, within its limit of 249.")
    planned = [p.key for s in plan.steps for p in s.projects
               if any(f.programme == "fund" for f in p.funded_by)]
    assert [item.project.key for item in pack.projects] == planned and planned
    assert any("Quotes from suppliers" in d for d in pack.documents)
    assert any("problem you want help with" in d for d in pack.documents)
    text = pack.as_text()
    assert text.startswith("Moulders Ltd: application notes for Adoption Fund")
    assert "It could pay 50% up to £20,000" in text
    assert "- Overall: 1.0" in text and "Apply through your growth hub." in text


@pytest.fixture
def pies(framework, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    load_programmes()
    bands = dict.fromkeys(DIMENSION_KEYS, 2) | {"shop_floor_automation": 1,
                                                "vertical_integration": 1}
    assessment, token = make_submitted(bands, company_name="Pennine Pies", sector="10")
    open_link(client, token)
    return assessment


def test_the_plan_links_to_packs_and_the_page_offers_text_to_copy(pies, client):
    results = client.get(url("results", pies)).content.decode()
    links = element_text(results, "pack-links")
    assert "Made Smarter Adoption Programme, England" in links
    page = client.get(url("pack", pies, slug="made-smarter-adoption-england"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Pennine Pies has 45" not in html  # facts are listed, not invented sentences
    assert "You are in the North West, where it runs." in element_text(html, "pack-eligibility")
    assert "An automatic depositor or former" in element_text(html, "pack-project-list")
    assert 'data-copy-target="#pack-text"' in html
    text = element_text(html, "pack-text")
    assert "Pennine Pies: application notes for Made Smarter Adoption Programme, England" in text


def test_the_pack_pdf_is_one_page(pies, client):
    response = client.get(url("pack_pdf", pies, slug="made-smarter-adoption-england"))
    assert response.status_code == 200
    pages = PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages
    assert len(pages) == 1
    text = " ".join(pages[0].extract_text().split())
    assert "application pack for Made Smarter Adoption Programme, England" in text
    assert "Quotes from suppliers" in text


def test_no_pack_for_a_programme_that_is_not_a_match_or_for_a_stranger(pies, client):
    assert client.get(url("pack", pies, slug="us-mep")).status_code == 404
    assert client.get(url("pack", pies, slug="no-such-programme")).status_code == 404
    assert Client().get(url("pack", pies, slug="made-smarter-adoption-england")
                        ).status_code == 403
