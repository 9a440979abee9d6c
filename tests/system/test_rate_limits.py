"""Rate limits on sign-in, password reset, the API and PDF downloads (429, never a 500)."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import make_submitted, open_link

pytestmark = pytest.mark.django_db


@pytest.fixture
def tight(settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "login": "3/h", "password_reset": "2/h",
                           "api": "3/h", "pdf": "2/h"}


def test_login_attempts_are_limited_per_address_whatever_the_username(tight):
    client = Client()
    statuses = [client.post(reverse("advisors:login"),
                            {"username": f"user{n}", "password": "x"}).status_code
                for n in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert client.get(reverse("advisors:login")).status_code == 200  # reading the form is free


def test_password_reset_requests_are_limited(tight):
    client = Client()
    statuses = [client.post(reverse("advisors:password_reset"),
                            {"email": f"a{n}@x.example"}).status_code for n in range(3)]
    assert statuses == [302, 302, 429]


def test_api_answers_429_as_json_with_retry_after(tight, framework):
    client = Client()
    body = json.dumps({"company": {"country": "GB"}, "answers": {}})
    responses = [client.post("/api/v1/evaluate", body, content_type="application/json")
                 for _ in range(4)]
    assert [r.status_code for r in responses] == [400, 400, 400, 429]
    assert "rate" in responses[-1].json()["errors"]
    assert int(responses[-1]["Retry-After"]) == 3600


def test_pdf_downloads_are_limited(tight, framework, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assessment, token = make_submitted()
    client = Client()
    open_link(client, token)
    url = reverse("readiness:report", args=[assessment.public_id])
    statuses = [client.get(url).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
