"""The advisor workspace through its pages: review, history, peers, progress and exports."""

from __future__ import annotations

import datetime
import io
import os

import openpyxl
import pandas as pd
import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisors import services
from advisors.models import Action, Coverage, Membership, Note, Organisation, Share
from readiness import services as readiness_services
from readiness.services import framework_current
from tests.factories import DIMENSION_KEYS, make_submitted, open_link, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def hub(framework):
    organisation = Organisation.objects.create(name="North West Hub", slug="nw-hub")
    Coverage.objects.create(organisation=organisation, country="GB", region="North West")
    return organisation


@pytest.fixture
def advisor(hub):
    user = get_user_model().objects.create_user("ann", password="x-unused-x",
                                                first_name="Ann", last_name="Advisor")
    Membership.objects.create(user=user, organisation=hub)
    client = Client()
    sign_in(client, user)
    client.user = user
    return client


def shared(hub, **kwargs):
    assessment, token = make_submitted(**kwargs)
    return services.share_create(assessment=assessment, organisation=hub), token


def test_status_assignment_notes_and_actions_are_kept_as_history(hub, advisor):
    share, _ = shared(hub, company_name="History Ltd")
    review = reverse("advisors:review", args=[share.pk])
    response = advisor.post(reverse("advisors:update_case", args=[share.pk]),
                            {"status": "in_review", "assigned_advisor": advisor.user.pk})
    assert response.status_code == 302
    advisor.post(reverse("advisors:add_note", args=[share.pk]),
                 {"text": "Met the MD.", "audience": "internal"})
    advisor.post(reverse("advisors:add_action", args=[share.pk]), {
        "text": "Pilot OEE tracking on line 1", "dimension_key": "shop_floor_intelligence",
        "owner": "Production manager", "due_date": "2027-03-31"})
    action = Action.objects.get(share=share)
    advisor.post(reverse("advisors:toggle_action", args=[share.pk, action.pk]))

    share.refresh_from_db()
    action.refresh_from_db()
    assert share.status == "in_review" and share.assigned_advisor == advisor.user
    assert action.done and action.owner == "Production manager"
    changes = list(share.history.order_by("history_date"))
    assert [c.history_type for c in changes] == ["+", "~"]
    assert changes[-1].history_user == advisor.user and changes[-1].status == "in_review"
    assert [h.done for h in action.history.order_by("history_date")] == [False, True]
    assert Note.history.filter(text="Met the MD.", history_user=advisor.user).exists()

    page = advisor.get(review).content.decode()
    assert "Met the MD." in page and "Pilot OEE tracking on line 1" in page
    assert "In review" in page


