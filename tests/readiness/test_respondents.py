"""Several respondents per firm: personal links as private as the firm's resume link, each
respondent seeing only their own answers until the lead shares, and the agreed bands making
the scores."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from readiness import services, team_services
from readiness.models import Respondent
from readiness.scoring import UNKNOWN
from tests.factories import DIMENSION_KEYS, answer, make_assessment, open_link


def _url(name, **kwargs):
    return reverse(f"readiness:{name}", kwargs=kwargs)


@pytest.fixture
def team(client, framework):
    """A lead (holding the draft in ``client``) who answered everything 2 and invited two."""
    assessment, token = make_assessment()
    open_link(client, token)
    answer(assessment, dict.fromkeys(DIMENSION_KEYS, 2))
    response = client.post(_url("team", public_id=assessment.public_id),
                           {"role": "it", "name": "Priya", "email": ""})
    assert response.status_code == 302
    client.post(_url("team", public_id=assessment.public_id), {"role": "shop_floor"})
    ops, floor = assessment.respondents.order_by("invited_at", "id")
    return assessment, ops, floor


def _colleague(respondent: Respondent) -> Client:
    colleague = Client()
    token = team_services.respondent_token(respondent)
    assert token is not None
    response = colleague.get(_url("respondent_open", token=token))
    assert response.status_code == 302
    return colleague


def test_the_token_is_stored_hashed_and_sealed_never_in_plain(team):
    _, ops, _ = team
    token = team_services.respondent_token(ops)
    assert token and token not in ops.token_hash and token not in ops.token_sealed
    assert len(ops.token_hash) == 64


def test_the_lead_sees_each_colleagues_link_and_progress(client, team):
    assessment, ops, floor = team
    page = client.get(_url("team", public_id=assessment.public_id)).content.decode()
    assert "Priya (IT)" in page and "Shop floor" in page
    assert team_services.respondent_token(ops) in page
    assert "0 of 16 dimensions answered" in page


def test_a_respondent_answers_alone_and_sees_only_their_own_answers(client, team):
    assessment, ops, floor = team
    it_person = _colleague(ops)
    url = _url("respondent_pillar", public_id=ops.public_id, pillar_key="operations")
    page = it_person.get(url).content.decode()
    assert "Only you see your answers" in page
    response = it_person.post(url, {"band_vertical_integration": "5", "go": "home"})
    assert response.status_code == 302
    floor_person = _colleague(floor)
    floor_person.post(_url("respondent_pillar", public_id=floor.public_id,
                           pillar_key="operations"),
                      {"band_vertical_integration": UNKNOWN, "go": "home"})
    home = floor_person.get(_url("respondent_home", public_id=floor.public_id)).content.decode()
    # Their own "don't know"; neither the lead's band 2 nor Priya's band 5 nor her name.
    assert "don&#x27;t know" in home or "don't know" in home
    assert "Priya" not in home and "band 5" not in home and "band 2" not in home
    # The lead's own answers are untouched by colleagues'.
    assert assessment.answers.get(dimension_key="vertical_integration").band == 2
    # Once the lead shares, everyone's answers are shown to the team.
    client.post(_url("team_share", public_id=assessment.public_id), {"shared": "1"})
    shared = floor_person.get(_url("respondent_home", public_id=floor.public_id)).content.decode()
    assert "Priya (IT)" in shared and "band 5" in shared


def test_a_respondents_link_opens_nothing_else(client, team):
    assessment, ops, floor = team
    it_person = _colleague(ops)
    # Not the other colleague's answers, not the firm's assessment, not the lead's pages.
    assert it_person.get(_url("respondent_home", public_id=floor.public_id)).status_code == 403
    assert it_person.get(_url("review", public_id=assessment.public_id)).status_code == 403
    assert it_person.get(_url("divergence", public_id=assessment.public_id)).status_code == 403
    assert it_person.get(_url("team", public_id=assessment.public_id)).status_code == 403
    assert it_person.post(_url("respondent_autosave", public_id=floor.public_id,
                               pillar_key="operations"),
                          {"band_vertical_integration": "0"}).status_code == 403
    assert not floor.answers.exists()


def test_a_strangers_link_gets_nothing(framework, team):
    _, ops, _ = team
    stranger = Client()
    assert stranger.get(_url("respondent_open", token="x" * 43)).status_code == 404
    assert stranger.get(_url("respondent_home", public_id=ops.public_id)).status_code == 403
    assert stranger.get(_url("respondent_pillar", public_id=ops.public_id,
                             pillar_key="operations")).status_code == 403


def test_the_divergence_view_shows_disagreements_first_and_agreed_bands_make_the_scores(
        client, team, loaded):
    assessment, ops, floor = team
    team_services.respondent_answers_save(respondent=ops, answers={
        "vertical_integration": (5, ""), "shop_floor_automation": (3, "")})
    team_services.respondent_answers_save(respondent=floor, answers={
        "vertical_integration": (4, ""), "shop_floor_automation": (2, "")})
    page = client.get(_url("divergence", public_id=assessment.public_id)).content.decode()
    assert "On 1 dimension people are 2 bands or more apart" in page
    assert page.index('id="agree-vertical_integration"') < page.index(
        'id="agree-shop_floor_automation"')
    assert "3 bands apart" in page
    response = client.post(_url("agree", public_id=assessment.public_id,
                                dimension_key="vertical_integration"),
                           {"vertical_integration-band": "4",
                            "vertical_integration-reason": "MES covers two of three lines"})
    assert response.status_code == 302
    agreed = assessment.agreed_bands.get()
    assert (agreed.band, agreed.reason) == (4, "MES covers two of three lines")
    assert {r["who"]: r["band"] for r in agreed.ratings} == {
        "Lead (the firm's own answers)": 2, "Priya (IT)": 5, "Shop floor": 4}
    services.assessment_submit(assessment=assessment)
    assessment.refresh_from_db()
    assert assessment.scores["dimensions"]["vertical_integration"] == 4
    assert assessment.scores["dimensions"]["shop_floor_automation"] == 2  # the lead's own
    # A submitted assessment's answers are closed to colleagues too.
    with pytest.raises(Exception, match="submitted"):
        team_services.respondent_answers_save(respondent=ops,
                                              answers={"facility_automation": (1, "")})


def test_a_bad_agreed_band_is_refused_with_a_message(client, team):
    assessment, _, _ = team
    response = client.post(_url("agree", public_id=assessment.public_id,
                                dimension_key="vertical_integration"),
                           {"vertical_integration-band": "9"}, follow=True)
    assert "Choose a band from 0 to 5" in response.content.decode()
    assert not assessment.agreed_bands.exists()


def test_the_link_is_emailed_only_when_the_leads_own_address_is_confirmed(client, team, mailoutbox):
    assessment, _, _ = team
    client.post(_url("team", public_id=assessment.public_id),
                {"role": "operations", "email": "ops@firm.example"})
    assert mailoutbox == []  # the lead's contact address is not proved
    invited = assessment.respondents.get(email="ops@firm.example")
    assessment.contact_email = "lead@firm.example"
    assessment.contact_email_verified_at = assessment.created_at
    assessment.save()
    response = client.post(_url("respondent_remind", public_id=assessment.public_id,
                                respondent_id=invited.public_id), follow=True)
    assert "We emailed the link to ops@firm.example" in response.content.decode()
    (mail,) = mailoutbox
    assert mail.to == ["ops@firm.example"]
    token = team_services.respondent_token(invited)
    assert f"/team/{token}/" in mail.body
    assert assessment.company_name not in mail.body  # no words the lead typed
    invited.refresh_from_db()
    assert invited.reminded_at is not None


def test_the_data_export_carries_the_team(client, team):
    assessment, ops, _ = team
    team_services.respondent_answers_save(respondent=ops, answers={
        "vertical_integration": (UNKNOWN, "", "")})
    data = client.get(_url("data_export", public_id=assessment.public_id)).json()
    (exported,) = [r for r in data["respondents"] if r["name"] == "Priya"]
    assert exported["answers"] == [{"dimension": "vertical_integration", "band": None,
                                    "unknown": True, "evidence_kind": "", "evidence": ""}]


def test_erasing_the_assessment_erases_the_team(team):
    from readiness.models import AgreedBand, RespondentAnswer
    from readiness.privacy import assessment_erase

    assessment, ops, _ = team
    team_services.respondent_answers_save(respondent=ops,
                                          answers={"vertical_integration": (4, "")})
    team_services.agreed_band_record(assessment=assessment, dimension_key="vertical_integration",
                                     band=3, reason="", ratings=[])
    assessment_erase(assessment=assessment)
    assert not Respondent.objects.exists()
    assert not RespondentAnswer.objects.exists() and not AgreedBand.objects.exists()


def test_the_lead_can_remove_a_colleague_whose_link_then_opens_nothing(client, team):
    assessment, ops, _ = team
    it_person = _colleague(ops)
    token = team_services.respondent_token(ops)
    response = client.post(_url("respondent_remove", public_id=assessment.public_id,
                                respondent_id=ops.public_id), follow=True)
    assert "Priya (IT) is removed" in response.content.decode()
    assert not Respondent.objects.filter(pk=ops.pk).exists()
    assert it_person.get(_url("respondent_home", public_id=ops.public_id)).status_code == 404
    assert Client().get(_url("respondent_open", token=token)).status_code == 404
    # Nobody else can remove the lead's colleagues.
    _, _, floor = team
    assert Client().post(_url("respondent_remove", public_id=assessment.public_id,
                              respondent_id=floor.public_id)).status_code == 403
    assert Respondent.objects.filter(pk=floor.pk).exists()
