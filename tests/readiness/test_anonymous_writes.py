"""Anonymous writes are bounded (security review F5): start, submit, share and email have rate
limits, and the contact address gets nothing but a confirmation until its owner confirms it."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from advisors.models import Coverage, Organisation, Share
from readiness import services
from readiness.models import Assessment
from tests.factories import (
    DIMENSION_KEYS,
    answer,
    link_in,
    make_assessment,
    make_submitted,
    open_link,
    profile_post,
    url,
)

pytestmark = pytest.mark.django_db

PHISHING = ("ACME Ltd. URGENT: your grant payment is on hold - confirm bank details at "
            "https://evil.example/verify")


def test_f5_start_is_rate_limited_per_client(framework, settings):
    limit = int(settings.RATELIMITS["start"].split("/")[0])
    client = Client(REMOTE_ADDR="203.0.113.7")
    statuses = [client.post("/start/", profile_post()).status_code for _ in range(limit + 1)]
    assert statuses == [302] * limit + [429]
    assert Assessment.objects.count() == limit
    # Another client address still starts.
    assert Client(REMOTE_ADDR="203.0.113.8").post("/start/", profile_post()).status_code == 302


def test_f5_submit_is_rate_limited_per_client(framework, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "submit": "2/h"}
    client = Client(REMOTE_ADDR="203.0.113.7")
    drafts = []
    for _ in range(3):
        draft, token = make_assessment()
        answer(draft, dict.fromkeys(DIMENSION_KEYS, 2))
        open_link(client, token)
        drafts.append(draft)
    statuses = [client.post(url("review", d)).status_code for d in drafts]
    assert statuses == [302, 302, 429]
    assert Assessment.objects.filter(status=Assessment.Status.SUBMITTED).count() == 2


def test_f5_share_is_rate_limited_per_client(framework, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "share": "2/h"}
    hub = Organisation.objects.create(name="North West Hub", slug="nw")
    Coverage.objects.create(organisation=hub, country="GB")
    client = Client(REMOTE_ADDR="203.0.113.7")
    statuses = []
    for _ in range(3):
        assessment, token = make_submitted()
        open_link(client, token)
        statuses.append(client.post(reverse("sharing:share", args=[assessment.public_id,
                                                                     hub.slug])).status_code)
    assert statuses == [302, 302, 429]
    assert Share.objects.count() == 2


def test_f5_nothing_but_a_neutral_confirmation_until_the_address_is_confirmed(framework):
    client = Client()
    response = client.post("/start/", profile_post(company_name=PHISHING[:200],
                                                   contact_email="victim@example.com"),
                           follow=True)
    assert "We sent a confirmation link to victim@example.com" in response.content.decode()
    assessment = Assessment.objects.get()
    assert assessment.contact_email_verified_at is None
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "evil.example" not in body and "URGENT" not in body and "/resume/" not in body
    # A re-assessment of the unconfirmed firm writes nothing to the address either.
    answer(assessment, dict.fromkeys(DIMENSION_KEYS, 2))
    client.post(url("review", assessment))
    client.post(url("reassess", assessment))
    assert len(mail.outbox) == 1

    # The owner of the address confirms (a GET alone, as a mail scanner makes, does not).
    confirm = link_in(body, "/confirm-email/")
    mailbox = Client()
    assert "Confirm my address" in mailbox.get(confirm).content.decode()
    assessment.refresh_from_db()
    assert assessment.contact_email_verified_at is None
    page = mailbox.post(confirm).content.decode()
    assert "is confirmed" in page and "emailed the assessment" in page
    assessment.refresh_from_db()
    assert assessment.contact_email_verified_at is not None
    assert len(mail.outbox) == 2 and "/resume/" in mail.outbox[1].body
    # A second click answers calmly and sends nothing more.
    assert "confirmed already" in mailbox.post(confirm).content.decode()
    assert len(mail.outbox) == 2


def test_f5_a_forged_or_stale_confirmation_link_is_refused(framework):
    client = Client()
    client.post("/start/", profile_post(contact_email="owner@acme.example"))
    confirm = link_in(mail.outbox[0].body, "/confirm-email/")
    forged = confirm[:-3] + ("A" if confirm[-3] != "A" else "B") + confirm[-2:]
    response = Client().post(forged)
    assert response.status_code == 400 and "not valid" in response.content.decode()
    # The address changed since the link was sent: the old link proves nothing.
    assessment = Assessment.objects.get()
    services.assessment_update_profile(assessment=assessment,
                                       profile={"contact_email": "new@acme.example"})
    assert Client().post(confirm).status_code == 400
    assessment.refresh_from_db()
    assert assessment.contact_email_verified_at is None


def test_f5_emails_to_one_address_are_capped_whoever_asks(framework, settings):
    limit = int(settings.RATELIMITS["email"].split("/")[0])
    for n in range(limit + 2):
        client = Client(REMOTE_ADDR=f"198.51.100.{n + 1}")  # a different client each time
        response = client.post("/start/", profile_post(contact_email="victim@example.com"),
                               follow=True)
        assert response.status_code == 200
    assert len(mail.outbox) == limit
    assert "We sent a confirmation to victim@example.com recently" in response.content.decode()


def test_f5_changing_the_address_needs_a_new_confirmation(framework):
    assessment, token = make_assessment(contact_email="owner@acme.example")
    services.contact_email_confirm(assessment=assessment)
    client = Client()
    open_link(client, token)
    client.post(url("profile", assessment), profile_post(contact_email="other@acme.example"))
    assessment.refresh_from_db()
    assert assessment.contact_email == "other@acme.example"
    assert assessment.contact_email_verified_at is None
    assert [m.to for m in mail.outbox] == [["other@acme.example"]]
    assert "/confirm-email/" in mail.outbox[0].body
