"""The JSON API (DESIGN §7): contract against the served OpenAPI document, and bad input."""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections

FIRM = {"country": "GB", "region": "North West", "employees": 45, "sector": "25"}
BODY = {
    "company": FIRM,
    "answers": {"vertical_integration": 1, "shop_floor_automation": 0,
                "facility_automation": None},
    "objectives": ["productivity", "quality"],
    "cost_profile": {"labour": 40, "materials": 60},
    "as_of": "2020-11-30",
}


@pytest.fixture
def wsgi_app(db):
    """The real WSGI application inside the test's transaction.

    Django closes "old" connections at the start and end of each request, which inside a test
    transaction would break it; its own test client disconnects these handlers the same way.
    """
    call_command("load_programmes", verbosity=0)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(wsgi_app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)


def post(client, body, **extra):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post("/api/v1/evaluate", data, content_type="application/json", **extra)


def call_validated(api_schema, path: str, method: str, **kwargs):
    case = api_schema[path][method].Case(**kwargs)
    response = case.call()
    case.validate_response(response)  # status, content type and body against the document
    return response


def test_the_document_is_served_and_valid_openapi(api_schema):
    operations = {(op.ok().method.upper(), op.ok().path) for op in api_schema.get_all_operations()}
    assert operations == {("POST", "/evaluate"), ("GET", "/programmes"),
                          ("GET", "/programmes/{slug}")}


def test_evaluate_answers_per_the_document(api_schema):
    response = call_validated(api_schema, "/evaluate", "POST", body=BODY)
    assert response.status_code == 200
    answer = response.json()
    assert set(answer) == {"framework_version", "scores", "priorities", "matches", "tools",
                           "near_misses", "plan"}
    assert answer["scores"]["dimensions"]["facility_automation"] is None
    assert answer["scores"]["overall"] == pytest.approx(0.5)
    assert [p["rank"] for p in answer["priorities"]] == [1, 2]
    pilot = next(m for m in answer["matches"] if m["programme"] == "made-smarter-nw-adoption-pilot")
    assert set(pilot) == {"programme", "name", "country", "relevance", "reasons", "status",
                          "status_checked_on", "stale", "conditions"}
    assert pilot["country"] == "GB" and 0 <= pilot["relevance"] <= 1
    assert "You are in the North West, where it runs." in pilot["reasons"]


def test_evaluate_today_drops_the_closed_pilot_from_matches_and_near_misses(api_schema):
    # A programme that closed years ago is history, not something the firm can act on.
    body = {k: v for k, v in BODY.items() if k != "as_of"}
    answer = call_validated(api_schema, "/evaluate", "POST", body=body).json()
    listed = {m["programme"] for m in answer["matches"] + answer["near_misses"]}
    assert "made-smarter-nw-adoption-pilot" not in listed


def test_programmes_list_and_detail_per_the_document(api_schema):
    listing = call_validated(api_schema, "/programmes", "GET",
                             query={"country": "SG", "kind": "demonstration"}).json()
    assert listing["count"] == len(listing["results"]) > 0
    assert all(p["country"] == "SG" and "demonstration" in p["kinds"]
               for p in listing["results"])
    one = call_validated(api_schema, "/programmes/{slug}", "GET",
                         path_parameters={"slug": "us-mep"}).json()
    assert one["eligibility"]["max_employees"] == 499
    assert one["source"]["facts_as_of"] == "2026-01-15"  # its newest fact: the FY2026 bill
    ohio = next(r for r in one["regional_status"] if r["region"] == "OH")
    assert ohio["status"] == "suspended" and ohio["status_checked_on"]
    assert one["status"] in {"open", "unknown"} and one["open_now"] is (one["status"] == "open"
                                                                         and not one["stale"])
    assert all(source["read_on"] for source in one["source"]["dated"])
    missing = call_validated(api_schema, "/programmes/{slug}", "GET",
                             path_parameters={"slug": "no-such"})
    assert missing.status_code == 404


