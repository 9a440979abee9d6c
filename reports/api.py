"""The JSON API under ``/api/v1/`` (DESIGN §7), declared with django-ninja.

Every input is checked by the schemas of ``reports.schemas``, which also make the OpenAPI
document at ``/api/v1/openapi.json``. Bad input answers 400 with ``{"errors": {field: [messages]}}``
naming each bad field; a wrong method 405 and too many requests 429, in the same JSON. Nothing
here stores data or reads a session or a cookie, so the API needs no CSRF token.
"""

from __future__ import annotations

import functools
import json
from decimal import Decimal
from typing import Any

import pydantic_core
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.urls import URLPattern, reverse
from django.utils import timezone
from ninja import NinjaAPI, Path, Query, Status
from ninja.errors import HttpError, ValidationError
from ninja.parser import Parser
from pydantic import BaseModel

from config.ratelimit import rate_limit, retry_after_seconds
from programmes.models import Programme as ProgrammeRecord
from programmes.selectors import programme_get, programme_list
from reports.evaluate import evaluation_run
from reports.schemas import (
    EVALUATE_MESSAGES,
    FILTER_MESSAGES,
    Errors,
    EvaluateRequest,
    Evaluation,
    NotFound,
    Programme,
    ProgrammeFilters,
    ProgrammeList,
    errors_from,
)

# An evaluation body is a few kilobytes; anything far larger is a mistake or an attack.
MAX_BODY_BYTES = 64 * 1024
TOO_LARGE = f"The body is larger than {MAX_BODY_BYTES // 1024} KB."
NO_OBJECT = "Send a JSON object with 'company' and 'answers'."


class BadBody(Exception):
    """A body that is not JSON at all: named ``body`` in the errors."""


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


class JsonBodyParser(Parser):
    """JSON as the standard allows it (no NaN or Infinity), within the size limit."""

    def parse_body(self, request: HttpRequest) -> Any:
        raw = request.body
        if len(raw) > MAX_BODY_BYTES:  # sent without a Content-Length (checked in api_guard)
            raise BadBody(TOO_LARGE)
        if not raw.strip():
            raise BadBody(NO_OBJECT)
        try:
            return json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
        except (ValueError, RecursionError) as error:
            raise BadBody(f"Malformed JSON: {str(error)[:200] or error.__class__.__name__}"
                          ) from error


class ReadinessAPI(NinjaAPI):
    def get_content_type(self) -> str:
        return "application/json"  # JSON is UTF-8 by definition (RFC 8259): no charset


api = ReadinessAPI(
    title="Readiness Compass API",
    version="1.0.0",
    description=("Evaluate a manufacturing firm's Industry 4.0 readiness (stateless) and read "
                 "the public support programmes it can use. Bad input answers 400 with a JSON "
                 "body naming each bad field."),
    urls_namespace="api",
    parser=JsonBodyParser(),
    openapi_url=None,  # served below, with paths relative to the server it names
    docs_url=None,
)


def checked_json(schema: type[BaseModel], data: Any, status: int = 200) -> HttpResponse:
    """``data`` written as JSON by pydantic's serializer (the JSON ninja would write from it,
    without its slower path through Python dicts and the json module), checked against the
    response schema the document declares wherever ``API_CHECK_RESPONSES`` is on (everywhere
    but production: settings say why)."""
    if settings.API_CHECK_RESPONSES:
        # Only what the data has: a part sent only when asked for is absent, not null.
        checked = schema.model_validate(data).model_dump_json(exclude_unset=True)
        content = pydantic_core.to_json(data)
        if json.loads(checked) != json.loads(content):
            # The schema dropped or reshaped something: the data and the document disagree.
            raise TypeError(f"{schema.__name__}: the answer differs from its schema's")
        return HttpResponse(content, content_type="application/json", status=status)
    return HttpResponse(pydantic_core.to_json(data), content_type="application/json",
                        status=status)


