"""One case per firm (issue 14, D7, D14): a re-assessment shared again joins the firm's case; the
caseload shows one row per firm with its trend, the next action due and overdue flags, and a
status funnel."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from advisors import services
from advisors.models import Action, Membership, Organisation, Share
from readiness import services as readiness_services
from tests.factories import DIMENSION_KEYS, element_text, make_submitted, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def hub(framework):
    return Organisation.objects.create(name="North West Hub", slug="nw-hub")


@pytest.fixture
def advisor(hub):
    user = get_user_model().objects.create_user("ann")
    Membership.objects.create(user=user, organisation=hub)
    client = sign_in(Client(), user)
    client.user = user
    return client


def reassess(first, band: int):
    profile = {field: getattr(first, field) for field in readiness_services.PROFILE_FIELDS}
    second, _ = readiness_services.assessment_start(profile=profile, previous=first)
    readiness_services.answers_save(assessment=second,
                                    answers=dict.fromkeys(DIMENSION_KEYS, (band, "")))
    readiness_services.assessment_submit(assessment=second)
    second.refresh_from_db()
    return second


def caseload_rows(client: Client, **query) -> list[str]:
    html = client.get(reverse("advisors:caseload"), query).content.decode()
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return body.split("<tr>")[1:]


def test_a_reassessment_shared_again_joins_the_firms_case(hub, advisor):
    first, _ = make_submitted(company_name="Pennine Metals")
    first_share = services.share_create(assessment=first, organisation=hub)
    services.share_update(share=first_share, status="in_review", assigned_advisor=advisor.user)
    services.note_add(share=first_share, author=None, text="First visit went well.",
                      audience="internal")
    action = services.action_add(share=first_share, author=None, text="Map the order flow",
                                 owner="MD", due_date=None)
    make_submitted(company_name="Mersey Foods")  # another firm, not shared

    second = reassess(first, band=3)
    second_share = services.share_create(assessment=second, organisation=hub)
    # The new share keeps the case's status and advisor.
    assert second_share.status == "in_review" and second_share.assigned_advisor == advisor.user

    rows = caseload_rows(advisor)
    assert len(rows) == 1 and "Pennine Metals" in rows[0]
    assert "up from 2.0 · 2 assessments" in rows[0]
    assert "1 firm (one case per firm" in advisor.get(reverse("advisors:caseload")).content.decode()

    # The latest assessment's review carries the case's earlier notes and actions ...
    review = advisor.get(reverse("advisors:review", args=[second_share.pk])).content.decode()
    assert "First visit went well." in review and "Map the order flow" in review
    # ... which can be worked from there.
    response = advisor.post(reverse("advisors:toggle_action", args=[second_share.pk, action.pk]))
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.done


def test_overdue_actions_are_flagged_and_can_be_filtered(hub, advisor):
    late, _ = make_submitted(company_name="Late Ltd")
    on_time, _ = make_submitted(company_name="On Time Ltd")
    late_share = services.share_create(assessment=late, organisation=hub)
    on_time_share = services.share_create(assessment=on_time, organisation=hub)
    today = timezone.localdate()
    services.action_add(share=late_share, author=None, text="Send the quote", owner="MD",
                        due_date=today - datetime.timedelta(days=3))
    services.action_add(share=on_time_share, author=None, text="Book the visit", owner="MD",
                        due_date=today + datetime.timedelta(days=10))
    done = services.action_add(share=on_time_share, author=None, text="Old task", owner="MD",
                               due_date=today - datetime.timedelta(days=30))
    services.action_set_done(action=done, done=True)

    rows = {("Late Ltd" if "Late Ltd" in row else "On Time Ltd"): row
            for row in caseload_rows(advisor)}
    assert "overdue" in rows["Late Ltd"]
    assert "overdue" not in rows["On Time Ltd"]
    assert (today + datetime.timedelta(days=10)).strftime("%d %b %Y") in rows["On Time Ltd"]

    overdue_only = caseload_rows(advisor, due="overdue")
    assert len(overdue_only) == 1 and "Late Ltd" in overdue_only[0]
    assert Action.objects.filter(done=False).count() == 2


def test_the_funnel_counts_cases_by_status_for_this_organisation_only(hub, advisor):
    for name, status in (("A Ltd", "new"), ("B Ltd", "in_review"), ("C Ltd", "in_review")):
        assessment, _ = make_submitted(company_name=name)
        share = services.share_create(assessment=assessment, organisation=hub)
        services.share_update(share=share, status=status, assigned_advisor=None)
    elsewhere = Organisation.objects.create(name="Elsewhere", slug="elsewhere")
    other, _ = make_submitted(company_name="D Ltd")
    services.share_create(assessment=other, organisation=elsewhere)

    html = advisor.get(reverse("advisors:caseload")).content.decode()
    funnel = element_text(html, "case-funnel")
    assert "New 1" in funnel and "In review 2" in funnel and "Closed 0" in funnel
    assert Share.objects.count() == 4
