"""Optional firm accounts: all of a firm's assessments in one place, and nobody else's."""

import pytest
from django.test import Client
from django.urls import reverse

from readiness.models import FirmAccount
from tests.factories import make_submitted, open_link, url

pytestmark = pytest.mark.django_db

PASSWORD = "a sturdy passphrase 42"


def create_account(client, assessment, email="owner@alpha.example"):
    return client.post(reverse("readiness:account_keep", args=[assessment.public_id]),
                       {"email": email, "password1": PASSWORD, "password2": PASSWORD})


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
    # A firm account is not an advisor: the workspace stays closed.
    assert other.get(reverse("advisors:caseload")).status_code == 403


def test_a_signed_in_account_adds_another_firm(framework):
    alpha, alpha_token = make_submitted(company_name="Alpha Ltd")
    beta, beta_token = make_submitted(company_name="Beta Ltd")
    client = Client()
    open_link(client, alpha_token)
    create_account(client, alpha)
    open_link(client, beta_token)
    page = client.get(reverse("readiness:account_keep", args=[beta.public_id])).content.decode()
    assert "Add to my account" in page
    client.post(reverse("readiness:account_keep", args=[beta.public_id]))
    assert FirmAccount.objects.filter(user__username="owner@alpha.example").count() == 2


@pytest.mark.parametrize(("data", "message"), [
    ({"email": "taken@x.example", "password1": PASSWORD, "password2": PASSWORD},
     "exists already"),
    ({"email": "new@x.example", "password1": PASSWORD, "password2": PASSWORD + "!"},
     "The two passwords differ."),
    ({"email": "new@x.example", "password1": "short", "password2": "short"}, "too short"),
    ({"email": "not an email", "password1": PASSWORD, "password2": PASSWORD},
     "Enter a valid email address."),
])
def test_bad_account_input_says_why_and_keeps_the_email(framework, data, message):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("taken@x.example")
    assessment, token = make_submitted()
    client = Client()
    open_link(client, token)
    response = client.post(reverse("readiness:account_keep", args=[assessment.public_id]), data)
    body = response.content.decode()
    assert response.status_code == 400
    assert message in body and f'value="{data["email"]}"' in body
    assert not FirmAccount.objects.exists()


def test_only_the_link_holder_can_create_the_account(framework):
    assessment, _ = make_submitted()
    response = create_account(Client(), assessment)
    assert response.status_code == 403
    assert not FirmAccount.objects.exists()


def test_the_data_export_names_the_accounts(framework):
    import json

    assessment, token = make_submitted(company_name="Alpha Ltd")
    client = Client()
    open_link(client, token)
    create_account(client, assessment)
    data = json.loads(client.get(url("data_export", assessment)).content)
    assert [a["email"] for a in data["accounts"]] == ["owner@alpha.example"]
