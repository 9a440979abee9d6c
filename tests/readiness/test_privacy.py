"""Data rights of the link holder: export everything as JSON, erase it, purge old drafts."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from readiness import privacy
from readiness.models import Answer, Assessment, Firm
from tests.factories import DIMENSION_KEYS, answer, make_assessment, make_submitted, open_link, url

pytestmark = pytest.mark.django_db


def age(assessment: Assessment, days: int) -> None:
    Assessment.objects.filter(pk=assessment.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=days))


def test_export_holds_profile_answers_objectives_costs_scores_priorities(framework, client):
    bands = {k: i % 6 for i, k in enumerate(DIMENSION_KEYS)} | {"facility_automation": None}
    assessment, token = make_assessment(company_name="Exporting Ltd", employees=61)
    answer(assessment, bands, evidence="our note")
    Assessment.objects.filter(pk=assessment.pk).update(
        objectives=["quality", "speed"], cost_profile={"labour": 60, "energy": 40})
    open_link(client, token)

    response = client.get(url("data_export", assessment))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    assert data["assessment"]["id"] == str(assessment.public_id)
    assert data["profile"]["company_name"] == "Exporting Ltd"
    assert data["profile"]["employees"] == 61
    assert {a["dimension"]: a["band"] for a in data["answers"]} == bands
    assert {a["evidence"] for a in data["answers"]} == {"our note"}
    assert data["objectives"] == ["quality", "speed"]
    assert data["cost_profile"] == {"labour": 60, "energy": 40}
    assert set(data["scores"]) >= {"dimensions", "pillars", "blocks", "overall", "percent"}
    assert data["scores"]["dimensions"]["facility_automation"] is None
    ranked = [p["dimension"] for p in data["priorities"]]
    assert ranked and set(ranked) <= set(DIMENSION_KEYS) - {"facility_automation"}


def test_export_and_erase_need_the_link(framework):
    assessment, _ = make_assessment()
    stranger = Client()
    assert stranger.get(url("data_export", assessment)).status_code == 403
    assert stranger.post(url("erase", assessment), {"confirm": "yes"}).status_code == 403
    assert Assessment.objects.filter(pk=assessment.pk).exists()


def test_erase_asks_for_confirmation_then_deletes_everything(framework, client):
    assessment, token = make_submitted()
    other, _ = make_assessment()  # another firm's data stays
    open_link(client, token)

    page = client.get(url("erase", assessment))
    assert page.status_code == 200
    assert b'name="confirm"' in page.content
    unconfirmed = client.post(url("erase", assessment), {})
    assert unconfirmed.status_code == 400
    assert Assessment.objects.filter(pk=assessment.pk).exists()

    done = client.post(url("erase", assessment), {"confirm": "yes"})

    assert done.status_code == 302
    assert not Assessment.objects.filter(pk=assessment.pk).exists()
    assert not Answer.objects.filter(assessment_id=assessment.pk).exists()
    assert not Firm.objects.filter(pk=assessment.firm_id).exists()
    assert Assessment.objects.filter(pk=other.pk).exists()
    assert open_link(client, token).status_code == 404
    assert client.get(url("results", assessment)).status_code == 404


def test_erase_keeps_the_firm_while_it_has_other_assessments(framework):
    first, _ = make_submitted()
    from readiness import services

    second, _ = services.assessment_start(
        profile={f: getattr(first, f) for f in services.PROFILE_FIELDS}, previous=first)
    result = privacy.assessment_erase(assessment=second)
    assert result.firm_deleted is False
    assert result.answers == len(DIMENSION_KEYS)  # prefilled from the first
    assert Firm.objects.filter(pk=first.firm_id).exists()
    assert Answer.objects.filter(assessment=first).count() == len(DIMENSION_KEYS)


def test_registered_erasers_and_exporters_take_part(framework):
    assessment, _ = make_assessment()
    seen: list[str] = []

    def erase_hook(target: Assessment) -> None:
        # Runs before the delete: the row and its relations are still there.
        seen.append(f"{target.public_id}:{target.answers.count()}")

    def export_hook(target: Assessment) -> dict:
        return {"notes": [f"note on {target.company_name}"]}

    answer(assessment, {"vertical_integration": 2})
    privacy.register_eraser(erase_hook)
    privacy.register_exporter("advisor_notes")(export_hook)
    try:
        exported = privacy.assessment_export(assessment=assessment)
        privacy.assessment_erase(assessment=assessment)
    finally:
        privacy._erasers.remove(erase_hook)
        privacy._exporters.pop("advisor_notes")
    assert exported["advisor_notes"] == {"notes": [f"note on {assessment.company_name}"]}
    assert seen == [f"{assessment.public_id}:1"]


def test_a_failing_eraser_rolls_the_whole_erase_back(framework):
    assessment, _ = make_assessment()
    answer(assessment, {"vertical_integration": 2})

    def broken(target: Assessment) -> None:
        raise RuntimeError("storage unavailable")

    privacy.register_eraser(broken)
    try:
        with pytest.raises(RuntimeError):
            privacy.assessment_erase(assessment=assessment)
    finally:
        privacy._erasers.remove(broken)
    assert Answer.objects.filter(assessment=assessment).count() == 1


def test_purge_drafts_erases_only_old_drafts(framework, settings):
    settings.DRAFT_RETENTION_DAYS = 200
    old_draft, _ = make_assessment(company_name="Abandoned")
    answer(old_draft, {"vertical_integration": 1})
    recent_draft, _ = make_assessment(company_name="Busy")
    old_submitted, _ = make_submitted(company_name="Done long ago")
    age(old_draft, 201)
    age(recent_draft, 199)
    age(old_submitted, 900)

    call_command("purge_drafts", "--dry-run")
    assert Assessment.objects.filter(pk=old_draft.pk).exists()

    call_command("purge_drafts")
    assert not Assessment.objects.filter(pk=old_draft.pk).exists()
    assert not Answer.objects.filter(assessment_id=old_draft.pk).exists()
    assert Assessment.objects.filter(pk=recent_draft.pk).exists()
    assert Assessment.objects.filter(pk=old_submitted.pk).exists()

    call_command("purge_drafts", "--older-than-days", "100")
    assert not Assessment.objects.filter(pk=recent_draft.pk).exists()


def test_results_and_review_link_to_the_data_rights(framework, client):
    draft, token = make_assessment()
    open_link(client, token)
    review = client.get(url("review", draft)).content.decode()
    assert url("data_export", draft) in review and url("erase", draft) in review
    submitted, token = make_submitted()
    open_link(client, token)
    results = client.get(url("results", submitted)).content.decode()
    assert url("data_export", submitted) in results and url("erase", submitted) in results
