"""The policy lens against the database: who sees it, suppression, synthetic firms left out,
exports opened and read, the open statistics endpoint, and a query count that does not grow."""

from __future__ import annotations

import datetime
import io
import json

import pandas as pd
import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from advisors import selectors
from advisors.models import Membership, Organisation
from programmes.models import Programme, SupportKind
from readiness.models import Assessment
from tests.factories import element_text, make_submitted, sign_in

pytestmark = pytest.mark.django_db


def firms(count: int, *, region: str, synthetic: bool = False, credible: bool = True,
          **profile) -> list[Assessment]:
    made = [make_submitted(company_name=f"{region} firm {i}", region=region,
                           bands={"workforce_learning_development": 0}, **profile)[0]
            for i in range(count)]
    Assessment.objects.filter(pk__in=[a.pk for a in made]).update(
        is_synthetic=synthetic,
        contact_email_verified_at=timezone.now() if credible else None)
    return made


def programme(slug: str, *, kinds=("advice",), **fields) -> Programme:
    defaults = {"name": slug.replace("-", " ").title(), "country": "GB",
                "summary": "Advice for manufacturers.", "source_title": "Test source",
                "source_url": "https://example.org/source",
                "facts_as_of": datetime.date(2026, 1, 5), "eligible_countries": ["GB"],
                "status": "open", "status_checked_on": timezone.localdate()}
    made = Programme.objects.create(slug=slug, **{**defaults, **fields})
    for kind in kinds:
        made.kinds.add(SupportKind.objects.get_or_create(key=kind)[0])
    return made


@pytest.fixture
def manager(framework):
    hub = Organisation.objects.create(name="National programme office", slug="office")
    user = get_user_model().objects.create_user("pm", is_staff=True)
    Membership.objects.create(user=user, organisation=hub, role=Membership.Role.MANAGER)
    return user


@pytest.fixture
def cohort(framework):
    """12 credible firms in the North West, 4 in London, and firms that must not count: 20
    synthetic ones in London and 15 whose submissions are not credible (unverified, unshared)."""
    programme("nw-hub", eligible_regions=["North West"])
    programme("unchecked-training", kinds=("training",), status="unknown", status_checked_on=None)
    firms(12, region="North West")
    firms(4, region="London")
    firms(20, region="London", synthetic=True)
    firms(15, region="London", credible=False)


def test_only_signed_in_members_with_their_second_factor_open_the_lens(manager):
    url = reverse("advisors:policy")
    assert Client().get(url).status_code == 302
    half = Client()
    half.force_login(manager)
    response = half.get(url)
    assert response.status_code == 302 and "two-factor" in response["Location"]
    outsider = get_user_model().objects.create_user("someone")
    assert sign_in(Client(), outsider).get(url).status_code == 403
    assert sign_in(Client(), manager).get(url).status_code == 200


def test_the_lens_counts_credible_real_firms_and_suppresses_small_groups(manager, cohort):
    client = sign_in(Client(), manager)
    html = client.get(reverse("advisors:policy")).content.decode()
    assert "16 assessed firms" in element_text(html, "policy-summary")
    coverage = element_text(html, "coverage-table")
    assert "North West" in coverage and "100 %" in coverage
    # London has 4 credible firms: the 20 synthetic and 15 unverified ones do not make it 39.
    london = coverage[coverage.index("London"):]
    assert london.split("North West")[0].count("suppressed") >= 9
    blockers = element_text(html, "blockers-table")
    assert "Nw Hub" in blockers and "16" in blockers  # 16 firms in its country
    gap = element_text(html, "gap-table")
    assert "North West" in gap and "suppressed: fewer than 10 firms" in gap

    lens = selectors.policy_lens(day=timezone.localdate())
    coverage_frame = lens.tables["coverage"]
    today = coverage_frame[coverage_frame["month"] == timezone.localdate().strftime("%Y-%m")]
    nw_advice = today[(today["region"] == "North West") & (today["kind"] == "advice")].iloc[0]
    assert (nw_advice["firms"], nw_advice["with_open_offer"]) == (12, 12)
    nw_training = today[(today["region"] == "North West") & (today["kind"] == "training")].iloc[0]
    assert nw_training["with_open_offer"] == 0 and nw_training["only_unknown_status"] == 12
    assert today[today["region"] == "London"]["firms"].isna().all()
    (hub,) = lens.tables["blockers"][lens.tables["blockers"]["programme"] == "nw-hub"].to_dict(
        "records")
    assert (hub["firms_in_its_countries"], hub["eligible"], hub["only_region"]) == (16, 12, 4)


