"""Onboarding (issue 14): a programme manager invites advisors by a single-use, expiring link,
re-sends it, and removes members; nobody else runs an organisation's members."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from advisors import services
from advisors.models import Membership, Organisation
from tests.factories import set_up_second_factor_in_browser, sign_in

PASSWORD = "a long and private passphrase"


def make_member(organisation: Organisation, username: str, role: str = "advisor") -> Client:
    user = get_user_model().objects.create_user(username, email=f"{username}@hub.example",
                                                password="x-unused-x", first_name=username.title())
    Membership.objects.create(user=user, organisation=organisation, role=role)
    client = Client()
    sign_in(client, user)
    client.user = user
    return client


@pytest.fixture
def hub(db):
    return Organisation.objects.create(name="North West Hub", slug="nw-hub")


@pytest.fixture
def manager(hub):
    return make_member(hub, "mona", role="manager")


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Invitations are mailed once the transaction commits: run those callbacks as it would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def invite(manager: Client, on_commit, email: str = "Raj@Hub.example", role: str = "advisor"):
    with on_commit():
        return manager.post(reverse("advisors:members"), {"email": email, "first_name": "Raj",
                                                          "last_name": "Patel", "role": role})


def invitation_path(message) -> str:
    match = re.search(r"https?://[^/\s]+(/advisor/password-reset/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


@pytest.mark.django_db
def test_an_invited_advisor_sets_a_password_once_and_signs_in(manager, hub, on_commit):
    response = invite(manager, on_commit)
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="raj@hub.example")
    assert membership.organisation == hub and membership.role == "advisor"
    assert not membership.user.has_usable_password()
    (message,) = mail.outbox
    assert message.to == ["raj@hub.example"] and "North West Hub" in message.subject
    link = invitation_path(message)

    invitee = Client()
    form = invitee.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    set_password_url = form.redirect_chain[-1][0]
    done = invitee.post(set_password_url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert done.status_code == 302

    signed_in = Client()
    response = signed_in.post(reverse("advisors:login"),
                              {"username": "raj@hub.example", "password": PASSWORD})
    assert response.status_code == 302
    # The password alone leads to the second factor's set-up, not to firms' data.
    caseload = signed_in.get(reverse("advisors:caseload"))
    assert caseload.status_code == 302 and "/advisor/two-factor/" in caseload["Location"]

    # The link worked once: a second use is refused.
    again = Client().get(link, follow=True)
    assert "expired or was already used" in again.content.decode()


@pytest.mark.django_db
def test_the_members_page_lists_members_and_the_invitation_can_be_sent_again(manager, on_commit):
    invite(manager, on_commit)
    page = manager.get(reverse("advisors:members")).content.decode()
    assert "raj@hub.example" in page and "Invited, not yet activated" in page
    membership = Membership.objects.get(user__email="raj@hub.example")
    with on_commit():
        response = manager.post(reverse("advisors:member_resend", args=[membership.pk]),
                                follow=True)
    assert "Invitation sent again to raj@hub.example." in response.content.decode()
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_an_existing_account_is_refused_with_the_input_kept(manager, on_commit):
    invite(manager, on_commit)
    response = invite(manager, on_commit, email="RAJ@hub.example")
    assert response.status_code == 400
    body = response.content.decode()
    assert "already has an account" in body and 'value="RAJ@hub.example"' in body
    assert get_user_model().objects.filter(email="raj@hub.example").count() == 1


@pytest.mark.django_db
def test_only_managers_run_members_and_only_their_own(hub, manager, on_commit):
    advisor = make_member(hub, "ann")
    assert advisor.get(reverse("advisors:members")).status_code == 403
    assert invite(advisor, on_commit).status_code == 403
    assert not Membership.objects.filter(user__email="raj@hub.example").exists()

    elsewhere = Organisation.objects.create(name="Elsewhere", slug="elsewhere")
    stranger = make_member(elsewhere, "sam")
    response = manager.post(reverse("advisors:member_remove",
                                    args=[stranger.user.membership.pk]))
    assert response.status_code == 404
    assert Membership.objects.filter(user=stranger.user).exists()
    assert "sam@hub.example" not in manager.get(reverse("advisors:members")).content.decode()
    assert Client().get(reverse("advisors:members")).status_code == 302  # to sign in


@pytest.mark.django_db
def test_a_removed_member_can_no_longer_sign_in_and_their_cases_are_unassigned(hub, manager,
                                                                               framework):
    from tests.factories import make_submitted

    advisor = make_member(hub, "ann")
    assessment, _ = make_submitted()
    share = services.share_create(assessment=assessment, organisation=hub)
    services.share_update(share=share, status="in_review", assigned_advisor=advisor.user)

    response = manager.post(reverse("advisors:member_remove",
                                    args=[advisor.user.membership.pk]), follow=True)
    assert "no longer belongs to your organisation" in response.content.decode()
    share.refresh_from_db()
    assert share.assigned_advisor is None
    assert advisor.get(reverse("advisors:caseload")).status_code in (302, 403)
    login = Client().post(reverse("advisors:login"),
                          {"username": "ann", "password": "x-unused-x"})
    assert login.status_code != 302

    # A manager cannot remove themself (the organisation would lose its last way in).
    response = manager.post(reverse("advisors:member_remove",
                                    args=[manager.user.membership.pk]), follow=True)
    assert "You cannot remove yourself." in response.content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_manager_invites_an_advisor_who_activates_the_account(page, chromium, live_server, framework,
                                                                artifacts_dir):
    import datetime

    from django.utils import timezone

    from programmes.models import Programme
    from tests.factories import make_submitted

    hub = Organisation.objects.create(name="North West Hub", slug="nw-hub")
    Programme.objects.create(slug="grant", name="Adoption Grant", country="GB",
                             summary="A grant.", source_title="Test",
                             facts_as_of=datetime.date(2026, 11, 30))
    firm, _ = make_submitted(company_name="Pennine Metals")
    services.share_create(assessment=firm, organisation=hub)
    assert firm.submitted_at.date() == timezone.localdate()
    mona = get_user_model().objects.create_user("mona", password=PASSWORD, first_name="Mona")
    Membership.objects.create(user=mona, organisation=hub, role="manager")

    page.goto("/advisor/login/")
    page.get_by_label("Username").fill("mona")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    set_up_second_factor_in_browser(page, mona)
    page.get_by_role("link", name="Members").click()
    page.get_by_label("Email address").fill("raj@hub.example")
    page.get_by_label("First name").fill("Raj")
    page.get_by_label("Last name").fill("Patel")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Invitation sent to raj@hub.example.")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("raj@hub.example"))).to_contain_text(
        "Invited, not yet activated")
    page.screenshot(path=str(artifacts_dir / "advisor-members.png"), full_page=True)

    context = chromium.new_context(base_url=live_server.url)
    invitee = context.new_page()
    invitee.goto(invitation_path(mail.outbox[-1]))
    invitee.locator("#id_new_password1").fill(PASSWORD)
    invitee.get_by_label("New password confirmation").fill(PASSWORD)
    invitee.get_by_role("button", name="Save the new password").click()
    invitee.goto("/advisor/login/")
    invitee.get_by_label("Username").fill("raj@hub.example")
    invitee.get_by_label("Password").fill(PASSWORD)
    invitee.get_by_role("button", name="Sign in").click()
    set_up_second_factor_in_browser(invitee, get_user_model().objects.get(username="raj@hub.example"))
    expect(invitee.get_by_role("heading", level=1)).to_contain_text("Caseload of North West Hub")

    # The new advisor refers the shared firm, records the award, and sees it in the KPIs.
    invitee.get_by_role("link", name="Pennine Metals").click()
    invitee.locator("#referrals").get_by_label("Programme").select_option(
        label="Adoption Grant (GB)")
    invitee.get_by_role("button", name="Refer the firm").click()
    card = invitee.locator("#referrals .referral")
    card.get_by_text("Record progress").click()
    card.get_by_role("combobox", name="Status").select_option("awarded")
    card.get_by_label("Grant awarded").fill("20000")
    card.get_by_label("The firm's own investment").fill("25000")
    card.get_by_label("Currency").fill("GBP")
    card.get_by_role("button", name="Save").click()
    expect(card.locator(".referral-status")).to_contain_text("Awarded")
    invitee.get_by_role("link", name="KPIs").click()
    expect(invitee.locator("#kpi-summary")).to_contain_text("Firms served")
    expect(invitee.get_by_role("region", name="Investment")).to_contain_text("45,000")
    invitee.screenshot(path=str(artifacts_dir / "advisor-kpis.png"), full_page=True)
    invitee.get_by_role("link", name="Impact").click()
    expect(invitee.locator("#impact-table")).to_contain_text("All supported firms")
    context.close()
