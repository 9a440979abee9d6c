"""The OpenAPI 3.1 document of the API, built from the framework so that keys never drift."""

from __future__ import annotations

from typing import Any

from programmes.api_limits import MAX_EMPLOYEES, MAX_TURNOVER
from programmes.matching import BLOCKER_CODES
from programmes.models import Kind
from readiness.framework import CURRENT_VERSION, load_framework
from readiness.prioritisation import MAX_OBJECTIVES

NULLABLE_NUMBER = {"type": ["number", "null"]}


def _errors_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}},
    }


TOO_MANY = _errors_response("Too many requests from this client; retry after the number of "
                            "seconds in the Retry-After header")


def _json(ref: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}},
    }


def _plan_schemas() -> dict[str, Any]:
    """The ``plan`` of an evaluation (DESIGN §7), from ``programmes.planning``."""
    cost = {"type": "object", "required": ["low", "high", "currency"], "properties": {
        "low": {"type": "integer", "minimum": 0}, "high": {"type": "integer", "minimum": 0},
        "currency": {"type": "string", "pattern": "^[A-Z]{3}$"}}}
    return {
        "PlanCost": cost,
        "PlanFunding": {
            "type": "object", "required": ["programme", "share", "cap", "net_cost"],
            "properties": {
                "programme": {"type": "string"},
                "name": {"type": "string"},
                "kinds": {"type": "array", "items": {"type": "string"}},
                "share": {"type": ["number", "null"], "minimum": 0, "maximum": 1},
                "cap": {"type": ["integer", "null"]},
                "cap_currency": {"type": ["string", "null"]},
                "net_cost": {"oneOf": [{"$ref": "#/components/schemas/PlanCost"},
                                       {"type": "null"}]},
            },
        },
        "PlanProject": {
            "type": "object",
            "required": ["key", "title", "summary", "cost", "effort", "time_to_value",
                         "funded_by"],
            "properties": {
                "key": {"type": "string"}, "title": {"type": "string"},
                "summary": {"type": "string"},
                "cost": {"$ref": "#/components/schemas/PlanCost"},
                "effort": {"type": "string", "enum": ["low", "medium", "high"]},
                "time_to_value": {"type": "string"},
                "funded_by": {"type": "array",
                              "items": {"$ref": "#/components/schemas/PlanFunding"}},
            },
        },
        "PlanStep": {
            "type": "object",
            "required": ["dimension", "from_band", "to_band", "horizon", "projects"],
            "properties": {
                "dimension": {"type": "string"},
                "from_band": {"type": "integer", "minimum": 0, "maximum": 4},
                "to_band": {"type": "integer", "minimum": 1, "maximum": 5},
                "horizon": {"type": "string",
                            "enum": ["0-6 months", "6-12 months", "12-24 months"]},
                "reason": {"type": "string", "enum": ["priority", "target", "prerequisite"]},
                "projects": {"type": "array",
                             "items": {"$ref": "#/components/schemas/PlanProject"}},
            },
        },
    }


