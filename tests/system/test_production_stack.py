"""The real app server with production settings (gunicorn + config/gunicorn.conf.py, over a
SQLite file): security headers of real responses, the HTTPS redirect, and no resume token in
gunicorn's access or error log."""

from __future__ import annotations

import http.client
import secrets
import time

import pytest

from bench import stack
from config.log_redaction import REDACTED
from tests.system.test_security import assert_strict_csp


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    work = tmp_path_factory.mktemp("prod-stack")
    # Real production values: HTTPS redirect and Secure cookies on.
    env = stack.stack_env(f"sqlite:///{work / 'db.sqlite3'}", None, work / "static",
                          DJANGO_SECURE_SSL_REDIRECT="1", DJANGO_SECURE_COOKIES="1")
    stack.prepare(env)
    port = stack.free_port()
    process = stack.app_server(env, port, 2, work, access_log=work / "access.log").start()
    try:
        stack.wait_until_up(f"http://127.0.0.1:{port}", process)
        yield port, process, work / "access.log"
    finally:
        process.stop()


def get(port: int, path: str, https: bool = True) -> http.client.HTTPResponse:
    """A request as the TLS-terminating proxy forwards it (X-Forwarded-Proto: https)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Host": "127.0.0.1"} | ({"X-Forwarded-Proto": "https"} if https else {})
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


def test_production_pages_carry_every_security_header(server):
    port, _, _ = server
    response = get(port, "/start/")
    assert response.status == 200
    hsts = response.headers["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts and "preload" in hsts
    assert_strict_csp(response.headers["Content-Security-Policy"])
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    csrf_cookie = [c for c in response.headers.get_all("Set-Cookie")
                   if c.startswith("__Host-csrftoken=")]  # F19: host-only, HTTPS-only name
    assert csrf_cookie and "Secure" in csrf_cookie[0] and "SameSite=Lax" in csrf_cookie[0]


def test_plain_http_is_redirected_but_the_health_check_is_not(server):
    port, _, _ = server
    redirect = get(port, "/start/", https=False)
    assert redirect.status == 301
    assert redirect.headers["Location"] == "https://127.0.0.1/start/"
    health = get(port, "/healthz", https=False)
    assert health.status == 200


def test_gunicorn_logs_never_hold_a_resume_token(server):
    port, process, access_log = server
    token = secrets.token_urlsafe(32)
    assert get(port, f"/resume/{token}/").status == 404
    assert get(port, f"/resume/{token}/?utm=x", https=False).status == 301
    # gunicorn writes the access line just after the response; give it a moment.
    deadline = time.monotonic() + 10
    while access_log.read_text().count(f"/resume/{REDACTED}/") < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    access = access_log.read_text()
    assert access.count(f"/resume/{REDACTED}/") >= 2
    assert token not in access
    # The error log (gunicorn's and Django's "Not Found: ..." line) goes to the process output.
    assert token not in process.log()
    assert f"Not Found: /resume/{REDACTED}/" in process.log()


def test_the_wsgi_module_imports_every_view_before_workers_fork(tmp_path):
    """gunicorn preloads config.wsgi in its master: the URLconf and the modules behind it
    (WeasyPrint for the reports, the advisor views) must already be imported there, or every new
    and recycled worker pays for the imports on its first request (docs/performance.md)."""
    import subprocess
    import sys

    env = stack.stack_env(f"sqlite:///{tmp_path / 'db.sqlite3'}", None, tmp_path / "static")
    probe = ("import sys, config.wsgi; "
             "print(sorted(m for m in ('weasyprint', 'advisors.views.reports', "
             "'reports.api', 'readiness.views.assessment') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=stack.ROOT, env=env,  # noqa: S603
                          capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.split("\n")[-2] == str(sorted(
        ["weasyprint", "advisors.views.reports", "reports.api", "readiness.views.assessment"]))