def test_open_on_filter(client, db):
    call_command("load_programmes", verbosity=0)
    in_2020 = client.get("/api/v1/programmes", {"country": "GB", "open_on": "2020-11-30"}).json()
    slugs = {p["slug"] for p in in_2020["results"]}
    assert "made-smarter-nw-adoption-pilot" in slugs
    assert "made-smarter-adoption-england" not in slugs


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"answers": {"not_a_dimension": 2}}, "answers.not_a_dimension"),
        ({"answers": {"vertical_integration": 7}}, "answers.vertical_integration"),
        ({"answers": {"vertical_integration": "3"}}, "answers.vertical_integration"),
        ({"answers": {"vertical_integration": True}}, "answers.vertical_integration"),
        ({"company": {**FIRM, "country": "XX"}}, "company.country"),
        ({"company": {k: v for k, v in FIRM.items() if k != "employees"}}, "company.employees"),
        ({"company": {**FIRM, "employees": 0}}, "company.employees"),
        ({"company": {**FIRM, "region": "Atlantis"}}, "company.region"),
        ({"company": {**FIRM, "region": ""}}, "company.region"),
        ({"company": {**FIRM, "sector": "1"}}, "company.sector"),
        ({"company": {**FIRM, "turnover": 1000}}, "company.turnover_currency"),
        ({"company": {**FIRM, "turnover": -1, "turnover_currency": "GBP"}}, "company.turnover"),
        ({"company": {**FIRM, "turnover": 5, "turnover_currency": "ZZZ"}},
         "company.turnover_currency"),
        ({"company": {**FIRM, "shoe_size": 9}}, "company.shoe_size"),
        ({"company": "GB"}, "company"),
        ({"answers": [1, 2]}, "answers"),
        ({"objectives": ["fame"]}, "objectives[0]"),
        ({"objectives": ["quality", "quality"]}, "objectives[1]"),
        ({"objectives": ["quality", "speed", "cost", "safety"]}, "objectives"),
        ({"cost_profile": {"bribes": 10}}, "cost_profile.bribes"),
        ({"cost_profile": {"labour": -5}}, "cost_profile.labour"),
        ({"as_of": "30/11/2020"}, "as_of"),
        ({"as_of": "2020-02-30"}, "as_of"),
        ({"extra": 1}, "extra"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(client, db, change, field):
    response = post(client, {**BODY, **change})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert field in response.json()["errors"]


def test_missing_required_parts_are_all_named(client, db):
    errors = post(client, {}).json()["errors"]
    assert set(errors) == {"company", "answers"}


def test_every_bad_field_is_named_at_once(client, db):
    body = {"company": {"country": "XX", "sector": "25"},
            "answers": {"vertical_integration": 9, "nope": 1}}
    errors = post(client, body).json()["errors"]
    assert set(errors) == {"company.country", "company.employees",
                           "answers.vertical_integration", "answers.nope"}


@pytest.mark.parametrize(
    "raw",
    ["{", "not json", '{"company": NaN}', "[1, 2", "", "null", "[]", '"text"', b"\xff\xfe{",
     "[" * 10_000 + "]" * 10_000],
)
def test_malformed_bodies_are_a_400(client, db, raw):
    response = post(client, raw)
    assert response.status_code == 400
    assert "body" in response.json()["errors"]


def test_a_10_mb_body_is_refused_with_a_400(client, db):
    huge = json.dumps({**BODY, "padding": "x" * (10 * 1024 * 1024)})
    response = post(client, huge)
    assert response.status_code == 400
    assert "larger than" in response.json()["errors"]["body"][0]


def test_wrong_methods_are_a_json_405(client, db):
    assert client.get("/api/v1/evaluate").status_code == 405
    response = client.delete("/api/v1/programmes/us-mep")
    assert response.status_code == 405
    assert response.json()["errors"]["method"] == ["Use GET."]


@pytest.mark.parametrize(
    ("query", "field"),
    [({"country": "XX"}, "country"), ({"kind": "magic"}, "kind"),
     ({"open_on": "tomorrow"}, "open_on"), ({"colour": "red"}, "colour"), ({"q": "x" * 101}, "q")],
)
def test_bad_list_filters_are_a_400(client, db, query, field):
    response = client.get("/api/v1/programmes", query)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_evaluate_stores_nothing(client, db):
    from readiness.models import Assessment

    assert post(client, BODY).status_code == 200
    assert Assessment.objects.count() == 0


def test_the_document_describes_the_schema_that_validates(client, db):
    from readiness.framework import CURRENT_VERSION, load_framework

    spec = load_framework(CURRENT_VERSION)
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    answers = schemas["Answers"]
    assert list(answers["properties"]) == list(spec.dimension_keys)
    assert answers["additionalProperties"] is False
    band = answers["properties"]["vertical_integration"]["anyOf"]
    assert {"type": "integer", "minimum": 0, "maximum": 5} in band
    assert {"const": "unknown", "type": "string"} in band
    assert list(schemas["CostProfile"]["properties"]) == list(spec.cost_keys)
    assert set(schemas["EvaluateRequest"]["required"]) == {"company", "answers"}
    assert set(schemas["Company"]["required"]) == {"country", "employees", "sector"}
    # Every answer besides 200 is described with its body, so that fuzzing checks those too.
    responses = client.get("/api/v1/openapi.json").json()["paths"]["/evaluate"]["post"]["responses"]
    assert {status: r["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
            for status, r in responses.items()} == {"200": "Evaluation", "400": "Errors",
                                                     "429": "Errors"}


def test_dont_know_is_accepted_and_left_out_of_every_mean(client, db):
    body = {**BODY, "answers": {"vertical_integration": 1, "shop_floor_automation": "unknown"}}
    answer = post(client, body).json()
    assert answer["scores"]["dimensions"]["shop_floor_automation"] is None
    assert answer["scores"]["overall"] == pytest.approx(1.0)


def test_include_names_known_parts_only(client, db):
    assert post(client, {**BODY, "include": ["international"]}).status_code == 200
    response = post(client, {**BODY, "include": ["horoscope"]})
    assert response.status_code == 400
    assert response.json()["errors"] == {"include[0]": ["Unknown part; choose from international."]}


def test_messages_name_the_fault_in_our_words(client, db):
    body = {"company": {**FIRM, "employees": 4.5, "sector": 25}, "answers": {"nope": 1},
            "objectives": ["quality", "quality"]}
    assert post(client, body).json()["errors"] == {
        "company.employees": ["Give the headcount as a whole number of at least 1."],
        "company.sector": ["Give an ISIC Rev. 4 division as two digits, e.g. \"25\"."],
        "answers.nope": ["Unknown dimension key."],
        "objectives[1]": ["Listed twice."],
    }


def test_the_api_needs_no_csrf_token_and_reads_no_cookie(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    assert post(client, BODY).status_code == 200


def test_head_is_a_get_without_a_body_and_405_names_the_method(client, db):
    assert client.head("/api/v1/programmes").status_code == 200
    response = client.put("/api/v1/evaluate", "{}", content_type="application/json")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response.json() == {"errors": {"method": ["Use POST."]}}


def test_every_bad_filter_is_named_at_once(client, db):
    errors = client.get("/api/v1/programmes", {"country": "XX", "colour": "red"}).json()["errors"]
    assert set(errors) == {"country", "colour"}
    assert client.get("/api/v1/programmes/not%20a%20slug").json() == {
        "detail": "No programme 'not a slug'."}


def test_a_filter_given_twice_is_named_not_guessed(client, db):
    response = client.get("/api/v1/programmes?q=robot&q=&country=GB")
    assert response.status_code == 400
    assert response.json() == {"errors": {"q": ["Give this filter once."]}}
    assert client.get("/api/v1/programmes?q=robot&country=GB").status_code == 200
