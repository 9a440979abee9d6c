"""Curation that keeps the database true (issue 12): the staff "needs checking" queue, and a status
change that re-matches the submitted firms in the background (the real django-tasks-db worker),
emails verified contacts only and flags the advisors' cases."""

from __future__ import annotations

import copy
import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from advisors import services as advisor_services
from advisors.models import Coverage, Membership, Organisation, Share
from programmes.models import Programme
from programmes.services import programmes_load
from tests.factories import make_submitted, sign_in
from tests.programmes.test_programme_validation import RECORD, fixture


def run_worker() -> None:
    call_command("db_worker", "--batch", "--queue-name", "default", "--no-startup-delay",
                 "--no-reload")


def programme(**changes) -> dict:
    record = copy.deepcopy(RECORD)
    record.update(changes)
    return record


# The queue ------------------------------------------------------------------------------------


def test_the_queue_holds_unknown_old_and_closing_soon_programmes_only(db):
    today = timezone.localdate()
    recent = (today - datetime.timedelta(days=30)).isoformat()
    old = (today - datetime.timedelta(days=400)).isoformat()
    soon = (today + datetime.timedelta(days=20)).isoformat()
    later = (today + datetime.timedelta(days=90)).isoformat()
    base = {"regional_status": [], "rounds": [], "tiers": [], "delivery": [],
            "status_checked_on": recent, "facts_as_of": recent, "predecessor": None}
    data = fixture(
        programme(slug="t-fresh", **base),
        programme(slug="t-unknown", **{**base, "status": "unknown", "status_checked_on": None}),
        programme(slug="t-old", **{**base, "status_checked_on": old}),
        programme(slug="t-closed-long-ago", **{**base, "status": "closed",
                                               "status_checked_on": old}),
        programme(slug="t-closing", **{**base, "closes_on": soon}),
        programme(slug="t-round", **{**base, "rounds": [
            {"name": "Spring", "opens_on": recent, "closes_on": soon}]}),
        programme(slug="t-round-later", **{**base, "rounds": [
            {"name": "Autumn", "opens_on": recent, "closes_on": later}]}),
    )
    assert programmes_load(data=data).ok
    queue = set(Programme.objects.needs_checking_on(today).values_list("slug", flat=True))
    assert queue == {"t-unknown", "t-old", "t-closing", "t-round"}


def test_staff_see_the_queue_with_the_reason_for_each(client, db):
    today = timezone.localdate()
    old = (today - datetime.timedelta(days=400)).isoformat()
    assert programmes_load(data=fixture(
        programme(slug="t-old", name="Old check", status_checked_on=old, facts_as_of=old,
                  regional_status=[], rounds=[]),
        programme(slug="t-fresh", name="Fresh check", rounds=[]),
    )).ok
    staff = get_user_model().objects.create_superuser("staff", "s@example.com", "pw-123456")
    sign_in(client, staff)
    page = client.get(reverse("admin:programmes_programme_changelist") + "?needs_checking=yes")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Old check" in html and "checked over a year ago" in html
    assert "Fresh check" not in html


# Re-matching after a change -------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_status_change_rematches_in_the_background_emails_verified_firms_and_flags_cases(
    framework,
):
    assert programmes_load(data=fixture(programme(regional_status=[], rounds=[]))).ok
    verified, _ = make_submitted(company_name="Verified Ltd", contact_email="v@example.org")
    unverified, _ = make_submitted(company_name="Unverified Ltd",
                                   contact_email="u@example.org")
    elsewhere, _ = make_submitted(company_name="Elsewhere Ltd", region="Wales",
                                  contact_email="w@example.org")
    for assessment in (verified, elsewhere):
        assessment.contact_email_verified_at = timezone.now()
        assessment.save(update_fields=["contact_email_verified_at"])
    hub = Organisation.objects.create(name="North West Hub", slug="nw-hub")
    Coverage.objects.create(organisation=hub, country="GB", region="North West")
    case = advisor_services.share_create(assessment=verified, organisation=hub)
    other_case = advisor_services.share_create(assessment=elsewhere, organisation=hub)
    mail.outbox.clear()

    # Staff record that the programme is suspended, as the admin would save it.
    changed = Programme.objects.get(slug="test-adoption")
    changed.status = "suspended"
    changed.status_checked_on = timezone.localdate()
    changed.save()
    rematch = DBTaskResult.objects.filter(task_path__endswith="rematch_after_programme_change")
    assert rematch.filter(status="READY").count() == 1  # queued, not yet run
    assert mail.outbox == []

    run_worker()

    result = rematch.get()
    assert result.status == "SUCCESSFUL", result.traceback
    assert result.return_value == {"checked": 3, "changed": 2, "emailed": 1, "cases_flagged": 1}
    # Only the verified firm whose matches changed is written to; Wales was never eligible.
    assert [m.to for m in mail.outbox] == [["v@example.org"]]
    body = mail.outbox[0].body
    assert "Test adoption programme" in body and "suspended" in body
    case.refresh_from_db()
    other_case.refresh_from_db()
    assert case.programmes_changed_at is not None
    assert "Test adoption programme" in case.programmes_changed_note
    assert other_case.programmes_changed_at is None

    # The flag is visible in the advisor's caseload.
    advisor = get_user_model().objects.create_user("ann", password="x-unused-x")
    Membership.objects.create(user=advisor, organisation=hub)
    browser = Client()
    sign_in(browser, advisor)
    caseload = browser.get(reverse("advisors:caseload")).content.decode()
    assert 'data-testid="programmes-changed"' in caseload
    assert caseload.count('data-testid="programmes-changed"') == 1


@pytest.mark.django_db(transaction=True)
def test_a_change_that_does_not_touch_the_rules_queues_nothing(framework):
    assert programmes_load(data=fixture(programme(regional_status=[], rounds=[]))).ok
    changed = Programme.objects.get(slug="test-adoption")
    changed.summary = "A clearer sentence about the same offer."
    changed.save()
    assert not DBTaskResult.objects.exists()
    assert not Share.objects.filter(programmes_changed_at__isnull=False).exists()


# How current the database is ------------------------------------------------------------------


def test_the_readme_states_the_oldest_check_computed_from_the_shipped_data(db):
    from pathlib import Path

    from programmes.selectors import programme_currency

    call_command("load_programmes", verbosity=0)
    currency = programme_currency()
    readme = " ".join((Path(__file__).resolve().parents[2] / "README.md")
                      .read_text("utf-8").split())
    assert currency.oldest_check is not None
    assert (f"the oldest `status_checked_on` in force is {currency.oldest_check.isoformat()}"
            in readme)
    assert f"{currency.programmes} programmes" in readme
    assert f"{currency.confirmed} statuses are confirmed" in readme
    assert f"the other {currency.unknown} are `unknown`" in readme


def test_the_currency_command_prints_the_same_figures(db, capsys):
    from programmes.selectors import programme_currency

    call_command("load_programmes", verbosity=0)
    capsys.readouterr()
    call_command("programme_currency")
    out = capsys.readouterr().out
    currency = programme_currency()
    assert f"Oldest status_checked_on in force: {currency.oldest_check.isoformat()} " \
           f"({currency.oldest_slug})." in out