def error_response(errors: dict[str, list[str]], status: int = 400) -> JsonResponse:
    return JsonResponse({"errors": errors}, status=status)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
    if request.resolver_match and request.resolver_match.url_name == "programme":
        # The slug is the only input: text that cannot be a slug names no programme either.
        return JsonResponse(_not_found(request.resolver_match.kwargs.get("slug", "")),
                            status=404)
    # Locations start with where the value came from: "body" and the parameter's name, or
    # "query" / "path".
    body = [{**e, "loc": tuple(e["loc"][2:])} for e in error.errors if e["loc"][0] == "body"]
    other = [{**e, "loc": tuple(e["loc"][1:])} for e in error.errors if e["loc"][0] != "body"]
    errors = {**errors_from(body, EVALUATE_MESSAGES), **errors_from(other, FILTER_MESSAGES)}
    if request.resolver_match and request.resolver_match.url_name == "programmes":
        errors.update(_unknown_parameters(request))  # named with the bad values, all at once
    return error_response(errors)


def _not_found(slug: str) -> dict[str, str]:
    return {"detail": f"No programme '{slug}'."}


def _unknown_parameters(request: HttpRequest) -> dict[str, list[str]]:
    """Parameters the list does not know, and filters given more than once (which of two
    values was meant is not ours to guess), each named."""
    known = set(ProgrammeFilters.model_fields)
    faults = {name: ["Unknown parameter."] for name in sorted(set(request.GET) - known)}
    faults |= {name: ["Give this filter once."] for name in sorted(known)
               if len(request.GET.getlist(name)) > 1}
    return faults


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    # ninja wraps what the parser raises: a body that is not JSON at all.
    if isinstance(error.__cause__, BadBody):
        return error_response({"body": [str(error.__cause__)]})
    return error_response({"request": [str(error)]}, status=error.status_code)


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, error: RequestDataTooBig) -> HttpResponse:
    return error_response({"body": [TOO_LARGE]})


# Descriptions of the answers besides 200, merged by status into those ninja makes (int keys).
TOO_MANY = "Too many requests from this client; retry after the number of seconds in the " \
           "Retry-After header"


@api.post("/evaluate", url_name="evaluate", operation_id="evaluate",
          summary="Score, prioritise and match one firm; nothing is stored",
          response={200: Evaluation, 400: Errors, 429: Errors},
          openapi_extra={"responses": {200: {"description": "The evaluation"},
                                       400: {"description": "Bad input; each bad field is "
                                                              "named"},
                                       429: {"description": TOO_MANY}}})
def evaluate(request: HttpRequest, body: EvaluateRequest) -> HttpResponse:
    return checked_json(Evaluation, evaluation_run(body))


@api.get("/programmes", url_name="programmes", operation_id="listProgrammes",
         summary="Programmes, optionally filtered",
         response={200: ProgrammeList, 400: Errors, 429: Errors},
         openapi_extra={"responses": {200: {"description": "Matching programmes"},
                                      400: {"description": "A bad filter"},
                                      429: {"description": TOO_MANY}}})
def programmes(request: HttpRequest, filters: Query[ProgrammeFilters]) -> Any:
    # A filter that is present must be valid, even when empty: a typo never widens the list.
    if unknown := _unknown_parameters(request):
        return Status(400, {"errors": unknown})
    found = programme_list(country=filters.country or "", kind=filters.kind or "",
                           open_on=filters.open_on, q=filters.q or "")
    results = [programme_json(p, request) for p in found]
    return checked_json(ProgrammeList, {"count": len(results), "results": results})


@api.get("/programmes/{slug}", url_name="programme", operation_id="getProgramme",
         summary="One programme",
         response={200: Programme, 404: NotFound, 429: Errors},
         openapi_extra={"responses": {200: {"description": "The programme"},
                                      404: {"description": "No such programme (or not a slug)"},
                                      429: {"description": TOO_MANY}}})
def programme(request: HttpRequest, slug: str = Path(..., pattern=r"^[-a-zA-Z0-9_]+$")) -> Any:
    found = programme_get(slug=slug)
    if found is None:
        return Status(404, _not_found(slug))
    return checked_json(Programme, programme_json(found, request))


@api.get("/openapi.json", url_name="openapi", include_in_schema=False)
def openapi(request: HttpRequest) -> HttpResponse:
    document = api.get_openapi_schema(path_prefix="")
    document["servers"] = [{"url": request.build_absolute_uri("/api/v1")}]
    return JsonResponse(document)


