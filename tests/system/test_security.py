"""Security headers of real responses, rate limits on resume-link lookups, token redaction in
Django's logging, and `check --deploy` with production settings."""

from __future__ import annotations

import io
import logging
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from config.log_redaction import REDACTED, RedactResumeTokens, redact
from tests.factories import make_assessment

ROOT = Path(__file__).resolve().parents[2]


def production_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update({"DJANGO_ENV": "production", "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
                "DJANGO_ALLOWED_HOSTS": "example.org"}, **extra)
    return env


def assert_strict_csp(policy: str) -> None:
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert directives["default-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"


@pytest.mark.django_db
def test_development_responses_carry_the_security_headers(framework):
    response = Client().get(reverse("readiness:start"))
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert_strict_csp(policy)
    # The nonce of the header is the one the page's scripts carry.
    nonce = policy.split("'nonce-", 1)[1].split("'", 1)[0]
    assert f'nonce="{nonce}"' in response.content.decode()
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in response  # plain HTTP in development


def test_check_deploy_passes_with_production_settings():
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=production_env(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_production_refuses_to_start_without_a_secret():
    env = production_env()
    del env["DJANGO_SECRET_KEY"]
    done = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "DJANGO_SECRET_KEY" in done.stderr


# --- Rate limits on resume-link lookups --------------------------------------------------------

@pytest.mark.django_db
def test_resume_link_lookups_are_rate_limited_per_client(framework, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "resume": "3/h"}
    assessment, token = make_assessment()
    client = Client()
    codes = [client.get(reverse("readiness:resume", kwargs={"token": f"guess{i}"})).status_code
             for i in range(3)]
    assert codes == [404, 404, 404]
    refused = client.get(reverse("readiness:resume", kwargs={"token": token}))
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) == 3600
    # The paste form shares the budget for its lookups, but showing the form is not a lookup.
    assert client.get(reverse("readiness:resume_help")).status_code == 200
    assert client.post(reverse("readiness:resume_help"), {"link": token}).status_code == 429
    # Another address has its own budget, and the real link still works there.
    other = Client(REMOTE_ADDR="10.1.2.3")
    assert other.get(reverse("readiness:resume", kwargs={"token": token})).status_code == 302


@pytest.mark.django_db
def test_rate_limit_can_be_switched_off(framework, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "resume": "1/h"}
    settings.RATELIMIT_ENABLE = False
    client = Client()
    codes = {client.get(reverse("readiness:resume", kwargs={"token": f"g{i}"})).status_code
             for i in range(3)}
    assert codes == {404}


# --- Resume tokens never logged ---------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ('"GET /resume/AbC-d_9xyz/ HTTP/1.1" 404', f'"GET /resume/{REDACTED}/ HTTP/1.1" 404'),
    ("Not Found: /resume/tok3n", f"Not Found: /resume/{REDACTED}"),
    ("/resume/a?x=1 and /resume/b/", f"/resume/{REDACTED}?x=1 and /resume/{REDACTED}/"),
    ("https://x.org/resume/tok#frag", f"https://x.org/resume/{REDACTED}#frag"),
    ("POST /resume/ HTTP/1.1", "POST /resume/ HTTP/1.1"),  # the paste form has no token
    ("/assessment/1/pillar/x/", "/assessment/1/pillar/x/"),
    # F19: a percent-encoded path reaches the same view, so it is redacted too.
    ('"GET /%72esume/AbC-d_9xyz/ HTTP/1.1"', f'"GET /%72esume/{REDACTED}/ HTTP/1.1"'),
    ("/%72%65%73%75%6D%65/tok", f"/%72%65%73%75%6D%65/{REDACTED}"),
    # F17: what an advisor searched for (a firm's name) stays out of the access log.
    ('"GET /advisor/?q=ZQERASE1&sector=10 HTTP/1.1"',
     f'"GET /advisor/?q={REDACTED}&sector=10 HTTP/1.1"'),
    ("/advisor/?sort=firm&q=Acme%20Ltd", f"/advisor/?sort=firm&q={REDACTED}"),
])
def test_f17_f19_redact(text, expected):
    assert redact(text) == expected


def test_filter_redacts_formatted_messages_and_tracebacks():
    token = secrets.token_urlsafe(32)
    try:
        raise ValueError(f"bad path /resume/{token}/")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "Error handling %s",
                                   (f"/resume/{token}/",), sys.exc_info())
    assert RedactResumeTokens().filter(record) is True
    rendered = logging.Formatter().format(record)
    assert token not in rendered
    assert rendered.count(REDACTED) == 3  # the message, the source line, the exception


@pytest.mark.django_db
def test_django_logging_never_prints_a_resume_token(framework):
    # The console handler that settings.LOGGING puts on the root logger, writing to a buffer.
    (console,) = [h for h in logging.getLogger().handlers
                  if any(isinstance(f, RedactResumeTokens) for f in h.filters)]
    buffer = io.StringIO()
    previous = console.setStream(buffer)
    token = secrets.token_urlsafe(32)
    try:
        response = Client().get(reverse("readiness:resume", kwargs={"token": token}))
    finally:
        console.setStream(previous)
    assert response.status_code == 404  # Django logs "Not Found: <path>" for it
    output = buffer.getvalue()
    assert f"Not Found: /resume/{REDACTED}/" in output
    assert token not in output


@pytest.mark.parametrize(("rate", "seconds"), [("30/m", 60), ("5/s", 1), ("100/5m", 300),
                                               ("2/h", 3600), ("1/d", 86400)])
def test_retry_after_is_the_rate_window(rate, seconds):
    from config.ratelimit import retry_after_seconds

    assert retry_after_seconds(rate) == seconds
