"""The JSON API (DESIGN §7): evaluate a firm, read programmes, and the OpenAPI document.

Plain Django views: every bad input answers 400 with ``{"errors": {field: [messages]}}``, and
nothing here stores data or needs a session, so the API is exempt from CSRF.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from functools import wraps
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from config.ratelimit import rate_limit, retry_after_seconds
from programmes.models import Kind, Programme
from programmes.openapi import openapi_document
from programmes.selectors import programme_get, programme_list
from readiness.reference import is_country
from reports.evaluation import DATE_PATTERN, EvaluationError, evaluate, parse_evaluation

# An evaluation body is a few kilobytes; anything far larger is a mistake or an attack.
MAX_BODY_BYTES = 64 * 1024
LIST_PARAMETERS = {"country", "kind", "open_on", "q"}


def error_response(errors: dict[str, list[str]], status: int = 400) -> JsonResponse:
    return JsonResponse({"errors": errors}, status=status)


def _method_not_allowed(allowed: str) -> JsonResponse:
    response = error_response({"method": [f"Use {allowed}."]}, status=405)
    response["Allow"] = allowed
    return response


def _read_json(request: HttpRequest) -> Any:
    """The decoded body, or EvaluationError naming what is wrong with it."""
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise EvaluationError({"body": [f"The body is larger than {MAX_BODY_BYTES // 1024} KB."]})
    raw = request.read(MAX_BODY_BYTES + 1)
    if len(raw) > MAX_BODY_BYTES:
        raise EvaluationError({"body": [f"The body is larger than {MAX_BODY_BYTES // 1024} KB."]})
    if not raw.strip():
        raise EvaluationError({"body": ["Send a JSON object with 'company' and 'answers'."]})
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except (ValueError, RecursionError) as error:
        raise EvaluationError({"body": [f"Malformed JSON: {_short(error)}"]}) from error


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _short(error: Exception) -> str:
    return str(error)[:200] or error.__class__.__name__


def get_only(view):
    """Answer other methods with a JSON 405, like every other API error."""

    @wraps(view)
    @rate_limit("api", response=too_many_requests)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if request.method not in {"GET", "HEAD"}:
            return _method_not_allowed("GET")
        return view(request, *args, **kwargs)

    # The 405 must come from us, not from the CSRF check that a POST would otherwise meet.
    return csrf_exempt(wrapper)


def too_many_requests(request: HttpRequest, rate: str) -> JsonResponse:
    """The API's refusal past its rate limit: JSON like every other API error."""
    response = error_response({"rate": [f"Too many requests (limit {rate}); try again shortly."]},
                              status=429)
    response["Retry-After"] = str(retry_after_seconds(rate))
    return response


@csrf_exempt
@rate_limit("api", response=too_many_requests)
def evaluate_view(request: HttpRequest) -> JsonResponse:
    if request.method != "POST":
        return _method_not_allowed("POST")
    try:
        payload = _read_json(request)
        checked = parse_evaluation(payload)
    except EvaluationError as error:
        return error_response(error.errors)
    return JsonResponse(evaluate(checked))


@get_only
def programmes_view(request: HttpRequest) -> JsonResponse:
    errors: dict[str, list[str]] = {}
    for name in sorted(set(request.GET) - LIST_PARAMETERS):
        errors[name] = ["Unknown parameter."]
    # A filter that is present must be valid, even when empty: a typo never widens the list.
    country = request.GET.get("country")
    if country is not None and not is_country(country):
        errors["country"] = ["Give an ISO 3166-1 alpha-2 country code."]
    kind = request.GET.get("kind")
    if kind is not None and kind not in Kind.values:
        errors["kind"] = [f"Choose one of {', '.join(Kind.values)}."]
    open_on = None
    if (raw := request.GET.get("open_on")) is not None:
        try:
            if not DATE_PATTERN.fullmatch(raw):
                raise ValueError(raw)
            open_on = datetime.date.fromisoformat(raw)
        except ValueError:
            errors["open_on"] = ["Give a date as YYYY-MM-DD."]
    q = request.GET.get("q", "")
    if len(q) > 100:
        errors["q"] = ["At most 100 characters."]
    elif "\x00" in q:
        errors["q"] = ["Null characters are not allowed."]
    if errors:
        return error_response(errors)
    programmes = programme_list(country=country or "", kind=kind or "", open_on=open_on, q=q)
    results = [programme_json(p, request) for p in programmes]
    return JsonResponse({"count": len(results), "results": results})


@get_only
def programme_view(request: HttpRequest, slug: str) -> JsonResponse:
    programme = programme_get(slug=slug)
    if programme is None:
        return JsonResponse({"detail": f"No programme '{slug}'."}, status=404)
    return JsonResponse(programme_json(programme, request))


@get_only
def openapi_view(request: HttpRequest) -> JsonResponse:
    return JsonResponse(openapi_document(server_url=request.build_absolute_uri("/api/v1")))


def _number(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def programme_json(programme: Programme, request: HttpRequest | None = None) -> dict[str, Any]:
    url = programme.get_absolute_url()
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
        "opens_on": programme.opens_on.isoformat() if programme.opens_on else None,
        "closes_on": programme.closes_on.isoformat() if programme.closes_on else None,
        "open_now": programme.is_open_on(timezone.localdate()),
        "status": programme.status,
        "status_checked_on": (programme.status_checked_on.isoformat()
                              if programme.status_checked_on else None),
        "stale": programme.is_stale_on(timezone.localdate()),
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
            "facts_as_of": programme.facts_as_of.isoformat(),
            "others": list(programme.other_sources),
            "dated": list(programme.sources),
        },
        "assumptions": programme.assumptions,
        "url": request.build_absolute_uri(url) if request else url,
        "api_url": reverse("api:programme", kwargs={"slug": programme.slug}),
    }
