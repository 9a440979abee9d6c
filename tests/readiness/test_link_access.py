"""A private link grants one assessment, never the firm (security review F1, F10, F18): a firm
account needs the firm's confirmed contact address; the holder sees and removes account access
and replaces a leaked link; sessions keep no raw token and are purged on a schedule."""

from __future__ import annotations

import base64
import contextlib
import datetime
import json
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from readiness import services
from readiness.models import Assessment, FirmAccount
from tests.factories import link_in, make_submitted, open_link, session_token, url

pytestmark = pytest.mark.django_db

PASSWORD = "a sturdy passphrase 42"
OLD_FORM = {"email": "consultant@elsewhere.example", "password1": PASSWORD, "password2": PASSWORD}


def reassessed(first: Assessment) -> tuple[Assessment, str]:
    second, token = services.assessment_start(
        profile={f: getattr(first, f) for f in services.PROFILE_FIELDS}, previous=first)
    return second, token


def test_f1_link_grants_one_assessment_only(framework):
    first, first_token = make_submitted(company_name="Alpha Ltd", contact_email="md@alpha.example")
    second, second_token = reassessed(first)
    consultant = Client()
    open_link(consultant, second_token)
    assert consultant.get(url("profile", second)).status_code == 200
    assert consultant.get(url("results", first)).status_code == 403

    # Unconfirmed address: no account, and nothing is sent.
    consultant.post(url("account_keep", second), OLD_FORM)
    assert not FirmAccount.objects.exists() and mail.outbox == []
    # Confirmed address: the link goes to the firm's mailbox, never to whoever asked.
    services.contact_email_confirm(assessment=second)
    consultant.post(url("account_keep", second), OLD_FORM)
    assert not FirmAccount.objects.exists()
    assert [m.to for m in mail.outbox] == [["md@alpha.example"]]
    assert not get_user_model().objects.filter(username=OLD_FORM["email"]).exists()
    assert consultant.get(url("results", first)).status_code == 403
    assert consultant.get(reverse("readiness:account")).status_code == 302  # not signed in


def test_f1_account_link_is_signed_and_tamper_proof(framework):
    assessment, token = make_submitted(contact_email="md@alpha.example")
    services.contact_email_confirm(assessment=assessment)
    holder = Client()
    open_link(holder, token)
    holder.post(url("account_keep", assessment))
    link = link_in(mail.outbox[-1].body, "/account/confirm/")
    forged = link.replace("/account/confirm/", "/account/confirm/x")
    assert holder.get(forged).status_code == 400
    assert holder.post(forged, {"password1": PASSWORD, "password2": PASSWORD}).status_code == 400
    assert not FirmAccount.objects.exists()


def test_f1_the_holder_sees_and_revokes_account_access(framework):
    assessment, token = make_submitted(company_name="Alpha Ltd", contact_email="md@alpha.example")
    services.contact_email_confirm(assessment=assessment)
    owner = Client()
    open_link(owner, token)
    # The mailbox's owner opens the link in their own browser (no resume link there).
    owner.post(url("account_keep", assessment))
    account = Client()
    link = link_in(mail.outbox[-1].body, "/account/confirm/")
    assert account.post(link, {"password1": PASSWORD, "password2": PASSWORD}).status_code == 302
    assert account.get(url("results", assessment)).status_code == 200

    page = owner.get(url("access", assessment)).content.decode()
    assert "md@alpha.example" in page and "Remove access" in page
    held = FirmAccount.objects.get(firm=assessment.firm)
    response = owner.post(reverse("readiness:account_revoke",
                                  args=[assessment.public_id, held.pk]))
    assert response.status_code == 302
    assert account.get(url("results", assessment)).status_code == 403
    assert "Alpha Ltd" not in account.get(reverse("readiness:account")).content.decode()
    # A second click answers calmly.
    again = owner.post(reverse("readiness:account_revoke", args=[assessment.public_id, held.pk]))
    assert again.status_code == 302