def test_bad_case_input_is_refused_with_a_message(hub, advisor):
    share, _ = shared(hub)
    response = advisor.post(reverse("advisors:update_case", args=[share.pk]),
                            {"status": "bogus"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    response = advisor.post(reverse("advisors:add_action", args=[share.pk]),
                            {"text": "Do it", "owner": "", "due_date": "not a date"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter a valid date" in body and 'value="Do it"' in body
    other = get_user_model().objects.create_user("zed")
    response = advisor.post(reverse("advisors:update_case", args=[share.pk]),
                            {"status": "new", "assigned_advisor": other.pk})
    assert response.status_code == 400  # not a member of this organisation
    share.refresh_from_db()
    assert share.assigned_advisor is None


def credible(assessment):
    """A verified contact email: the submission counts among peers (docs/benchmarks.md)."""
    type(assessment).objects.filter(pk=assessment.pk).update(
        contact_email_verified_at=timezone.now())
    return assessment


def test_peers_need_ten_credible_firms_and_show_the_cohort_size(hub, advisor):
    share, _ = shared(hub, company_name="Target", employees=45, sector="25")
    for n in range(9):
        credible(make_submitted(company_name=f"Peer {n}", employees=20 + n, sector="25",
                                bands={"vertical_integration": n % 5})[0])
    credible(make_submitted(company_name="Other sector", employees=30, sector="10")[0])
    credible(make_submitted(company_name="Too big", employees=400, sector="25")[0])
    make_submitted(company_name="Anonymous", employees=30, sector="25")  # not credible
    page = advisor.get(reverse("advisors:review", args=[share.pk])).content.decode()
    assert 'id="cohort-size">9<' in page and 'id="no-peers"' in page

    credible(make_submitted(company_name="Peer 9", employees=12, sector="25",
                            bands={"vertical_integration": 4})[0])
    page = advisor.get(reverse("advisors:review", args=[share.pk])).content.decode()
    assert 'id="cohort-size">10<' in page and 'id="peer-table"' in page
    # Peers rated vertical integration 0,1,2,3,4,0,1,2,3,4: median 2; the target rated it 2.
    table = pd.read_html(io.StringIO(page), attrs={"id": "peer-table"})[0]
    row = table[table["Dimension"] == "Vertical Integration"].iloc[0]
    assert float(row["Peer median"]) == 2.0
    assert float(row["This firm"]) == 2.0


def test_progress_between_two_assessments(hub, advisor):
    first, token = shared(hub, company_name="Grower Ltd",
                          bands={"vertical_integration": 1, "shop_floor_automation": 3})
    holder = Client()
    open_link(holder, token)
    holder.post(reverse("readiness:reassess", args=[first.assessment.public_id]))
    second = first.assessment.reassessments.get()
    readiness_services.answers_save(assessment=second, answers={
        "vertical_integration": (3, ""), "shop_floor_automation": (2, "")})
    readiness_services.assessment_submit(assessment=second)
    services.share_create(assessment=second, organisation=hub)

    page = advisor.get(reverse("advisors:progress", args=[first.pk])).content.decode()
    table = pd.read_html(io.StringIO(page), attrs={"id": "progress-table"})[0]
    changes = dict(zip(table["Dimension"], table["Change"], strict=True))
    assert int(changes["Vertical Integration"]) == 2
    assert int(changes["Shop Floor Automation"]) == -1
    assert int(changes["Leadership Competency"]) == 0
    assert "+2" in page  # gains are shown with their sign
    assert "<svg" in page


def test_exports_match_the_database(hub, advisor):
    for n in range(3):
        shared(hub, company_name=f"Export {n}", bands={"facility_automation": n})
    response = advisor.get(reverse("advisors:export_caseload", args=["csv"]))
    assert response["Content-Type"].startswith("text/csv")
    frame = pd.read_csv(io.StringIO(response.content.decode()), dtype={"sector": str})
    assert len(frame) == Share.objects.filter(organisation=hub).count() == 3
    assert set(DIMENSION_KEYS) <= set(frame.columns)
    for _, row in frame.iterrows():
        share = Share.objects.get(pk=row["share_id"])
        stored = dict(share.assessment.answers.values_list("dimension_key", "band"))
        assert {k: int(row[k]) for k in DIMENSION_KEYS} == stored
        assert row["firm"] == share.assessment.company_name
        assert row["sector"] == share.assessment.sector

    # The XLSX is for people: names, not keys, and the header row stays in view.
    content = advisor.get(reverse("advisors:export_caseload", args=["xlsx"])).content
    xlsx = pd.read_excel(io.BytesIO(content))
    spec = framework_current().spec
    names = [spec.dimensions[k].name for k in DIMENSION_KEYS]
    assert len(xlsx) == 3 and set(names) <= set(xlsx.columns) and "Unnamed: 0" not in xlsx
    for _, row in xlsx.iterrows():
        share = Share.objects.get(pk=row["Case"])
        stored = dict(share.assessment.answers.values_list("dimension_key", "band"))
        assert {k: int(row[spec.dimensions[k].name]) for k in DIMENSION_KEYS} == stored
        assert row["Case status"] == share.get_status_display()
        assert row["Sector"].startswith(share.assessment.sector + " ")
    assert openpyxl.load_workbook(io.BytesIO(content)).active.freeze_panes == "A2"


def test_caseload_filters_and_sorting(hub, advisor):
    shared(hub, company_name="Small Foods", employees=8, sector="10")
    shared(hub, company_name="Medium Metals", employees=120, sector="25",
           bands=dict.fromkeys(DIMENSION_KEYS, 4))
    url = reverse("advisors:caseload")
    page = advisor.get(url, {"size": "micro"}).content.decode()
    assert "Small Foods" in page and "Medium Metals" not in page
    page = advisor.get(url, {"sector": "25"}).content.decode()
    assert "Medium Metals" in page and "Small Foods" not in page
    page = advisor.get(url, {"sort": "score", "dir": "desc"}).content.decode()
    assert page.index("Medium Metals") < page.index("Small Foods")
    page = advisor.get(url, {"q": "foods"}).content.decode()
    assert "Small Foods" in page and "Medium Metals" not in page
    # Unknown values are ignored, never an error.
    assert advisor.get(url, {"size": "huge", "sort": "x", "date_from": "nope",
                             "page": "999"}).status_code == 200


def test_caseload_query_count_does_not_grow_with_rows(hub, advisor):
    shared(hub, company_name="One")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert advisor.get(reverse("advisors:caseload")).status_code == 200
        return len(queries)

    few = count()
    for n in range(6):
        shared(hub, company_name=f"More {n}")
    assert count() == few


def test_analytics_counts_bands_and_programme_eligibility(hub, advisor):
    for band in (0, 2, 2, 5):
        shared(hub, bands={"vertical_integration": band})
    response = advisor.get(reverse("advisors:analytics"))
    page = response.content.decode()
    table = pd.read_html(io.StringIO(page), attrs={"id": "distribution-table"})[0]
    row = table[table["Dimension"] == "Vertical Integration"].iloc[0]
    assert [int(row[f"Band {b}"]) for b in range(6)] == [1, 0, 2, 0, 0, 1]
    xlsx = pd.read_excel(io.BytesIO(advisor.get(
        reverse("advisors:export_analytics", args=["xlsx"])).content), sheet_name=None)
    assert set(xlsx) == {"band distribution", "pillars by region", "pillars by sector",
                         "programme matches"}  # aggregates only, not the caseload again
    assert not any(column.startswith("Unnamed") for table in xlsx.values()
                   for column in table.columns)


def test_firm_sees_local_organisations_first_and_can_share(hub, framework):
    Organisation.objects.create(name="Ohio MEP", slug="ohio")
    assessment, token = make_submitted(company_name="Sharer Ltd")
    firm = Client()
    open_link(firm, token)
    page = firm.get(reverse("readiness:results", args=[assessment.public_id])).content.decode()
    assert page.index("North West Hub") < page.index("Ohio MEP")
    firm.post(reverse("sharing:share", args=[assessment.public_id, "nw-hub"]))
    assert Share.objects.filter(assessment=assessment, organisation=hub).exists()
    page = firm.get(reverse("readiness:results", args=[assessment.public_id])).content.decode()
    assert "Withdraw" in page


def test_a_draft_cannot_be_shared(hub, framework):
    from tests.factories import make_assessment

    draft, token = make_assessment()
    firm = Client()
    open_link(firm, token)
    firm.post(reverse("sharing:share", args=[draft.public_id, "nw-hub"]))
    assert not Share.objects.exists()


def test_demo_cohort_is_large_labelled_and_spans_six_countries(framework):
    from advisors.demo import load_demo_cohort
    from readiness.models import Assessment

    logins = load_demo_cohort(size=1000)
    cohort = Assessment.objects.filter(is_synthetic=True)
    assert cohort.values("firm").distinct().count() == 1000
    assert set(cohort.values_list("country", flat=True)) == {"GB", "US", "DE", "SG", "KR", "TW"}
    assert all("(synthetic)" in name for name in cohort.values_list("company_name", flat=True))
    # Re-assessments are spread over the past, not piled up on today's date.
    week_ago = timezone.now() - datetime.timedelta(days=6)
    assert not cohort.filter(submitted_at__gt=week_ago).exists()
    second_rounds = cohort.values("firm").annotate(n=Count("id")).filter(n=2).count()
    assert second_rounds > 100
    assert set(logins) == {"advisor.nw", "manager.demo"}
    client = Client()
    response = client.post(reverse("advisors:login"),
                           {"username": "advisor.nw", "password": logins["advisor.nw"]})
    assert response.status_code == 302 and response["Location"] == reverse("advisors:caseload")
    # The demo login's password works; the second factor is set up on first sign-in.
    assert reverse("advisors:two_factor") in client.get(reverse("advisors:caseload"))["Location"]
    sign_in(client, get_user_model().objects.get(username="advisor.nw"))
    caseload = client.get(reverse("advisors:caseload")).content.decode()
    assert "Synthetic demo data" in caseload


def test_exports_defuse_spreadsheet_formulas(hub, advisor):
    shared(hub, company_name='=HYPERLINK("http://evil.example","click")')
    csv = advisor.get(reverse("advisors:export_caseload", args=["csv"])).content.decode()
    frame = pd.read_csv(io.StringIO(csv))
    assert frame.loc[0, "firm"] == "'=HYPERLINK(\"http://evil.example\",\"click\")"


FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "30"))
junk = st.one_of(st.text(max_size=40), st.sampled_from(
    ["", "new", "closed", "0", "-1", "9" * 30, "2027-02-30", "x" * 6000, "\x00", "me", "none",
     "score", "asc", "GB", "North West", "25"]))


@settings(max_examples=FUZZ_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(note=st.dictionaries(st.sampled_from(["text", "audience"]), junk),
       action=st.dictionaries(st.sampled_from(["text", "owner", "due_date", "dimension_key"]), junk),
       case=st.dictionaries(st.sampled_from(["status", "assigned_advisor"]), junk),
       query=st.dictionaries(st.sampled_from(["q", "status", "country", "region", "sector", "size",
                                              "assigned", "sort", "dir", "date_from", "date_to",
                                              "page"]), junk))
def test_advisor_forms_and_filters_never_fail(hub, advisor, note, action, case, query):
    share = Share.objects.first() or shared(hub)[0]
    for name, data in (("add_note", note), ("add_action", action), ("update_case", case)):
        response = advisor.post(reverse(f"advisors:{name}", args=[share.pk]), data)
        assert response.status_code in (302, 400)
    for name in ("advisors:caseload", "advisors:analytics"):
        assert advisor.get(reverse(name), query).status_code == 200
