"""A second factor for advisors and staff (issue 14): TOTP from an authenticator app, with
recovery codes; a password alone never reaches firms' data or the admin."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from advisors.models import Membership, Organisation
from tests.factories import authenticator_code, sign_in

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"
TWO_FACTOR = reverse("advisors:two_factor")


@pytest.fixture
def ann(db):
    user = get_user_model().objects.create_user("ann", password=PASSWORD)
    Membership.objects.create(user=user, organisation=Organisation.objects.create(
        name="North West Hub", slug="nw-hub"))
    return user


def password_only(username: str = "ann") -> Client:
    client = Client()
    response = client.post(reverse("advisors:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def set_up(client: Client, user) -> list[str]:
    client.get(TWO_FACTOR)
    response = client.post(TWO_FACTOR, {"code": authenticator_code(user),
                                        "next": reverse("advisors:caseload")})
    assert response.status_code == 200
    return re.findall(r"<li>([a-z0-9]+)</li>", response.content.decode())


def test_a_password_alone_leads_to_the_second_factor_not_to_firms_data(ann):
    client = password_only()
    response = client.get(reverse("advisors:caseload"))
    assert response.status_code == 302
    assert response["Location"].startswith(TWO_FACTOR) and "next=%2Fadvisor%2F" in response["Location"]


def test_first_sign_in_sets_up_the_app_and_gives_ten_recovery_codes(ann, settings):
    # After a wrong code django-otp makes the next try wait (1 s, doubling); not under test here.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    client = password_only()
    page = client.get(TWO_FACTOR).content.decode()
    assert "Set up your second factor" in page and "<svg" in page
    secret = re.search(r'<code class="user-select-all">([A-Z2-7=]+)</code>', page).group(1)
    assert client.get(TWO_FACTOR).content.decode().count(secret) == 1  # same device on reload
    assert TOTPDevice.objects.filter(user=ann).count() == 1

    wrong = client.post(TWO_FACTOR, {"code": "000000"})
    assert wrong.status_code == 400 and "That code is not right" in wrong.content.decode()
    assert client.get(reverse("advisors:caseload")).status_code == 302

    codes = set_up(client, ann)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert TOTPDevice.objects.get(user=ann).confirmed
    assert client.get(reverse("advisors:caseload")).status_code == 200


def test_later_sign_ins_ask_for_the_code_and_accept_a_recovery_code_once(ann, settings):
    settings.OTP_STATIC_THROTTLE_FACTOR = settings.OTP_TOTP_THROTTLE_FACTOR = 0
    codes = set_up(password_only(), ann)

    client = password_only()
    page = client.get(TWO_FACTOR)
    assert "Your code" in page.content.decode()
    assert client.post(TWO_FACTOR, {"code": "123456"}).status_code == 400
    response = client.post(TWO_FACTOR, {"code": codes[0], "next": reverse("advisors:analytics")})
    assert response.status_code == 302 and response["Location"] == reverse("advisors:analytics")
    assert client.get(reverse("advisors:caseload")).status_code == 200
    assert not StaticToken.objects.filter(token=codes[0]).exists()

    again = password_only()
    assert again.post(TWO_FACTOR, {"code": codes[0]}).status_code == 400


def test_the_code_page_never_redirects_off_site(ann):
    codes = set_up(password_only(), ann)
    client = password_only()
    # The app's current code was spent by the set-up (each is accepted once): a recovery code.
    response = client.post(TWO_FACTOR, {"code": codes[1], "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == reverse("advisors:caseload")


def test_staff_need_the_second_factor_for_the_admin(db):
    staff = get_user_model().objects.create_superuser("root", "root@example.com", PASSWORD)
    client = password_only("root")
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    login = client.get(response["Location"])
    assert login.status_code == 302 and login["Location"].startswith(TWO_FACTOR)

    sign_in(client, staff)
    assert client.get(reverse("admin:index")).status_code == 200
