""""Don't know" (``"unknown"``) as an answer of its own: left out of every mean like "not
applicable", counted apart from it, accepted by the pure scoring, the questionnaire, the stored
submission and the evaluation used by the CLI."""

from __future__ import annotations

import pytest
from django.urls import reverse

from readiness import services
from readiness.framework import load_framework
from readiness.models import Answer
from readiness.scoring import UNKNOWN, score
from reports.bulk import payload_from_row
from reports.evaluate import evaluation_run
from reports.schemas import InputError, evaluation_body
from tests.factories import DIMENSION_KEYS, PROFILE, answer, make_assessment, open_link

SPEC = load_framework(1)


def test_unknown_is_left_out_of_the_means_like_not_applicable_and_counted_apart():
    bands = dict.fromkeys(DIMENSION_KEYS, 3) | {"vertical_integration": 5}
    as_unknown = score(SPEC, bands | {"shop_floor_automation": UNKNOWN,
                                      "enterprise_automation": UNKNOWN})
    as_na = score(SPEC, bands | {"shop_floor_automation": None, "enterprise_automation": None})
    assert as_unknown.overall == as_na.overall == pytest.approx((5 + 3 * 13) / 14)
    assert as_unknown.pillars == as_na.pillars
    assert as_unknown.unknown == ("shop_floor_automation", "enterprise_automation")
    assert as_unknown.unknown_count == 2
    assert as_na.unknown == ()
    assert as_unknown.dimensions["shop_floor_automation"] is None
    assert as_unknown.as_dict()["unknown"] == ["shop_floor_automation", "enterprise_automation"]


def test_a_pillar_whose_dimensions_are_all_unknown_has_no_score():
    scores = score(SPEC, dict.fromkeys(DIMENSION_KEYS, 2) | {"vertical_integration": UNKNOWN})
    assert scores.pillars["operations"] is None
    assert scores.blocks["process"] == pytest.approx(2)


@pytest.mark.parametrize("bad", ["Unknown", "dont know", True, 6, -1, 2.5])
def test_anything_else_than_a_band_none_or_unknown_is_refused(bad):
    with pytest.raises(ValueError, match="vertical_integration"):
        score(SPEC, {"vertical_integration": bad})


def _payload(answers):
    company = {k: v for k, v in PROFILE.items() if v not in (None, "")}
    return {"company": company, "answers": answers}


def test_the_evaluation_accepts_unknown_and_counts_it(framework, loaded):
    answers = dict.fromkeys(DIMENSION_KEYS, 2) | {"facility_automation": "unknown",
                                                   "vertical_integration": None}
    result = evaluation_run(evaluation_body(_payload(answers)))
    assert result["scores"]["unknown"] == ["facility_automation"]
    assert result["scores"]["dimensions"]["facility_automation"] is None
    assert "facility_automation" not in {p["dimension"] for p in result["priorities"]}


def test_the_evaluation_names_a_bad_answer_and_says_unknown_is_allowed(framework):
    with pytest.raises(InputError) as error:
        evaluation_body(_payload({"vertical_integration": "maybe"}))
    assert '"unknown"' in error.value.errors["answers.vertical_integration"][0]


def test_a_table_row_may_say_dont_know():
    row = {**PROFILE, "vertical_integration": "dk", "facility_automation": "n/a",
           "shop_floor_automation": "3"}
    assert payload_from_row(row, SPEC)["answers"] == {
        "vertical_integration": UNKNOWN, "facility_automation": None,
        "shop_floor_automation": 3}


def test_the_questionnaire_offers_dont_know_and_stores_it_apart_from_na(client, framework):
    assessment, token = make_assessment()
    open_link(client, token)
    url = reverse("readiness:pillar", kwargs={"public_id": assessment.public_id,
                                              "pillar_key": "automation"})
    page = client.get(url).content.decode()
    assert 'value="unknown"' in page and "Don't know" in page
    response = client.post(url, {"band_shop_floor_automation": "unknown",
                                 "band_enterprise_automation": "na",
                                 "band_facility_automation": "2"})
    assert response.status_code == 302
    stored = {a.dimension_key: (a.band, a.is_unknown) for a in assessment.answers.all()}
    assert stored == {"shop_floor_automation": (None, True),
                      "enterprise_automation": (None, False),
                      "facility_automation": (2, False)}
    # Coming back shows "don't know" chosen, not "not applicable".
    again = client.get(url).content.decode()
    assert 'value="unknown" checked' in again.replace("\n", " ") or \
        'id="id_band_shop_floor_automation_unknown" value="unknown" checked' in again


def test_a_submission_with_unknowns_is_scored_and_shows_the_count(client, framework, loaded):
    assessment, token = make_assessment()
    answer(assessment, dict.fromkeys(DIMENSION_KEYS, 3)
           | {"vertical_integration": UNKNOWN, "leadership_competency": UNKNOWN})
    services.assessment_submit(assessment=assessment)
    assessment.refresh_from_db()
    assert assessment.scores["unknown"] == ["vertical_integration", "leadership_competency"]
    assert assessment.overall_score == pytest.approx(3)
    assert Answer.objects.filter(assessment=assessment, is_unknown=True).count() == 2
    open_link(client, token)
    page = client.get(reverse("readiness:results",
                              kwargs={"public_id": assessment.public_id})).content.decode()
    assert "2 dimensions not known" in page
    assert "Not known: nobody who answered could say." in page