def test_the_demo_view_counts_the_labelled_synthetic_cohort_only(manager, cohort):
    demo_hub = Organisation.objects.create(name="Demo hub (demo)", slug="demo-hub",
                                           is_synthetic=True)
    from advisors import services

    for assessment in Assessment.objects.filter(is_synthetic=True):
        services.share_create(assessment=assessment, organisation=demo_hub)
    html = sign_in(Client(), manager).get(reverse("advisors:policy"),
                                          {"cohort": "demo"}).content.decode()
    assert "Synthetic demo data." in html and "not a statistic about real firms" in html
    assert "20 assessed firms" in element_text(html, "policy-summary")
    assert selectors.policy_lens(day=timezone.localdate()).firms == 16


def test_bad_choices_are_named_and_the_defaults_shown(manager, cohort):
    response = sign_in(Client(), manager).get(reverse("advisors:policy"),
                                              {"as_of": "2017-05-01", "country": "XX"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose a day from 1 January 2018 to today." in html
    assert "Coverage over time: advice in United Kingdom" in html


def test_every_table_exports_with_its_sources_and_dates(manager, cohort):
    client = sign_in(Client(), manager)
    for table in ("coverage", "blockers", "gap", "gap-by-priority", "transfer", "freshness"):
        response = client.get(reverse("advisors:policy_export", args=[table, "xlsx"]))
        assert response.status_code == 200, table
        sheets = pd.read_excel(io.BytesIO(response.content), sheet_name=None)
        assert set(sheets) >= {"about", "sources"}, table
        sources = sheets["sources"]
        hub = sources[sources["slug"] == "nw-hub"].iloc[0]
        assert hub["source_url"] == "https://example.org/source"
        assert str(hub["facts_as_of"]).startswith("2026-01-05")
        about = dict(zip(sheets["about"]["about"], sheets["about"]["value"], strict=False))
        assert about["As of"] == timezone.localdate().isoformat()
        csv = pd.read_csv(io.StringIO(client.get(reverse(
            "advisors:policy_export", args=[table, "csv"])).content.decode()))
        assert len(csv.columns) > 3, table
    blockers = pd.read_csv(io.StringIO(client.get(reverse(
        "advisors:policy_export", args=["blockers", "csv"])).content.decode()))
    hub = blockers[blockers["programme"] == "nw-hub"].iloc[0]
    assert (hub["eligible"], hub["only_region"], hub["as_of"]) == (
        12, 4, timezone.localdate().isoformat())
    coverage = pd.read_csv(io.StringIO(client.get(reverse(
        "advisors:policy_export", args=["coverage", "csv"])).content.decode()))
    assert coverage[coverage["region"] == "London"]["with_open_offer"].isna().all()
    assert coverage["month"].min() == "2018-01"
    assert client.get("/advisor/policy/export/nothing.csv").status_code == 404


def test_the_open_statistics_serve_the_same_suppressed_aggregates(cohort):
    response = Client().get("/api/v1/statistics")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["cohort_minimum"] == 10 and body["firms"] == 16
    rows = body["tables"]["coverage"]
    london = [r for r in rows if r["region"] == "London"]
    assert london and all(r["suppressed"] and r["firms"] is None for r in london)
    nw = next(r for r in rows if r["region"] == "North West" and r["kind"] == "advice"
              and r["month"] == timezone.localdate().strftime("%Y-%m"))
    assert (nw["firms"], nw["with_open_offer"], nw["share_with_open_offer"]) == (12, 12, 1.0)
    hub = next(r for r in body["tables"]["blockers"] if r["programme"] == "nw-hub")
    assert hub["only_region"] == 4
    assert any(s["slug"] == "nw-hub" for s in body["tables"]["sources"])

    bad = Client().get("/api/v1/statistics", {"as_of": "not a day"})
    assert bad.status_code == 400 and "as_of" in json.loads(bad.content)["errors"]
    assert Client().get("/api/v1/statistics", {"cohort": "demo"}).status_code == 400
    assert Client().post("/api/v1/statistics").status_code == 405


@pytest.mark.django_db(transaction=True)
def test_the_lens_costs_the_same_queries_whatever_the_numbers_of_firms_and_programmes(cohort):
    # Outside a test transaction, so that reference data (programmes, benchmark targets,
    # weights) is kept per process as in production: then only the lens's own reads remain.
    day = timezone.localdate()

    def queries() -> int:
        selectors.policy_lens(day=day)  # the per-process programme index in hand
        with CaptureQueriesContext(connection) as captured:
            selectors.policy_lens(day=day)
        return len(captured)

    before = queries()
    firms(11, region="Scotland")
    firms(3, region="Wales", employees=400)
    for n in range(5):
        programme(f"more-{n}", kinds=("grant", "training"), eligible_regions=["Scotland"])
    assert queries() == before
    assert before == 3  # the firms, the status history, the sources