def openapi_document(*, server_url: str = "/api/v1") -> dict[str, Any]:
    spec = load_framework(CURRENT_VERSION)
    dimensions = list(spec.dimension_keys)
    band = {"type": ["integer", "null"], "minimum": 0, "maximum": 5}
    schemas: dict[str, Any] = {
        "Company": {
            "type": "object",
            "additionalProperties": False,
            "required": ["country", "employees", "sector"],
            "description": "Optional fields may be null, which means not given.",
            "properties": {
                "company_name": {"type": ["string", "null"], "maxLength": 200},
                "country": {"type": "string", "description": "ISO 3166-1 alpha-2, e.g. GB",
                            "pattern": "^[A-Za-z]{2}$"},
                "region": {"type": ["string", "null"], "description": (
                    "GB: an ITL1 region name (North West); US: a state code (OH); elsewhere an "
                    "optional ISO 3166-2 code. Required for GB and US.")},
                "employees": {"type": "integer", "minimum": 1, "maximum": MAX_EMPLOYEES},
                "turnover": {"type": ["number", "null"], "minimum": 0, "maximum": MAX_TURNOVER},
                "turnover_currency": {"type": ["string", "null"], "description": "ISO 4217, e.g. GBP",
                                      "pattern": "^[A-Za-z]{3}$"},
                "sector": {"type": "string", "description": "ISIC Rev. 4 division, two digits",
                           "pattern": "^[0-9]{2}$"},
            },
        },
        "EvaluateRequest": {
            "type": "object",
            "additionalProperties": False,
            "required": ["company", "answers"],
            "description": "Optional fields may be null, which means not given.",
            "properties": {
                "company": {"$ref": "#/components/schemas/Company"},
                "answers": {
                    "type": "object",
                    "description": "Band 0-5 per dimension; null or absent means not applicable.",
                    "additionalProperties": False,
                    "properties": dict.fromkeys(dimensions, band),
                },
                "objectives": {
                    "type": ["array", "null"],
                    "maxItems": MAX_OBJECTIVES,
                    "uniqueItems": True,
                    "items": {"type": "string", "enum": list(spec.objective_keys)},
                },
                "cost_profile": {
                    "type": ["object", "null"],
                    "description": "Share of costs per category (fractions or percentages).",
                    "additionalProperties": False,
                    "properties": {
                        key: {"type": "number", "minimum": 0, "maximum": 1_000_000}
                        for key in spec.cost_keys
                    },
                },
                "as_of": {"type": ["string", "null"], "format": "date",
                          "description": "Evaluate eligibility on this date (default: today)."},
            },
        },
        "Scores": {
            "type": "object",
            "required": ["dimensions", "pillars", "blocks", "overall", "percent"],
            "properties": {
                "dimensions": {"type": "object", "additionalProperties": band},
                "pillars": {"type": "object", "additionalProperties": NULLABLE_NUMBER},
                "blocks": {"type": "object", "additionalProperties": NULLABLE_NUMBER},
                "overall": NULLABLE_NUMBER,
                "percent": NULLABLE_NUMBER,
            },
        },
        "Priority": {
            "type": "object",
            "required": ["dimension", "rank", "impact", "components"],
            "properties": {
                "dimension": {"type": "string", "enum": dimensions},
                "rank": {"type": "integer", "minimum": 1},
                "impact": {"type": "number", "minimum": 0, "maximum": 1},
                "components": {
                    "type": "object",
                    "required": ["gap", "kpi", "cost"],
                    "properties": {k: {"type": "number", "minimum": 0, "maximum": 1}
                                   for k in ("gap", "kpi", "cost")},
                },
            },
        },
        "Match": {
            "type": "object",
            "required": ["programme", "name", "country", "relevance", "reasons", "status",
                         "status_checked_on", "stale"],
            "properties": {
                "programme": {"type": "string", "description": "The programme's slug"},
                "name": {"type": "string"},
                "country": {"type": "string"},
                "relevance": {"type": "number", "minimum": 0, "maximum": 1},
                "reasons": {"type": "array", "items": {"type": "string"}},
                "status": {"type": "string", "enum": ["open", "closed", "paused", "suspended",
                                                      "unknown"],
                           "description": "The status that holds for the firm (its region's "
                                          "where recorded); 'unknown' is never open"},
                "status_checked_on": {"type": ["string", "null"], "format": "date",
                                      "description": "The day the status was confirmed from a "
                                                     "source"},
                "stale": {"type": "boolean",
                          "description": "The status was checked more than 365 days before "
                                         "as_of, or never"},
                "conditions": {"type": "array", "items": {"type": "string"},
                               "description": "What we could not decide and the firm should "
                                              "check (a conditional match)"},
            },
        },
        "NearMiss": {
            "type": "object",
            "required": ["programme", "name", "blockers"],
            "properties": {
                "programme": {"type": "string"},
                "name": {"type": "string"},
                "blockers": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "required": ["code", "message"],
                        "properties": {
                            "code": {"type": "string", "enum": list(BLOCKER_CODES)},
                            "message": {"type": "string"},
                        },
                    },
                },
            },
        },
        "Evaluation": {
            "type": "object",
            "required": ["framework_version", "scores", "priorities", "matches", "tools",
                         "near_misses"],
            "properties": {
                "framework_version": {"type": "integer"},
                "scores": {"$ref": "#/components/schemas/Scores"},
                "priorities": {"type": "array",
                               "items": {"$ref": "#/components/schemas/Priority"}},
                "matches": {"type": "array", "items": {"$ref": "#/components/schemas/Match"}},
                "tools": {"type": "array", "items": {"$ref": "#/components/schemas/Match"},
                          "description": "Self-assessment and diagnostic tools, listed apart"},
                "near_misses": {"type": "array",
                                "items": {"$ref": "#/components/schemas/NearMiss"}},
                "plan": {"type": "array", "items": {"$ref": "#/components/schemas/PlanStep"}},
            },
        },
        **_plan_schemas(),
        "Programme": {
            "type": "object",
            "required": ["slug", "name", "country", "kinds", "eligibility", "source"],
            "properties": {
                "slug": {"type": "string"},
                "name": {"type": "string"},
                "country": {"type": "string"},
                "summary": {"type": "string"},
                "description": {"type": "string"},
                "kinds": {"type": "array", "items": {"type": "string", "enum": Kind.values}},
                "institutions": {"type": "array", "items": {
                    "type": "object", "required": ["slug", "name"],
                    "properties": {"slug": {"type": "string"}, "name": {"type": "string"},
                                   "country": {"type": "string"}, "url": {"type": "string"}},
                }},
                "money": {"type": "object", "properties": {
                    "amount_max": NULLABLE_NUMBER,
                    "currency": {"type": "string"},
                    "match_rate_percent": {"type": ["integer", "null"]},
                    "budget_note": {"type": "string"},
                }},
                "eligibility": {"type": "object", "properties": {
                    "countries": {"type": "array", "items": {"type": "string"}},
                    "regions": {"type": "array", "items": {"type": "string"}},
                    "sectors": {"type": "array", "items": {"type": "string"}},
                    "min_employees": {"type": ["integer", "null"]},
                    "max_employees": {"type": ["integer", "null"]},
                    "max_turnover": NULLABLE_NUMBER,
                    "max_turnover_currency": {"type": "string"},
                    "size_rule": {"type": "string", "enum": ["all", "any"]},
                    "firm_types": {"type": "array", "items": {"type": "string"}},
                }},
                "suits": {"type": "object", "properties": {
                    "dimensions": {"type": "array", "items": {"type": "string"}},
                    "min_band": {"type": "integer"},
                    "max_band": {"type": "integer"},
                }},
                "opens_on": {"type": ["string", "null"], "format": "date"},
                "closes_on": {"type": ["string", "null"], "format": "date"},
                "open_now": {"type": "boolean", "description": "Confirmed open, not stale, and "
                                                               "within its dates today"},
                "status": {"type": "string", "enum": ["open", "closed", "paused", "suspended",
                                                      "unknown"]},
                "status_checked_on": {"type": ["string", "null"], "format": "date"},
                "stale": {"type": "boolean"},
                "status_source": {"type": "object"},
                "regional_status": {"type": "array", "items": {"type": "object"}},
                "primary_kind": {"type": "string"},
                "cost_to_firm": {"type": "string"},
                "official_name": {"type": "string"},
                "rounds": {"type": "array", "items": {"type": "object"}},
                "predecessor": {"type": ["string", "null"]},
                "successor": {"type": ["string", "null"]},
                "tiers": {"type": "array", "items": {"type": "object"}},
                "delivery": {"type": "array", "items": {"type": "object"}},
                "sme_rule": {"type": "string"},
                "how_to_apply": {"type": "string"},
                "apply_url": {"type": "string"},
                "source": {"type": "object", "required": ["title", "facts_as_of"], "properties": {
                    "title": {"type": "string"},
                    "url": {"type": "string"},
                    "facts_as_of": {"type": "string", "format": "date"},
                    "others": {"type": "array", "items": {"type": "object"}},
                    "dated": {"type": "array", "items": {"type": "object"},
                              "description": "Every source with the date it was read"},
                }},
                "assumptions": {"type": "string"},
                "url": {"type": "string"},
                "api_url": {"type": "string"},
            },
        },
        "ProgrammeList": {
            "type": "object",
            "required": ["count", "results"],
            "properties": {
                "count": {"type": "integer", "minimum": 0},
                "results": {"type": "array", "items": {"$ref": "#/components/schemas/Programme"}},
            },
        },
        "Errors": {
            "type": "object",
            "required": ["errors"],
            "description": "Each bad field (dotted path, e.g. company.country) with its messages.",
            "properties": {"errors": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            }},
        },
        "NotFound": {"type": "object", "required": ["detail"],
                     "properties": {"detail": {"type": "string"}}},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Readiness Compass API",
            "version": "1.0.0",
            "description": (
                "Evaluate a manufacturing firm's Industry 4.0 readiness (stateless) and read "
                "the public support programmes it can use. Bad input answers 400 with a JSON "
                "body naming each bad field."
            ),
        },
        "servers": [{"url": server_url}],
        "paths": {
            "/evaluate": {"post": {
                "operationId": "evaluate",
                "summary": "Score, prioritise and match one firm; nothing is stored",
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/EvaluateRequest"}}}},
                "responses": {
                    "200": _json("Evaluation", "The evaluation"),
                    "400": _errors_response("Bad input; each bad field is named"),
                    "429": TOO_MANY,
                },
            }},
            "/programmes": {"get": {
                "operationId": "listProgrammes",
                "summary": "Programmes, optionally filtered",
                "parameters": [
                    {"name": "country", "in": "query",
                     "schema": {"type": "string", "pattern": "^[A-Za-z]{2}$"},
                     "description": "Country that runs it (ISO 3166-1 alpha-2)"},
                    {"name": "kind", "in": "query",
                     "schema": {"type": "string", "enum": Kind.values}},
                    {"name": "open_on", "in": "query",
                     "schema": {"type": "string", "format": "date"},
                     "description": "Only programmes open on this date"},
                    {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 100},
                     "description": "Search in names, summaries and institutions"},
                ],
                "responses": {
                    "200": _json("ProgrammeList", "Matching programmes"),
                    "400": _errors_response("A bad filter"),
                    "429": TOO_MANY,
                },
            }},
            "/programmes/{slug}": {"get": {
                "operationId": "getProgramme",
                "summary": "One programme",
                "parameters": [{"name": "slug", "in": "path", "required": True,
                                "schema": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"}}],
                "responses": {
                    "200": _json("Programme", "The programme"),
                    "404": _json("NotFound", "No such programme"),
                    "429": TOO_MANY,
                },
            }},
        },
        "components": {"schemas": schemas},
    }
