"""What each answer rests on (observed, a document, an estimate): asked per dimension, stored
per answer, refused when it is none of these, shown on the review and the results page."""

from __future__ import annotations

from django.urls import reverse

from readiness import services
from readiness.models import Answer
from tests.factories import DIMENSION_KEYS, answer, make_assessment, open_link


def _pillar_url(assessment, pillar_key="automation"):
    return reverse("readiness:pillar", kwargs={"public_id": assessment.public_id,
                                               "pillar_key": pillar_key})


def test_each_answer_can_say_what_it_rests_on_and_review_and_results_show_it(
        client, framework, loaded):
    assessment, token = make_assessment()
    open_link(client, token)
    assert "What does this answer rest on?" in client.get(_pillar_url(assessment)).content.decode()
    response = client.post(_pillar_url(assessment), {
        "band_shop_floor_automation": "2", "basis_shop_floor_automation": "document",
        "evidence_shop_floor_automation": "Maintenance log 2025",
        "band_enterprise_automation": "3", "basis_enterprise_automation": "estimate",
        "band_facility_automation": "1"})
    assert response.status_code == 302
    kinds = dict(assessment.answers.values_list("dimension_key", "evidence_kind"))
    assert kinds == {"shop_floor_automation": "document", "enterprise_automation": "estimate",
                     "facility_automation": ""}
    answer(assessment, {k: 2 for k in DIMENSION_KEYS if k not in kinds})
    review = client.get(reverse("readiness:review",
                                kwargs={"public_id": assessment.public_id})).content.decode()
    assert "Rests on: a document or record" in review
    assert "Rests on: an estimate" in review
    services.assessment_submit(assessment=assessment)
    results = client.get(reverse("readiness:results",
                                 kwargs={"public_id": assessment.public_id})).content.decode()
    assert "Rests on: a document" in results and "Maintenance log 2025" in results


def test_a_made_up_kind_is_refused_with_a_message_and_nothing_else_lost(client, framework):
    assessment, token = make_assessment()
    open_link(client, token)
    response = client.post(_pillar_url(assessment), {
        "band_shop_floor_automation": "2", "basis_shop_floor_automation": "hearsay",
        "evidence_shop_floor_automation": "kept"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Choose observed, a document or an estimate" in page and "kept" in page
    assert not Answer.objects.filter(assessment=assessment).exists()


def test_the_service_refuses_an_unknown_kind(framework):
    assessment, _ = make_assessment()
    import pytest
    from django.core.exceptions import ValidationError
    with pytest.raises(ValidationError):
        services.answers_save(assessment=assessment,
                              answers={"vertical_integration": (2, "", "rumour")})
    services.answers_save(assessment=assessment,
                          answers={"vertical_integration": (2, "", "observed")})
    assert assessment.answers.get().evidence_kind == "observed"
