"""Who can open an assessment, in a real Chromium (security review F1, F5, F10): the contact
address confirmed by double opt-in, an account made through the emailed link, its access seen
and removed by the holder, and a leaked private link replaced."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.factories import link_in, make_submitted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a sturdy passphrase 42"


def flash(page):
    """The page's message about what just happened (Django's messages, role=status)."""
    return page.locator(".alert[role=status]").first


def test_f1_f5_confirm_address_make_account_revoke_and_rotate(page, chromium, live_server,
                                                                framework, artifacts_dir):
    assessment, token = make_submitted(company_name="Consent Works Ltd",
                                       contact_email="md@consent.example")
    page.goto(f"/resume/{token}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Consent Works Ltd")
    page.get_by_role("link", name="Who can open it").click()
    expect(page.locator("#contact-email")).to_contain_text("is not confirmed yet")

    # Double opt-in: the page says what was sent; the address's owner confirms.
    page.get_by_role("button", name="Send the confirmation again").click()
    expect(flash(page)).to_contain_text(
        "We sent a confirmation link to md@consent.example")
    page.goto(link_in(mail.outbox[-1].body, "/confirm-email/"))
    page.get_by_role("button", name="Confirm my address").click()
    expect(page.locator("#confirm-result")).to_contain_text("md@consent.example is confirmed")

    # An account only through the link emailed to that confirmed address.
    page.goto(f"/assessment/{assessment.public_id}/account/")
    page.get_by_role("button", name="Email me the link").click()
    expect(flash(page)).to_contain_text("We sent a link to m***@consent.example")
    mailbox = chromium.new_context(base_url=live_server.url).new_page()
    mailbox.goto(link_in(mail.outbox[-1].body, "/account/confirm/"))
    mailbox.locator("#id_password1").fill(PASSWORD)
    mailbox.locator("#id_password2").fill(PASSWORD)
    mailbox.get_by_role("button", name="Create my account").click()
    expect(mailbox.locator("#my-assessments")).to_contain_text("Consent Works Ltd")

    # The holder sees the account and removes it.
    page.goto(f"/assessment/{assessment.public_id}/access/")
    expect(page.locator("#account-access")).to_contain_text("md@consent.example")
    page.screenshot(path=str(artifacts_dir / "consent-access.png"), full_page=True)
    page.get_by_role("button", name="Remove access for md@consent.example").click()
    expect(flash(page)).to_contain_text("can no longer open")
    expect(page.locator("#account-access")).to_contain_text("No account holds this firm")
    response = mailbox.goto(f"/assessment/{assessment.public_id}/results/")
    assert response.status == 403

    # A leaked link is replaced: the old one stops working, the page shows the new one.
    old_link = page.locator("#resume-link").input_value()
    assert f"/resume/{token}/" in old_link
    page.get_by_role("button", name="Replace the private link").click()
    expect(flash(page)).to_contain_text("has been replaced")
    expect(page.locator("#resume-link")).not_to_have_value(old_link)
    expect(page.locator("#resume-link")).to_have_value(re.compile(r"/resume/[\w-]{40,}/$"))
    page.screenshot(path=str(artifacts_dir / "consent-rotated.png"), full_page=True)
    stale = mailbox.goto(f"/resume/{token}/")
    assert stale.status == 404
    mailbox.context.close()
