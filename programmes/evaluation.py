"""Stateless evaluation of one firm (DESIGN §7), shared by the API and ``manage.py evaluate``.

``parse_evaluation`` checks a decoded JSON body and names every bad field (``company.country``,
``answers.vertical_integration``, ``objectives[2]``); ``evaluate`` scores, prioritises and matches
without storing anything.
"""

from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from programmes.api_limits import MAX_EMPLOYEES, MAX_TURNOVER
from programmes.matching import FirmProfile
from programmes.planning import build_plan
from programmes.selectors import funding_offers, programme_match
from programmes.usecases import currency_for, load_usecases
from readiness.framework import BANDS, CURRENT_VERSION, FrameworkSpec, load_framework
from readiness.prioritisation import MAX_OBJECTIVES, prioritise
from readiness.reference import ISIC_DIVISIONS, is_country, is_currency, normalise_region
from readiness.scoring import UNKNOWN, Band, score
from readiness.selectors import priority_weights, sector_targets

TOP_LEVEL_FIELDS = {"company", "answers", "objectives", "cost_profile", "as_of"}
COMPANY_FIELDS = {"company_name", "country", "region", "employees", "turnover",
                  "turnover_currency", "sector"}
REGION_REQUIRED = {"GB", "US"}
DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")


class EvaluationError(Exception):
    """Bad input: ``errors`` maps each bad field to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("invalid evaluation request")
        self.errors = errors


@dataclass(frozen=True)
class EvaluationRequest:
    profile: FirmProfile
    answers: dict[str, Band]  # a band, None (not applicable) or "unknown" (don't know)
    objectives: list[str] = field(default_factory=list)
    cost_profile: dict[str, float] = field(default_factory=dict)
    as_of: datetime.date | None = None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool)
            and math.isfinite(value))


def parse_evaluation(payload: Any, spec: FrameworkSpec | None = None) -> EvaluationRequest:
    """A checked request from a decoded JSON body, or EvaluationError naming each bad field."""
    spec = spec or load_framework(CURRENT_VERSION)
    errors: dict[str, list[str]] = {}

    def bad(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not isinstance(payload, dict):
        raise EvaluationError({"body": ["Send a JSON object with 'company' and 'answers'."]})
    for name in sorted(set(payload) - TOP_LEVEL_FIELDS):
        bad(str(name), "Unknown field.")

    profile = _parse_company(payload.get("company"), bad)
    answers = _parse_answers(payload.get("answers"), spec, bad)
    objectives = _parse_objectives(payload.get("objectives"), spec, bad)
    costs = _parse_costs(payload.get("cost_profile"), spec, bad)

    as_of = None
    if payload.get("as_of") is not None:
        raw = payload["as_of"]
        try:
            if not isinstance(raw, str) or not DATE_PATTERN.fullmatch(raw):
                raise ValueError(raw)
            as_of = datetime.date.fromisoformat(raw)
        except ValueError:
            bad("as_of", "Give a date as YYYY-MM-DD, e.g. 2020-11-30.")
    if errors:
        raise EvaluationError(errors)
    return EvaluationRequest(profile=profile, answers=answers, objectives=objectives,
                             cost_profile=costs, as_of=as_of)


def _parse_company(company: Any, bad) -> FirmProfile | None:
    if company is None:
        bad("company", "This field is required.")
        return None
    if not isinstance(company, dict):
        bad("company", "Give the firm's profile as an object.")
        return None
    for name in sorted(set(company) - COMPANY_FIELDS):
        bad(f"company.{name}", "Unknown field.")
    name = company.get("company_name")
    if name is not None and (not isinstance(name, str) or len(name) > 200):
        bad("company.company_name", "Give the firm's name as text of at most 200 characters.")

    country = company.get("country")
    if country is None:
        bad("company.country", "This field is required.")
    elif not isinstance(country, str) or not is_country(country):
        bad("company.country", "Give an ISO 3166-1 alpha-2 country code, e.g. GB, US, DE.")
        country = None
    else:
        country = country.upper()

    region = company.get("region")
    canonical = ""
    if region is not None and not isinstance(region, str):
        bad("company.region", "Give the region as text.")
    elif country:
        canonical = normalise_region(country, region or "")
        if canonical is None:
            hint = {"GB": "an ITL1 region such as North West",
                    "US": "a state's two-letter code such as OH"}.get(country,
                                                                      "an ISO 3166-2 code")
            bad("company.region", f"'{region}' is not a region of {country}; give {hint}.")
        elif not canonical and country in REGION_REQUIRED:
            bad("company.region", f"A region is required for {country}.")

    employees = company.get("employees")
    if employees is None:
        bad("company.employees", "This field is required: give the headcount.")
    elif not _is_int(employees) or not 1 <= employees <= MAX_EMPLOYEES:
        bad("company.employees", "Give the headcount as a whole number of at least 1.")

    turnover = company.get("turnover")
    currency = company.get("turnover_currency")
    if turnover is not None and (not _is_number(turnover) or not 0 <= turnover <= MAX_TURNOVER):
        bad("company.turnover", "Give the annual turnover as a number of at least 0.")
        turnover = None
    if currency not in (None, "") and (not isinstance(currency, str) or not is_currency(currency)):
        bad("company.turnover_currency", "Give an ISO 4217 currency code, e.g. GBP, USD, EUR.")
        currency = None
    elif turnover is not None and not currency:
        bad("company.turnover_currency", "Give the currency of the turnover.")

    sector = company.get("sector")
    if sector is None:
        bad("company.sector", "This field is required.")
    elif not isinstance(sector, str) or sector not in ISIC_DIVISIONS:
        bad("company.sector", "Give an ISIC Rev. 4 division as two digits, e.g. \"25\".")

    if not country or canonical is None or not _is_int(employees) or not isinstance(sector, str):
        return None
    return FirmProfile(
        country=country,
        region=canonical,
        employees=employees,
        sector=sector,
        turnover=Decimal(str(turnover)) if turnover is not None else None,
        turnover_currency=(currency or "").upper() if turnover is not None else "",
    )


def _parse_answers(answers: Any, spec: FrameworkSpec, bad) -> dict[str, Band]:
    if answers is None:
        bad("answers", 'This field is required: give {dimension_key: band, null or "unknown"}.')
        return {}
    if not isinstance(answers, dict):
        bad("answers", 'Give the answers as an object {dimension_key: band, null or "unknown"}.')
        return {}
    cleaned: dict[str, Band] = {}
    for key, band in answers.items():
        if key not in spec.dimensions:
            bad(f"answers.{key}", "Unknown dimension key.")
        elif band == UNKNOWN:
            cleaned[key] = UNKNOWN
        elif band is not None and (not _is_int(band) or band not in BANDS):
            bad(f"answers.{key}", 'Give a band from 0 to 5, null for not applicable, or '
                                  '"unknown" for don\'t know.')
        else:
            cleaned[key] = band
    return cleaned


def _parse_objectives(objectives: Any, spec: FrameworkSpec, bad) -> list[str]:
    if objectives is None:
        return []
    if not isinstance(objectives, list):
        bad("objectives", "Give a list of objectives.")
        return []
    chosen: list[str] = []
    for index, item in enumerate(objectives):
        if not isinstance(item, str) or item not in spec.objective_keys:
            bad(f"objectives[{index}]", f"Unknown objective; choose from "
                f"{', '.join(spec.objective_keys)}.")
        elif item in chosen:
            bad(f"objectives[{index}]", "Listed twice.")
        else:
            chosen.append(item)
    if len(objectives) > MAX_OBJECTIVES:
        bad("objectives", f"Choose at most {MAX_OBJECTIVES} objectives.")
    return chosen


def _parse_costs(costs: Any, spec: FrameworkSpec, bad) -> dict[str, float]:
    if costs is None:
        return {}
    if not isinstance(costs, dict):
        bad("cost_profile", "Give the cost profile as an object {category: share}.")
        return {}
    cleaned: dict[str, float] = {}
    for key, share in costs.items():
        if key not in spec.cost_keys:
            bad(f"cost_profile.{key}", f"Unknown cost category; choose from "
                f"{', '.join(spec.cost_keys)}.")
        elif not _is_number(share) or not 0 <= share <= 1_000_000:
            bad(f"cost_profile.{key}", "Give the share as a number of at least 0.")
        else:
            cleaned[key] = float(share)
    return cleaned


def evaluate(request: EvaluationRequest, spec: FrameworkSpec | None = None, *,
             elsewhere: bool = True) -> dict[str, Any]:
    """Scores, priorities, matches and near misses as the API's JSON (DESIGN §7); without the
    near misses in other countries when ``elsewhere`` is False (the bulk table shows none)."""
    spec = spec or load_framework(CURRENT_VERSION)
    scores = score(spec, request.answers)
    bands = scores.dimensions  # "don't know" as None: priorities and plans leave it out
    targets, _source, _peers = sector_targets(spec, request.profile.sector,
                                              request.profile.employees)
    priorities = prioritise(
        spec,
        bands,
        objectives=request.objectives,
        cost_profile=request.cost_profile,
        targets=targets,
        weights=priority_weights(),
    )
    result = programme_match(
        profile=request.profile,
        scores=scores,
        priorities=priorities,
        as_of=request.as_of or timezone.localdate(),
        dimension_names={key: dim.name for key, dim in spec.dimensions.items()},
        elsewhere=elsewhere,
    )
    plan = build_plan(
        load_usecases(),
        bands=bands,
        priorities=priorities,
        sector=request.profile.sector,
        currency=currency_for(request.profile.country, request.profile.turnover_currency),
        offers=funding_offers(result.matches),
        dimension_names={key: dim.name for key, dim in spec.dimensions.items()},
    )
    return {
        "framework_version": spec.version,
        "scores": scores.as_dict(),
        "priorities": [p.as_dict() for p in priorities],
        **result.as_dict(),
        "plan": plan.as_list(),
    }


# Bulk evaluation: one firm a row of a CSV/XLSX table ---------------------------------------------

NOT_APPLICABLE = {"na", "n/a", "null", "none", "not applicable"}
DONT_KNOW = {"unknown", "dk", "don't know", "dont know", "?"}


def _cell_number(value: Any, kind: type) -> Any:
    """A number from a spreadsheet cell; the raw text when it is not one, so that the checks
    name the field instead of failing here."""
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        try:
            number = float(text)
        except ValueError:
            return value
        if kind is int:
            return int(number) if number.is_integer() else number
        return number
    return value


def payload_from_row(row: dict[str, Any], spec: FrameworkSpec) -> dict[str, Any]:
    """An API body from a flat row: profile columns, one column per dimension key, an
    ``objectives`` column (';'-separated), ``cost_<category>`` columns and ``as_of``."""
    cells = {str(k).strip(): (v.strip() if isinstance(v, str) else v) for k, v in row.items()}
    company: dict[str, Any] = {}
    for name in COMPANY_FIELDS:
        value = cells.get(name)
        if value in (None, ""):
            continue
        if name == "employees":
            value = _cell_number(value, int)
        elif name == "turnover":
            value = _cell_number(value, float)
        elif name == "sector" and isinstance(value, str) and value.isdigit():
            value = value.zfill(2)
        company[name] = value
    answers: dict[str, Any] = {}
    for key in spec.dimension_keys:
        value = cells.get(key)
        if value in (None, ""):
            continue
        text = str(value).strip().lower().replace("’", "'")
        answers[key] = (None if text in NOT_APPLICABLE else UNKNOWN if text in DONT_KNOW
                        else _cell_number(value, int))
    payload: dict[str, Any] = {"company": company, "answers": answers}
    if cells.get("objectives"):
        payload["objectives"] = [o.strip() for o in str(cells["objectives"]).split(";")
                                 if o.strip()]
    costs = {key: _cell_number(cells[f"cost_{key}"], float) for key in spec.cost_keys
             if cells.get(f"cost_{key}") not in (None, "")}
    if costs:
        payload["cost_profile"] = costs
    if cells.get("as_of"):
        payload["as_of"] = str(cells["as_of"])[:10]
    return payload


def table_columns(spec: FrameworkSpec) -> list[str]:
    return ["company_name", "country", "region", "employees", "turnover", "turnover_currency",
            "sector", *spec.dimension_keys, "objectives",
            *(f"cost_{key}" for key in spec.cost_keys), "as_of"]


def evaluate_rows(
    rows: list[dict[str, Any]], spec: FrameworkSpec | None = None, *, first_line: int = 2
) -> tuple[list[dict[str, Any]], list[str]]:
    """One result row per good input row, and one message per bad row naming its line."""
    spec = spec or load_framework(CURRENT_VERSION)
    known = set(table_columns(spec))
    results: list[dict[str, Any]] = []
    problems: list[str] = []
    for offset, row in enumerate(rows):
        line = first_line + offset
        unknown = sorted(str(k) for k in row if str(k).strip() not in known)
        try:
            if unknown:
                raise EvaluationError({name: ["Unknown column."] for name in unknown})
            checked = parse_evaluation(payload_from_row(row, spec), spec)
        except EvaluationError as error:
            detail = "; ".join(f"{field}: {' '.join(messages)}"
                               for field, messages in error.errors.items())
            problems.append(f"line {line}: {detail}")
            continue
        answer = evaluate(checked, spec, elsewhere=False)
        scores = answer["scores"]
        results.append({
            "line": line,
            "company_name": row.get("company_name", ""),
            "overall": scores["overall"],
            "percent": scores["percent"],
            "top_priorities": ";".join(p["dimension"] for p in answer["priorities"][:3]),
            "matches": ";".join(m["programme"] for m in answer["matches"]),
            "best_match_relevance": answer["matches"][0]["relevance"] if answer["matches"]
            else None,
            "near_misses_in_country": ";".join(
                n["programme"] for n in answer["near_misses"]
                if all(b["code"] != "country" for b in n["blockers"])
            ),
        })
    return results, problems
