"""Who may open an assessment: the holder of its private link; expiry; the resume email."""

from __future__ import annotations

import datetime
import hashlib
import uuid

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

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
    session_token,
    url,
)

pytestmark = pytest.mark.django_db


GET_PAGES = [("profile", {}), ("pillar", {"pillar_key": "operations"}),
             ("pillar", {"pillar_key": "strategy_governance"}), ("objectives", {}), ("review", {}),
             ("results", {})]
POST_PAGES = [("profile", {}), ("pillar", {"pillar_key": "operations"}),
              ("autosave", {"pillar_key": "operations"}), ("objectives", {}), ("review", {}),
              ("reassess", {}), ("step_autosave", {"step_key": "profile"}),
              ("step_autosave", {"step_key": "objectives"})]


def age(assessment: Assessment, days: int) -> None:
    """Pretend the last save was ``days`` ago (a queryset update skips auto_now)."""
    Assessment.objects.filter(pk=assessment.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=days))


@pytest.mark.parametrize("submitted", [False, True], ids=["draft", "submitted"])
def test_another_client_gets_403_on_every_page(framework, submitted):
    assessment, token = make_submitted() if submitted else make_assessment()
    owner = Client()
    open_link(owner, token)
    stranger = Client()
    for name, kwargs in GET_PAGES:
        assert stranger.get(url(name, assessment, **kwargs)).status_code == 403, name
    for name, kwargs in POST_PAGES:
        response = stranger.post(url(name, assessment, **kwargs),
                                 {"band_vertical_integration": "5"})
        assert response.status_code == 403, name
    assert "private link" in stranger.get(url("review", assessment)).content.decode()
    assert not assessment.answers.filter(band=5).exists()
    assert Assessment.objects.count() == 1


def test_a_session_holding_another_assessments_link_gets_403(framework, client):
    mine, my_token = make_assessment()
    theirs, _ = make_assessment(company_name="Someone Else")
    open_link(client, my_token)
    assert client.get(url("review", mine)).status_code == 200
    assert client.get(url("review", theirs)).status_code == 403


def test_a_forged_session_token_gets_403(framework, client):
    from readiness.access import SESSION_KEY, seal

    assessment, token = make_assessment()
    session = client.session
    session[SESSION_KEY] = {str(assessment.public_id): seal(token + "x")}
    session.save()
    assert client.get(url("review", assessment)).status_code == 403


def test_unknown_public_id_is_404(framework, client):
    ghost = Assessment(public_id=uuid.uuid4())
    for name, kwargs in GET_PAGES:
        assert client.get(url(name, ghost, **kwargs)).status_code == 404, name


