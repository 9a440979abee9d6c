"""The one evaluation pipeline (reports.pipeline): the results page's evaluation of a stored
assessment, the API and ``manage.py evaluate`` give the same answer for the same firm."""

from __future__ import annotations

import datetime
import io
import json

from django.core.management import call_command

from readiness import services
from readiness.models import Answer
from reports.pipeline import evaluation_for_assessment
from reports.selectors import results_context
from tests.factories import DIMENSION_KEYS, answer, make_assessment, make_submitted

AS_OF = datetime.date(2020, 11, 30)
BANDS = {"vertical_integration": 1, "shop_floor_automation": 0, "facility_automation": None,
         "workforce_learning_development": 4}


def body_of(assessment) -> dict:
    """The API body for the same firm as a stored assessment."""
    answers = {a.dimension_key: a.band
               for a in Answer.objects.filter(assessment=assessment)}
    return {
        "company": {"company_name": assessment.company_name, "country": assessment.country,
                    "region": assessment.region, "employees": assessment.employees,
                    "sector": assessment.sector},
        "answers": answers,
        "objectives": list(assessment.objectives),
        "cost_profile": dict(assessment.cost_profile),
        "as_of": AS_OF.isoformat(),
    }


def test_the_page_the_api_and_the_command_evaluate_a_firm_alike(client, framework, loaded,
                                                                 tmp_path):
    assessment, _ = make_assessment()
    answer(assessment, dict.fromkeys(DIMENSION_KEYS, 2) | BANDS)
    services.assessment_update_objectives(assessment=assessment, objectives=["productivity"],
                                          cost_profile={"labour": 40, "materials": 60})
    services.assessment_submit(assessment=assessment)
    assessment.refresh_from_db()
    stored = evaluation_for_assessment(assessment, as_of=AS_OF)
    # Through JSON as the API writes it (dates and decimals as text).
    expected = json.loads(json.dumps(stored.as_dict(), default=str))
    assert expected["matches"], "a North West metal firm has matches in 2020"
    assert expected["plan"], "a firm with gaps has a plan"

    response = client.post("/api/v1/evaluate", json.dumps(body_of(assessment)),
                           content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json() == expected

    path = tmp_path / "firm.json"
    path.write_text(json.dumps(body_of(assessment)), encoding="utf-8")
    out = io.StringIO()
    call_command("evaluate", str(path), stdout=out)
    assert json.loads(out.getvalue()) == expected


def test_the_results_context_is_typed_and_carries_the_evaluation(framework, loaded):
    assessment, _ = make_submitted(BANDS)
    context = results_context(assessment, as_of=AS_OF)
    assert context.results.match_result is context.match_result
    assert context.results.plan is context.plan
    assert [row.priority for row in context.priorities] == context.results.priorities[:5]
    by_key = {row.dim.key: row for row in context.dimension_rows}
    assert by_key["workforce_learning_development"].band == 4
    assert by_key["facility_automation"].band is None
    assert by_key["facility_automation"].answered  # "not applicable" is an answer
    # A template reads the fields by name, the same objects (not copies).
    assert context.template_context()["plan"] is context.plan
