"""Security review F12, F15, F16, F19: logins throttled everywhere, no-store on personal pages,
NUL-safe lookups, the proxy's client address, a Permissions-Policy header, HEAD answered."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory
from django.urls import reverse

from advisors.models import Membership, Organisation
from config.ratelimit import request_address
from tests.factories import make_submitted, open_link, sign_in, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def tight(settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "login": "3/h", "login_account": "4/h"}


@pytest.fixture
def advisor_client(framework):
    user = get_user_model().objects.create_user("ann", password="pw-ann-long-1")
    Membership.objects.create(user=user, organisation=Organisation.objects.create(
        name="Hub", slug="hub"))
    client = Client()
    return sign_in(client, user)


# F12 ---------------------------------------------------------------------------------------------

def test_f12_admin_login_is_rate_limited(tight):
    client = Client()
    statuses = [client.post("/admin/login/", {"username": f"staff{n}", "password": "x"})
                .status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert client.get("/admin/login/").status_code == 200  # reading the form is free


def test_f12_one_account_is_throttled_across_many_addresses(tight):
    statuses = []
    for n in range(6):
        # A new address each time: the per-address limit (3/h) never trips.
        client = Client(REMOTE_ADDR=f"198.51.100.{n + 1}")
        statuses.append(client.post(reverse("advisors:login"),
                                    {"username": "Ann", "password": f"guess{n}"}).status_code)
    assert statuses == [200, 200, 200, 200, 429, 429]
    # Another account from a fresh address is not affected.
    other = Client(REMOTE_ADDR="198.51.100.99")
    assert other.post(reverse("advisors:login"),
                      {"username": "bob", "password": "x"}).status_code == 200


def test_f12_firm_account_login_is_throttled_per_account(tight):
    statuses = [Client(REMOTE_ADDR=f"203.0.113.{n + 1}").post(
        reverse("readiness:account_login"), {"username": "f@example.com", "password": "x"}
    ).status_code for n in range(5)]
    assert statuses[-1] == 429


def test_f12_axes_locks_the_address_the_proxy_reports(settings):
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_FORWARDED_FOR"
    from axes.helpers import get_client_ip_address

    request = RequestFactory().post("/advisor/login/", REMOTE_ADDR="10.0.0.2",
                                    HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7")
    assert get_client_ip_address(request) == "203.0.113.7"


# F15 ---------------------------------------------------------------------------------------------

def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_f15_firm_pages_are_not_stored(framework):
    assessment, token = make_submitted(company_name="Cache Free Ltd")
    client = Client()
    open_link(client, token)
    for name in ("results", "review", "profile"):
        response = client.get(url(name, assessment))
        assert response.status_code in (200, 302), name
        assert no_store(response), name


@pytest.mark.parametrize("path", ["/advisor/", "/advisor/analytics/",
                                  "/advisor/export/caseload.csv",
                                  "/advisor/export/caseload.xlsx"])
def test_f15_advisor_pages_and_exports_are_not_stored(advisor_client, path):
    response = advisor_client.get(path)
    assert response.status_code == 200
    assert no_store(response)


def test_f15_pdf_keeps_its_own_cache_control(framework, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assessment, token = make_submitted(company_name="Own Header Ltd")
    client = Client()
    open_link(client, token)
    response = client.get(url("report", assessment))
    if response.status_code == 200:
        assert response["Cache-Control"] == "private, no-store"
    else:  # queued for the task worker: the progress page is personal too
        assert no_store(response)


# F16 ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/api/v1/programmes/%00", "/api/v1/programmes/us-mep%00",
                                  "/programmes/%00/", "/resume/%00abc/"])
def test_f16_nul_in_a_looked_up_path_is_404_not_500(framework, path):
    response = Client(raise_request_exception=False).get(path)
    assert response.status_code == 404


# F19 ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("header", "proxies", "expected"), [
    ("1.1.1.1, 203.0.113.7", 1, "203.0.113.7"),       # the client's claim is ignored
    ("203.0.113.7", 1, "203.0.113.7"),
    ("1.1.1.1, 203.0.113.7, 10.0.0.5", 2, "203.0.113.7"),
    ("203.0.113.7", 2, "203.0.113.7"),                # fewer entries than proxies
])
def test_f19_rightmost_trusted_proxy_address(settings, header, proxies, expected):
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_FORWARDED_FOR"
    settings.RATELIMIT_TRUSTED_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=header)
    assert request_address(request) == expected


def test_f19_spoofed_forwarded_for_does_not_reset_the_login_limit(settings):
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_FORWARDED_FOR"
    settings.RATELIMITS = {**settings.RATELIMITS, "login": "3/h"}
    statuses = [Client(HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, 203.0.113.7").post(
        reverse("advisors:login"), {"username": f"u{n}", "password": "x"}).status_code
        for n in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_f19_permissions_policy_header(framework):
    response = Client().get("/")
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy


@pytest.mark.parametrize("path", ["/", "/programmes/", "/healthz", "/api/v1/programmes"])
def test_f19_head_is_answered_like_get_without_a_body(framework, path):
    get = Client().get(path)
    head = Client().head(path)
    assert get.status_code == 200
    assert head.status_code == 200
    assert head.content == b""
    assert head["Content-Type"] == get["Content-Type"]


def test_f19_head_on_a_private_page_is_still_refused_without_the_link(framework):
    assessment, _ = make_submitted(company_name="Private Head Ltd")
    assert Client().head(url("results", assessment)).status_code in (403, 404)


# security.txt ------------------------------------------------------------------------------------

def test_security_txt_follows_rfc_9116(settings):
    settings.SECURITY_CONTACTS = ["mailto:security@example.org"]
    settings.SITE_URL = "https://compass.example.org"
    response = Client().get("/.well-known/security.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    fields = dict(line.split(": ", 1) for line in response.content.decode().splitlines())
    assert fields["Contact"] == "mailto:security@example.org"
    assert fields["Canonical"] == "https://compass.example.org/.well-known/security.txt"
    import datetime

    expires = datetime.datetime.strptime(fields["Expires"], "%Y-%m-%dT%H:%M:%S%z")
    ahead = expires - datetime.datetime.now(datetime.UTC)
    assert datetime.timedelta(days=1) < ahead < datetime.timedelta(days=365)


def test_security_txt_is_not_served_without_a_contact(settings):
    settings.SECURITY_CONTACTS = []
    assert Client().get("/.well-known/security.txt").status_code == 404