@pytest.mark.parametrize("token", ["not-a-token", "x" * 43, "y" * 300])
def test_unknown_resume_link_shows_the_friendly_page(framework, client, token):
    make_assessment()
    response = client.get(f"/resume/{token}/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "We could not find an assessment for this link" in text
    assert "/resume/" in text  # a way to paste the link again


def test_resume_link_opens_the_draft_where_the_user_left_off(framework, client):
    assessment, token = make_assessment()
    answer(assessment, {"vertical_integration": 2, "horizontal_integration": 3})
    response = open_link(client, token)
    assert response.status_code == 302
    assert response["Location"] == url("pillar", assessment, pillar_key="product_lifecycle")
    assert client.get(response["Location"]).status_code == 200


def test_resume_link_of_a_submitted_assessment_opens_its_results(framework, client):
    assessment, token = make_submitted()
    response = open_link(client, token)
    assert response["Location"] == url("results", assessment)
    assert client.get(url("results", assessment)).status_code == 200


def test_resume_help_page_finds_a_pasted_link(framework, client):
    assessment, token = make_assessment()
    response = client.post("/resume/", {"link": f"http://elsewhere.example/resume/{token}/"})
    assert response.status_code == 302
    assert response["Location"] == f"/resume/{token}/"
    response = client.post("/resume/", {"link": "https://x.example/resume/nope/"})
    assert response.status_code == 400
    assert "We could not find an assessment for this link" in response.content.decode()


def test_expired_draft_link_shows_the_expired_page(framework, client, settings):
    assessment, token = make_assessment()
    open_link(client, token)  # held in the session before it expired
    age(assessment, settings.RESUME_LINK_MAX_AGE_DAYS + 1)
    response = open_link(Client(), token)
    assert response.status_code == 410
    assert "This private link has expired" in response.content.decode()
    for name, kwargs in GET_PAGES:
        response = client.get(url(name, assessment, **kwargs))
        assert response.status_code == 410, name
        assert "This private link has expired" in response.content.decode()
    response = client.post(url("autosave", assessment, pillar_key="operations"),
                           {"band_vertical_integration": "3"})
    assert response.status_code == 410
    assert not assessment.answers.exists()


def test_draft_link_within_max_age_still_works(framework, client, settings):
    assessment, token = make_assessment()
    age(assessment, settings.RESUME_LINK_MAX_AGE_DAYS - 1)
    assert open_link(client, token).status_code == 302
    assert client.get(url("review", assessment)).status_code == 200


def test_saving_answers_restarts_the_clock(framework, client, settings):
    assessment, token = make_assessment()
    open_link(client, token)
    age(assessment, settings.RESUME_LINK_MAX_AGE_DAYS - 1)
    client.post(url("autosave", assessment, pillar_key="operations"),
                {"band_vertical_integration": "3"})
    assessment.refresh_from_db()
    assert timezone.now() - assessment.updated_at < datetime.timedelta(days=1)


def test_submitted_assessments_never_expire(framework, client, settings):
    assessment, token = make_submitted()
    age(assessment, settings.RESUME_LINK_MAX_AGE_DAYS * 10)
    response = open_link(client, token)
    assert response.status_code == 302
    assert response["Location"] == url("results", assessment)
    assert client.get(url("results", assessment)).status_code == 200


def test_resume_email_is_sent_with_the_link_once_the_address_is_confirmed(framework, client):
    response = client.post("/start/", profile_post(contact_email="owner@acme.example"))
    assert response.status_code == 302
    assessment = Assessment.objects.get()
    token = session_token(client, assessment)
    # First only the confirmation (double opt-in): no link, nothing the starter typed.
    assert len(mail.outbox) == 1
    confirmation = mail.outbox[0]
    assert confirmation.to == ["owner@acme.example"]
    assert token not in confirmation.body and "Acme" not in confirmation.body
    confirm = link_in(confirmation.body, "/confirm-email/")
    mailbox = Client()  # the link is opened from the mail client, not the starter's browser
    assert mailbox.post(confirm).status_code == 200
    assert len(mail.outbox) == 2
    message = mail.outbox[1]
    assert message.to == ["owner@acme.example"]
    assert f"/resume/{token}/" in message.body
    # The link in the email opens the assessment in a fresh browser.
    fresh = Client()
    assert fresh.get(link_in(message.body, "/resume/")).status_code == 302
    assert fresh.get(url("review", assessment)).status_code == 200


def test_no_email_without_an_address(framework, client):
    response = client.post("/start/", profile_post(contact_email=""))
    assert response.status_code == 302
    assert mail.outbox == []


def test_reassessment_sends_its_own_link(framework, client):
    old, token = make_submitted(contact_email="owner@acme.example")
    services.contact_email_confirm(assessment=old)
    open_link(client, token)
    client.post(url("reassess", old))
    new = Assessment.objects.exclude(pk=old.pk).get()
    assert len(mail.outbox) == 1
    assert f"/resume/{session_token(client, new)}/" in mail.outbox[0].body


def test_token_is_stored_only_as_its_sha256(framework, client):
    client.post("/start/", profile_post(contact_email="owner@acme.example"))
    assessment = Assessment.objects.get()
    token = session_token(client, assessment)
    assert len(token) >= 40  # long and random
    assert assessment.token_hash == hashlib.sha256(token.encode()).hexdigest()
    row = Assessment.objects.filter(pk=assessment.pk).values().get()
    assert not any(token in str(value) for value in row.values())
    # The token is not in the assessment pages' URLs either.
    assert token not in url("review", assessment)


def test_tokens_differ_between_assessments(framework):
    tokens = {make_assessment()[1] for _ in range(5)}
    assert len(tokens) == 5
    assert Assessment.objects.values("token_hash").distinct().count() == 5


def test_answers_never_leak_to_a_stranger_through_autosave(framework):
    assessment, token = make_assessment()
    answer(assessment, dict.fromkeys(DIMENSION_KEYS[:1], 1))
    stranger = Client()
    response = stranger.post(url("autosave", assessment, pillar_key="operations"),
                             {"band_vertical_integration": "5"})
    assert response.status_code == 403
    assert assessment.answers.get().band == 1