def _number(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def programme_json(programme: ProgrammeRecord, request: HttpRequest | None = None
                   ) -> dict[str, Any]:
    url = programme.get_absolute_url()
    today = timezone.localdate()
    return {
        "slug": programme.slug,
        "name": programme.name,
        "country": programme.country,
        "summary": programme.summary,
        "description": programme.description,
        "kinds": sorted(k.key for k in programme.kinds.all()),
        "institutions": [
            {"slug": i.slug, "name": i.name, "country": i.country, "url": i.url}
            for i in programme.institutions.all()
        ],
        "money": {
            "amount_max": _number(programme.amount_max),
            "currency": programme.amount_currency,
            "match_rate_percent": programme.match_rate_percent,
            "budget_note": programme.budget_note,
        },
        "eligibility": {
            "countries": list(programme.eligible_countries),
            "regions": list(programme.eligible_regions),
            "sectors": list(programme.eligible_sectors),
            "min_employees": programme.min_employees,
            "max_employees": programme.max_employees,
            "max_turnover": _number(programme.max_turnover),
            "max_turnover_currency": programme.max_turnover_currency,
            "size_rule": programme.size_rule,
            "firm_types": list(programme.firm_types),
        },
        "suits": {
            "dimensions": list(programme.dimensions),
            "min_band": programme.min_band,
            "max_band": programme.max_band,
        },
        "opens_on": programme.opens_on,
        "closes_on": programme.closes_on,
        "open_now": programme.is_open_on(today),
        "status": programme.status,
        "status_checked_on": programme.status_checked_on,
        "stale": programme.is_stale_on(today),
        "status_source": dict(programme.status_source),
        "regional_status": list(programme.regional_status),
        "primary_kind": programme.primary_kind,
        "cost_to_firm": programme.cost_to_firm,
        "official_name": programme.official_name,
        "rounds": list(programme.rounds),
        "predecessor": programme.predecessor or None,
        "successor": programme.successor or None,
        "tiers": list(programme.tiers),
        "delivery": list(programme.delivery),
        "sme_rule": programme.sme_rule,
        "how_to_apply": programme.how_to_apply,
        "apply_url": programme.apply_url,
        "source": {
            "title": programme.source_title,
            "url": programme.source_url,
            "facts_as_of": programme.facts_as_of,
            "others": list(programme.other_sources),
            "dated": list(programme.sources),
        },
        "assumptions": programme.assumptions,
        "url": request.build_absolute_uri(url) if request else url,
        "api_url": reverse("api:programme", kwargs={"slug": programme.slug}),
    }


# Around every URL of the API, before ninja: the rate limit, the declared size of a body, and
# wrong methods answered in the API's JSON (ninja's own 405 is plain text).


def too_many_requests(request: HttpRequest, rate: str) -> JsonResponse:
    """The API's refusal past its rate limit: JSON like every other API error."""
    response = error_response({"rate": [f"Too many requests (limit {rate}); try again shortly."]},
                              status=429)
    response["Retry-After"] = str(retry_after_seconds(rate))
    return response


def api_guard(view: Any) -> Any:
    @functools.wraps(view)
    @rate_limit("api", response=too_many_requests)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        declared = request.META.get("CONTENT_LENGTH") or "0"
        if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            return error_response({"body": [TOO_LARGE]})
        if request.method == "HEAD":  # a GET without its body (the server drops it)
            request.method = "GET"
        response = view(request, *args, **kwargs)
        if response.status_code == 405:
            allowed = response.get("Allow", "")
            response = error_response({"method": [f"Use {allowed}."]}, status=405)
            response["Allow"] = allowed
        return response

    guarded.csrf_exempt = True  # type: ignore[attr-defined]
    return guarded


def _guarded_patterns() -> list[Any]:
    patterns, _app, _namespace = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = api_guard(pattern.callback)
    return patterns


# include("reports.api") under /api/v1/; names as before: api:evaluate, api:programme, ...
app_name = "api"
urlpatterns = _guarded_patterns()
