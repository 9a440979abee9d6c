"""The 500 and 503 pages (issue 10 item 5): the site's own page with its navigation, never a
database read of their own, what the user posted kept for "Try again", nothing cached."""

from __future__ import annotations

import pytest
from django.test import Client
from lxml import html

pytestmark = [pytest.mark.urls("tests.error_urls"), pytest.mark.django_db]


@pytest.fixture
def browserless(framework):
    # CSRF checks on, as for a real browser; the failures come back as pages, not exceptions.
    return Client(enforce_csrf_checks=True, raise_request_exception=False)


def csrf_token(client: Client) -> str:
    client.get("/start/")
    return client.cookies["csrftoken"].value


def test_locked_database_on_a_post_answers_503_with_the_form_kept(browserless):
    token = csrf_token(browserless)
    response = browserless.post("/test-locked/?step=2", {
        "csrfmiddlewaretoken": token, "company_name": "Zeta <Tools> & Dies",
        "objectives": ["quality", "speed"], "login-password": "hunter2!"})

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "no-store" in response["Cache-Control"]
    page = html.fromstring(response.content)
    assert page.xpath("//nav[@aria-label='Main']//a[text()='Start an assessment']")
    assert page.xpath("//link[contains(@href, 'bootstrap')]")
    (form,) = page.xpath("//form[@id='try-again-form']")
    assert form.get("method") == "post" and form.get("action") == "/test-locked/?step=2"
    kept = [(i.get("name"), i.get("value")) for i in form.xpath(".//input[@type='hidden']")]
    assert ("company_name", "Zeta <Tools> & Dies") in kept
    assert ("objectives", "quality") in kept and ("objectives", "speed") in kept
    # One fresh CSRF token, and the password is not written into the page.
    assert [name for name, _ in kept].count("csrfmiddlewaretoken") == 1
    assert "hunter2" not in response.content.decode()
    assert "password is not kept" in response.content.decode()
    assert form.xpath(".//button[text()='Try again']")


def test_try_again_form_passes_the_csrf_check_it_is_sent_to(browserless):
    token = csrf_token(browserless)
    page = html.fromstring(browserless.post("/test-locked/", {
        "csrfmiddlewaretoken": token, "company_name": "Again Ltd"}).content)
    (form,) = page.xpath("//form[@id='try-again-form']")
    fields = {i.get("name"): i.get("value") for i in form.xpath(".//input[@type='hidden']")}
    # Sent again (here to the profile form, which exists): the CSRF check passes, so the
    # request reaches the view, which answers the form (200 with errors or a redirect), not 403.
    response = browserless.post("/start/", fields)
    assert response.status_code in {200, 302}


def test_locked_database_on_a_page_view_offers_a_try_again_link(browserless):
    response = browserless.get("/test-locked/?page=3")
    assert response.status_code == 503
    page = html.fromstring(response.content)
    (link,) = page.xpath("//a[@id='try-again-link']")
    assert link.get("href") == "/test-locked/?page=3"
    assert not page.xpath("//form[@id='try-again-form']")


def test_a_bug_answers_500_on_the_site_page_without_retry_after(browserless):
    token = csrf_token(browserless)
    response = browserless.post("/test-broken/", {"csrfmiddlewaretoken": token, "note": "x"})
    assert response.status_code == 500
    assert "Retry-After" not in response
    page = html.fromstring(response.content)
    assert page.xpath("//h1[contains(text(), 'Something went wrong')]")
    assert page.xpath("//nav[@aria-label='Main']")
    assert page.xpath("//form[@id='try-again-form']//input[@name='note'][@value='x']")


def test_error_pages_read_nothing_from_the_database(browserless, django_assert_num_queries):
    # The database may be what failed: the page must not need it (no session, no user).
    browserless.cookies.load({"sessionid": "a-session-that-would-need-a-lookup"})
    with django_assert_num_queries(0):
        response = browserless.get("/test-locked/")
    assert response.status_code == 503
