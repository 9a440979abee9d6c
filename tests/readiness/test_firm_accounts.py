"""Optional firm accounts: all of a firm's assessments in one place, and nobody else's."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from readiness import services
from readiness.models import Assessment, FirmAccount
from tests.factories import link_in, make_submitted, open_link, url

pytestmark = pytest.mark.django_db

PASSWORD = "a sturdy passphrase 42"


def create_account(client, assessment, email="owner@alpha.example"):
    """The whole proof of control: the firm's contact address is confirmed, the holder asks
    for the account link, and the link emailed to that address is opened to set a password."""
    Assessment.objects.filter(pk=assessment.pk).update(contact_email=email,
                                                       contact_email_verified_at=None)
    assessment.refresh_from_db()
    services.contact_email_confirm(assessment=assessment)
    client.post(reverse("readiness:account_keep", args=[assessment.public_id]))
    link = link_in(mail.outbox[-1].body, "/account/confirm/")
    return client.post(link, {"password1": PASSWORD, "password2": PASSWORD})


def test_an_account_opens_the_firms_assessments_without_the_link(framework):
    assessment, token = make_submitted(company_name="Alpha Ltd")
    holder = Client()
    open_link(holder, token)
    results = holder.get(url("results", assessment)).content.decode()
    assert reverse("readiness:account_keep", args=[assessment.public_id]) in results
    response = create_account(holder, assessment)
    assert response.status_code == 302 and response["Location"] == reverse("readiness:account")
    assert "Alpha Ltd" in holder.get(reverse("readiness:account")).content.decode()

    elsewhere = Client()  # another browser: no link in its session
    assert elsewhere.get(url("results", assessment)).status_code == 403
    signed_in = elsewhere.post(reverse("readiness:account_login"),
                               {"username": "owner@alpha.example", "password": PASSWORD})
    assert signed_in.status_code == 302
    assert elsewhere.get(url("results", assessment)).status_code == 200
    # A re-assessment from the account belongs to the same firm and is listed at once.
    elsewhere.post(url("reassess", assessment))
    listed = elsewhere.get(reverse("readiness:account")).content.decode()
    assert listed.count("Alpha Ltd") == 2 and "Continue" in listed
    # The private link still works as before.
    assert holder.get(url("results", assessment)).status_code == 200


def test_an_account_sees_only_its_own_firms(framework):
    alpha, alpha_token = make_submitted(company_name="Alpha Ltd")
    beta, beta_token = make_submitted(company_name="Beta Ltd")
    client = Client()
    open_link(client, alpha_token)
    create_account(client, alpha)
    other = Client()
    other.post(reverse("readiness:account_login"),
               {"username": "owner@alpha.example", "password": PASSWORD})
    assert other.get(url("results", beta)).status_code == 403
    assert "Beta Ltd" not in other.get(reverse("readiness:account")).content.decode()
    # A firm account is not an advisor: the workspace stays closed (since the second factor,
    # a password-only session is first sent to the two-factor page, which it cannot pass).
    closed = other.get(reverse("advisors:caseload"))
    assert closed.status_code == 403 or (
        closed.status_code == 302
        and closed["Location"].startswith(reverse("advisors:two_factor")))


def test_a_signed_in_account_adds_another_firm(framework):
    alpha, alpha_token = make_submitted(company_name="Alpha Ltd")
    beta, beta_token = make_submitted(company_name="Beta Ltd", contact_email="owner@alpha.example")
    services.contact_email_confirm(assessment=beta)
    client = Client()
    open_link(client, alpha_token)
    create_account(client, alpha)
    open_link(client, beta_token)
    page = client.get(reverse("readiness:account_keep", args=[beta.public_id])).content.decode()
    assert "add the firm to the account you are signed in to" in page
    client.post(reverse("readiness:account_keep", args=[beta.public_id]))
    link = link_in(mail.outbox[-1].body, "/account/confirm/")
    assert "Add to my account" in client.get(link).content.decode()
    client.post(link)
    assert FirmAccount.objects.filter(user__username="owner@alpha.example").count() == 2


@pytest.mark.parametrize(("data", "message"), [
    ({"password1": PASSWORD, "password2": PASSWORD + "!"}, "The two passwords differ."),
    ({"password1": "short", "password2": "short"}, "too short"),
    ({"password1": "owner@x.example", "password2": "owner@x.example"}, "too similar"),
])
def test_bad_account_input_says_why_and_shows_the_address(framework, data, message):
    assessment, token = make_submitted(contact_email="owner@x.example")
    services.contact_email_confirm(assessment=assessment)
    client = Client()
    open_link(client, token)
    client.post(reverse("readiness:account_keep", args=[assessment.public_id]))
    link = link_in(mail.outbox[-1].body, "/account/confirm/")
    response = client.post(link, data)
    body = response.content.decode()
    assert response.status_code == 400
    assert message in body and "owner@x.example" in body
    assert not FirmAccount.objects.exists()


def test_only_the_link_holder_can_ask_for_the_account(framework):
    assessment, _ = make_submitted(contact_email="owner@x.example")
    services.contact_email_confirm(assessment=assessment)
    response = Client().post(reverse("readiness:account_keep", args=[assessment.public_id]))
    assert response.status_code == 403
    assert mail.outbox == [] and not FirmAccount.objects.exists()


def test_the_data_export_names_the_accounts(framework):
    import json

    assessment, token = make_submitted(company_name="Alpha Ltd")
    client = Client()
    open_link(client, token)
    create_account(client, assessment)
    data = json.loads(client.get(url("data_export", assessment)).content)
    assert [a["email"] for a in data["accounts"]] == ["owner@alpha.example"]