def test_f1_rotating_the_link_ends_the_old_link_and_its_sessions(framework):
    assessment, token = make_submitted(contact_email="md@alpha.example")
    services.contact_email_confirm(assessment=assessment)
    owner, leaked = Client(), Client()
    open_link(owner, token)
    open_link(leaked, token)
    assert leaked.get(url("results", assessment)).status_code == 200

    assert owner.post(url("link_rotate", assessment)).status_code == 302

    assert leaked.get(url("results", assessment)).status_code == 403
    assert open_link(Client(), token).status_code == 404
    new_token = session_token(owner, assessment)
    assert new_token != token and owner.get(url("results", assessment)).status_code == 200
    assert f"/resume/{new_token}/" in owner.get(url("access", assessment)).content.decode()
    # The confirmed address gets the new link, so a firm locked out by a rotation gets back in.
    assert f"/resume/{new_token}/" in mail.outbox[-1].body
    fresh = Client()
    open_link(fresh, new_token)
    assert fresh.get(url("results", assessment)).status_code == 200


def _decoded_sessions() -> list[str]:
    texts = []
    for session in Session.objects.all():
        texts.append(session.session_data)
        texts.append(json.dumps(session.get_decoded()))
        payload = session.session_data.split(":")[0]
        padded = payload.lstrip(".") + "=" * (-len(payload.lstrip(".")) % 4)
        with contextlib.suppress(ValueError):
            texts.append(base64.urlsafe_b64decode(padded).decode("utf-8", "replace"))
    return texts


def test_f10_no_raw_token_in_session_data(framework, settings):
    assessment, token = make_submitted()
    client = Client()
    open_link(client, token)
    page = client.get(url("results", assessment)).content.decode()
    assert f"/resume/{token}/" in page  # the holder still sees their link

    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    texts = _decoded_sessions()
    cached = cache.get(f"django.contrib.sessions.cached_db{session_key}")
    if cached is not None:  # with REDIS_URL: the cached copy of the session
        texts.append(repr(cached))
    assert texts and all(token not in text for text in texts)


def test_f10_expired_sessions_are_purged_by_the_scheduled_command(framework):
    assessment, token = make_submitted()
    stale, current = Client(), Client()
    open_link(stale, token)
    open_link(current, token)
    stale_key = stale.session.session_key
    Session.objects.filter(session_key=stale_key).update(
        expire_date=timezone.now() - datetime.timedelta(days=1))

    call_command("clearsessions")

    assert not Session.objects.filter(session_key=stale_key).exists()
    assert Session.objects.filter(session_key=current.session.session_key).exists()
    # The deployment runs it: the daily timer in docs/deploy.md lists the command.
    deploy = (Path(__file__).resolve().parents[2] / "docs" / "deploy.md").read_text("utf-8")
    daily = deploy[deploy.index("a daily timer"):].split("\n   - ")[0].split("`scripts/serve`")[0]
    assert "manage.py clearsessions" in daily


def test_f18_the_account_form_does_not_say_whether_an_address_has_an_account(framework):
    get_user_model().objects.create_user("taken@x.example", "taken@x.example", PASSWORD)
    answers = []
    for address in ("taken@x.example", "fresh@x.example"):
        assessment, token = make_submitted(contact_email=address)
        # Confirmed as the double opt-in leaves it (set directly: this test is about the form).
        Assessment.objects.filter(pk=assessment.pk).update(
            contact_email_verified_at=timezone.now())
        client = Client()
        open_link(client, token)
        response = client.post(url("account_keep", assessment),
                               {**OLD_FORM, "email": address}, follow=True)
        body = response.content.decode()
        landed = response.redirect_chain[-1][0] if response.redirect_chain else None
        answers.append((response.status_code, (landed or "").replace(str(assessment.public_id), "ID"),
                        body.count("exists"), "We sent a link to" in body))
    assert answers[0] == answers[1]
    assert answers[0][0] == 200 and answers[0][3]
    # Both addresses got a link; only opening it (proof of the mailbox) says which is which.
    assert sorted(m.to[0] for m in mail.outbox) == ["fresh@x.example", "taken@x.example"]
