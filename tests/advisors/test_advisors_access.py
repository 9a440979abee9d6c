"""Every advisor-workspace page and download × every kind of visitor: no leak, no 500."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from advisors import services
from advisors.models import Coverage, Membership, Note, Organisation, Share
from tests.factories import make_submitted, open_link, sign_in

pytestmark = pytest.mark.django_db

ACTORS = ["anonymous", "holder_a", "holder_b", "advisor_same", "advisor_other", "staff"]


@pytest.fixture
def world(framework):
    nw = Organisation.objects.create(name="North West Hub", slug="nw-hub")
    Coverage.objects.create(organisation=nw, country="GB", region="North West")
    ohio = Organisation.objects.create(name="Ohio MEP", slug="ohio-mep")
    Coverage.objects.create(organisation=ohio, country="US", region="OH")
    firm_a, token_a = make_submitted(company_name="Alpha Castings")
    firm_b, token_b = make_submitted(company_name="Beta Plastics", country="US", region="OH")
    share_a = services.share_create(assessment=firm_a, organisation=nw)
    services.share_create(assessment=firm_b, organisation=ohio)
    users = get_user_model().objects
    advisor_same = users.create_user("nw.advisor", password="x-unused-x")
    Membership.objects.create(user=advisor_same, organisation=nw)
    advisor_other = users.create_user("ohio.advisor", password="x-unused-x")
    Membership.objects.create(user=advisor_other, organisation=ohio)
    staff = users.create_user("staff", password="x-unused-x", is_staff=True, is_superuser=True)
    clients = {name: Client() for name in ACTORS}
    open_link(clients["holder_a"], token_a)
    open_link(clients["holder_b"], token_b)
    sign_in(clients["advisor_same"], advisor_same)
    sign_in(clients["advisor_other"], advisor_other)
    sign_in(clients["staff"], staff)
    return {"clients": clients, "firm_a": firm_a, "firm_b": firm_b, "share_a": share_a,
            "nw": nw}


def advisor_pages(w):
    share = w["share_a"].pk
    return {
        "caseload": reverse("advisors:caseload"),
        "review": reverse("advisors:review", args=[share]),
        "progress": reverse("advisors:progress", args=[share]),
        "analytics": reverse("advisors:analytics"),
        "export_csv": reverse("advisors:export_caseload", args=["csv"]),
        "export_xlsx": reverse("advisors:export_caseload", args=["xlsx"]),
        "analytics_csv": reverse("advisors:export_analytics", args=["csv"]),
    }


# What each visitor gets on the pages about firm A's shared case.
EXPECTED_CASE = {
    "anonymous": 302, "holder_a": 302, "holder_b": 302,  # sent to sign in
    "advisor_same": 200,
    "advisor_other": 404,  # another organisation's case does not exist for them
    "staff": 403,  # staff curate data in the admin; the workspace is for members
}
EXPECTED_LIST = {"anonymous": 302, "holder_a": 302, "holder_b": 302, "advisor_same": 200,
                 "advisor_other": 200, "staff": 403}


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("page", ["review", "progress"])
def test_case_pages(world, actor, page):
    response = world["clients"][actor].get(advisor_pages(world)[page])
    assert response.status_code == EXPECTED_CASE[actor]
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("advisors:login"))
    if response.status_code in (403, 404):
        assert b"Alpha Castings" not in response.content
        assert b"<h1" in response.content  # a page that says what to do, not a bare error


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("page", ["caseload", "analytics", "export_csv", "export_xlsx",
                                  "analytics_csv"])
def test_lists_and_downloads_show_only_own_caseload(world, actor, page):
    response = world["clients"][actor].get(advisor_pages(world)[page])
    assert response.status_code == EXPECTED_LIST[actor]
    if response.status_code != 200:
        return
    body = response.content
    if page == "export_xlsx":
        import io

        import pandas as pd

        body = pd.read_excel(io.BytesIO(body)).to_csv().encode()
    if actor == "advisor_same":
        if page not in ("analytics", "analytics_csv"):  # those two are aggregates, not firms
            assert b"Alpha Castings" in body
        assert b"Beta Plastics" not in body
    else:
        assert b"Alpha Castings" not in body
        if page not in ("analytics", "analytics_csv"):
            assert b"Beta Plastics" in body


@pytest.mark.parametrize("actor", ACTORS)
def test_writes_to_a_case_need_the_sharing_organisation(world, actor):
    share = world["share_a"]
    client = world["clients"][actor]
    response = client.post(reverse("advisors:add_note", args=[share.pk]),
                           {"text": "Hello", "audience": "firm"})
    created = Note.objects.filter(share=share, text="Hello").exists()
    if actor == "advisor_same":
        assert response.status_code == 302 and created
    else:
        assert response.status_code in (302, 403, 404) and not created
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("advisors:login"))


@pytest.mark.parametrize("actor", ACTORS)
def test_firm_results_page_is_for_its_link_holder_only(world, actor):
    url = reverse("readiness:results", kwargs={"public_id": world["firm_a"].public_id})
    response = world["clients"][actor].get(url)
    assert response.status_code == (200 if actor == "holder_a" else 403)


@pytest.mark.parametrize("actor", ACTORS)
def test_only_the_link_holder_can_share_or_withdraw(world, actor):
    firm_a = world["firm_a"]
    ohio = Organisation.objects.get(slug="ohio-mep")
    client = world["clients"][actor]
    client.post(reverse("sharing:share", args=[firm_a.public_id, ohio.slug]))
    shared = Share.objects.filter(assessment=firm_a, organisation=ohio,
                                  withdrawn_at__isnull=True).exists()
    assert shared == (actor == "holder_a")
    client.post(reverse("sharing:withdraw", args=[firm_a.public_id, "nw-hub"]))
    still_shared = Share.objects.filter(assessment=firm_a, organisation=world["nw"],
                                        withdrawn_at__isnull=True).exists()
    assert still_shared == (actor != "holder_a")


def test_withdrawn_share_disappears_from_the_caseload(world):
    client = world["clients"]["advisor_same"]
    review = reverse("advisors:review", args=[world["share_a"].pk])
    assert client.get(review).status_code == 200
    world["clients"]["holder_a"].post(
        reverse("sharing:withdraw", args=[world["firm_a"].public_id, "nw-hub"]))
    assert client.get(review).status_code == 404
    assert b"Alpha Castings" not in client.get(reverse("advisors:caseload")).content
