"""The API's schemas (DESIGN §7): pydantic models that validate every input and, through
django-ninja, make the OpenAPI document, so that what is documented is what is checked.

The request models name each bad field in our own words: pydantic finds the fault and
``errors_from`` turns it into ``{"field.path": [message]}`` with the messages below. The same
models check the body of ``POST /api/v1/evaluate``, ``manage.py evaluate FILE`` and each row of
``manage.py evaluate --csv/--xlsx``.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    create_model,
    field_validator,
)
from pydantic_core import PydanticCustomError

from programmes.matching import BLOCKER_CODES
from programmes.models import Kind
from readiness.framework import CURRENT_VERSION, load_framework
from readiness.prioritisation import MAX_OBJECTIVES
from readiness.reference import ISIC_DIVISIONS, is_country, is_currency, normalise_region

# Far beyond any real firm; past them a figure is a mistake, not a firm.
MAX_EMPLOYEES = 10_000_000
MAX_TURNOVER = 10**15
MAX_COST_SHARE = 1_000_000
REGION_REQUIRED = {"GB", "US"}
DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
# Parts of an evaluation sent only when asked for (DESIGN §7).
EXTRA_PARTS = ("international",)
STATUSES = ("open", "closed", "paused", "suspended", "unknown")

SPEC = load_framework(CURRENT_VERSION)


class InputError(Exception):
    """Bad input: ``errors`` maps each bad field (a dotted path) to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("invalid input")
        self.errors = errors


def _iso_date(value: Any) -> Any:
    """Only ``YYYY-MM-DD`` text is a date here (pydantic would also take a number of seconds);
    the date itself (2020-02-30) is then checked by pydantic."""
    if value is None or isinstance(value, datetime.date):
        return value
    if not isinstance(value, str) or not DATE_PATTERN.fullmatch(value):
        raise PydanticCustomError("date_format", "not a YYYY-MM-DD date")
    return value


IsoDate = Annotated[datetime.date, BeforeValidator(_iso_date)]
Band = Annotated[int, Field(strict=True, ge=0, le=5)]
Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]


def _no_default(schema: dict[str, Any]) -> None:
    """Absent is not the same as null for these fields: the document shows no default."""
    schema.pop("default", None)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# Request ------------------------------------------------------------------------------------------


class Company(Strict):
    """The firm's profile (DESIGN §5). Optional fields may be null, which means not given."""

    company_name: Annotated[str, Field(max_length=200)] | None = None
    country: Annotated[str, Field(pattern=r"^[A-Za-z]{2}$",
                                  description="ISO 3166-1 alpha-2, e.g. GB")]
    region: str | None = Field(
        default=None, validate_default=True,
        description="GB: an ITL1 region name (North West); US: a state code (OH); elsewhere an "
                    "optional ISO 3166-2 code. Required for GB and US.")
    employees: Annotated[int, Field(strict=True, ge=1, le=MAX_EMPLOYEES)]
    turnover: Annotated[Number, Field(ge=0, le=MAX_TURNOVER)] | None = None
    turnover_currency: str | None = Field(default=None, validate_default=True,
                                          pattern=r"^([A-Za-z]{3})?$",
                                          description="ISO 4217, e.g. GBP")
    sector: Annotated[str, Field(pattern=r"^[0-9]{2}$",
                                 description="ISIC Rev. 4 division, two digits")]

    @field_validator("country")
    @classmethod
    def _known_country(cls, value: str) -> str:
        if not is_country(value):
            raise PydanticCustomError("country", "not a country code")
        return value.upper()

    @field_validator("region")
    @classmethod
    def _region_of_country(cls, value: str | None, info: ValidationInfo) -> str:
        country = info.data.get("country")
        if not country:  # a bad country is named on its own; its regions cannot be checked
            return value or ""
        canonical = normalise_region(country, value or "")
        if canonical is None:
            hint = {"GB": "an ITL1 region such as North West",
                    "US": "a state's two-letter code such as OH"}.get(country, "an ISO 3166-2 code")
            raise PydanticCustomError("region", "'{region}' is not a region of {country}; give "
                                      "{hint}.", {"region": value, "country": country, "hint": hint})
        if not canonical and country in REGION_REQUIRED:
            raise PydanticCustomError("region_required", "A region is required for {country}.",
                                      {"country": country})
        return canonical

    @field_validator("turnover_currency")
    @classmethod
    def _currency_of_turnover(cls, value: str | None, info: ValidationInfo) -> str:
        if value and not is_currency(value):
            raise PydanticCustomError("currency", "not a currency code")
        if not value and info.data.get("turnover") is not None:
            raise PydanticCustomError("currency_required", "Give the currency of the turnover.")
        return (value or "").upper()

    @field_validator("sector")
    @classmethod
    def _isic_division(cls, value: str) -> str:
        if value not in ISIC_DIVISIONS:
            raise PydanticCustomError("sector", "not an ISIC division")
        return value


# One field per dimension and per cost category of the framework, so that the document lists
# them and an unknown key is refused by name.
Answers = create_model(  # type: ignore[call-overload]
    "Answers",
    __config__=ConfigDict(extra="forbid", json_schema_extra={
        "description": "Band 0-5 per dimension; null (or absent) is not applicable, \"unknown\" "
                       "is don't know."}),
    **dict.fromkeys(SPEC.dimension_keys, (Band | Literal["unknown"] | None, None)),
)
CostProfile = create_model(  # type: ignore[call-overload]
    "CostProfile",
    __config__=ConfigDict(extra="forbid", json_schema_extra={
        "description": "Share of costs per category (fractions or percentages)."}),
    **{key: (Annotated[Number, Field(ge=0, le=MAX_COST_SHARE)],
             Field(default=None, json_schema_extra=_no_default))
       for key in SPEC.cost_keys},
)
Objective = Literal[SPEC.objective_keys]  # type: ignore[name-defined]


class EvaluateRequest(Strict):
    """One firm to evaluate. Only ``company`` and ``answers`` are required; optional fields may
    be null, which means not given."""

    company: Company
    answers: Answers  # type: ignore[valid-type]
    objectives: Annotated[list[Objective], Field(
        max_length=MAX_OBJECTIVES, json_schema_extra={"uniqueItems": True})] | None = None
    cost_profile: CostProfile | None = None  # type: ignore[valid-type]
    as_of: IsoDate | None = Field(default=None, description="Evaluate eligibility on this date "
                                                            "(default: today).")
    include: Annotated[list[Literal[EXTRA_PARTS]], Field(  # type: ignore[valid-type]
        json_schema_extra={"uniqueItems": True})] | None = Field(
        default=None, description="Extra parts of the answer to add, e.g. [\"international\"].")

    @field_validator("objectives", "include")
    @classmethod
    def _each_once(cls, value: list[str] | None) -> list[str] | None:
        for index, item in enumerate(value or []):
            if item in value[:index]:  # type: ignore[index]
                raise PydanticCustomError("listed_twice", "Listed twice.", {"path_index": index})
        return value

    def answers_given(self) -> dict[str, int | str | None]:
        """The answers sent, each dimension once; dimensions not sent are left out."""
        return self.answers.model_dump(exclude_unset=True)  # type: ignore[attr-defined]

    def costs_given(self) -> dict[str, float]:
        if self.cost_profile is None:
            return {}
        return self.cost_profile.model_dump(exclude_unset=True)


class ProgrammeFilters(Strict):
    """The filters of ``GET /api/v1/programmes``; a filter that is present must be valid."""

    country: str | None = Field(default=None, pattern=r"^[A-Za-z]{2}$",
                                description="Country that runs it (ISO 3166-1 alpha-2)")
    kind: Literal[tuple(Kind.values)] | None = None  # type: ignore[valid-type]
    open_on: IsoDate | None = Field(default=None, description="Only programmes open on this date")
    q: str | None = Field(default=None, max_length=100, pattern=r"^[^\x00]*$",
                          description="Search in names, summaries and institutions")

    @field_validator("country")
    @classmethod
    def _known_country(cls, value: str | None) -> str | None:
        if value is not None and not is_country(value):
            raise PydanticCustomError("country", "not a country code")
        return value


# Our words for each field's faults ----------------------------------------------------------------

REQUIRED = "This field is required."
UNKNOWN_FIELD = "Unknown field."
GENERIC = {"missing": REQUIRED, "extra_forbidden": UNKNOWN_FIELD}
# By field path ("*" for a key or an index), then "path:error type" for a more precise word.
EVALUATE_MESSAGES = {
    "body": "Send a JSON object with 'company' and 'answers'.",
    "body:missing": "Send a JSON object with 'company' and 'answers'.",
    "company": "Give the firm's profile as an object.",
    "company:missing": REQUIRED,
    "company.company_name": "Give the firm's name as text of at most 200 characters.",
    "company.country": "Give an ISO 3166-1 alpha-2 country code, e.g. GB, US, DE.",
    "company.region": "Give the region as text.",
    "company.employees": "Give the headcount as a whole number of at least 1.",
    "company.employees:missing": "This field is required: give the headcount.",
    "company.turnover": "Give the annual turnover as a number of at least 0.",
    "company.turnover_currency": "Give an ISO 4217 currency code, e.g. GBP, USD, EUR.",
    "company.sector": "Give an ISIC Rev. 4 division as two digits, e.g. \"25\".",
    "answers": "Give the answers as an object {dimension_key: band or null}.",
    "answers:missing": "This field is required: give {dimension_key: band or null}.",
    "answers.*": "Give a band from 0 to 5, \"unknown\" for don't know, or null for not "
                 "applicable.",
    "answers.*:extra_forbidden": "Unknown dimension key.",
    "objectives": "Give a list of objectives.",
    "objectives:too_long": f"Choose at most {MAX_OBJECTIVES} objectives.",
    "objectives[*]": f"Unknown objective; choose from {', '.join(SPEC.objective_keys)}.",
    "cost_profile": "Give the cost profile as an object {category: share}.",
    "cost_profile.*": "Give the share as a number of at least 0.",
    "cost_profile.*:extra_forbidden": (f"Unknown cost category; choose from "
                                       f"{', '.join(SPEC.cost_keys)}."),
    "as_of": "Give a date as YYYY-MM-DD, e.g. 2020-11-30.",
    "include": "Give a list of extra parts, e.g. [\"international\"].",
    "include[*]": f"Unknown part; choose from {', '.join(EXTRA_PARTS)}.",
}
FILTER_MESSAGES = {
    "*:extra_forbidden": "Unknown parameter.",
    "country": "Give an ISO 3166-1 alpha-2 country code.",
    "kind": f"Choose one of {', '.join(Kind.values)}.",
    "open_on": "Give a date as YYYY-MM-DD.",
    "q": "At most 100 characters, without null characters.",
}
# Our own validators' errors already say what to do; their message is kept as written.
OWN_WORDS = {"region", "region_required", "currency_required", "listed_twice"}


def _path(loc: Iterable[Any], index: int | None = None) -> tuple[str, str]:
    """The dotted path of an error and its pattern ("answers.*"). Two levels at most: deeper
    parts of a pydantic location name a member of a union, not a field."""
    parts = list(loc)[:2]
    if index is not None:
        parts = [parts[0], index]
    path, pattern = "", ""
    for part in parts:
        if isinstance(part, int):
            path, pattern = f"{path}[{part}]", f"{pattern}[*]"
        elif not path:
            path = pattern = str(part)
        else:
            path, pattern = f"{path}.{part}", f"{pattern}.*"
    return path, pattern


def errors_from(errors: Iterable[Mapping[str, Any]], messages: Mapping[str, str],
                *, root: str = "body") -> dict[str, list[str]]:
    """``{"field.path": [messages]}`` from pydantic's errors, in our words, each message once
    per field (a union's members each report the same fault)."""
    named: dict[str, list[str]] = {}
    for error in errors:
        kind = error["type"]
        context = error.get("ctx") or {}
        path, pattern = _path(error["loc"], context.get("path_index"))
        path, pattern = path or root, pattern or root
        # The most precise word first: this field and fault, this field, then any such field.
        keys = [f"{path}:{kind}", f"{pattern}:{kind}", f"*:{kind}", path, pattern]
        if kind in OWN_WORDS:
            message = error["msg"]
        elif kind in GENERIC and not any(key in messages for key in keys[:3]):
            message = GENERIC[kind]
        else:
            message = next((messages[key] for key in keys if key in messages), error["msg"])
        if message not in named.setdefault(path, []):
            named[path].append(message)
    return named


def evaluation_body(payload: Any) -> EvaluateRequest:
    """A checked evaluation body from decoded JSON (the CLI, the bulk table, benches), or
    InputError naming each bad field, with the same words as the API."""
    try:
        return EvaluateRequest.model_validate(payload)
    except ValidationError as error:
        raise InputError(errors_from(error.errors(), EVALUATE_MESSAGES)) from error


# Response -----------------------------------------------------------------------------------------

Share = Annotated[float, Field(ge=0, le=1)]
Status = Literal[STATUSES]  # type: ignore[valid-type]


class Scores(BaseModel):
    dimensions: dict[str, int | None]
    pillars: dict[str, float | None]
    blocks: dict[str, float | None]
    overall: float | None
    percent: float | None
    unknown: list[str] = Field(default_factory=list,
                               description="Dimensions answered \"unknown\" (don't know): left "
                                           "out of every mean, like not applicable")


class Components(BaseModel):
    gap: Share
    kpi: Share
    cost: Share


class Priority(BaseModel):
    dimension: Literal[SPEC.dimension_keys]  # type: ignore[name-defined]
    rank: Annotated[int, Field(ge=1)]
    impact: Share
    components: Components


class Match(BaseModel):
    programme: str = Field(description="The programme's slug")
    name: str
    country: str
    relevance: Share
    reasons: list[str]
    status: Status = Field(description="The status that holds for the firm (its region's where "
                                       "recorded); 'unknown' is never open")
    status_checked_on: datetime.date | None = Field(
        description="The day the status was confirmed from a source")
    stale: bool = Field(description="The status was checked more than 365 days before as_of, "
                                    "or never")
    conditions: list[str] = Field(default_factory=list, description=(
        "What we could not decide and the firm should check (a conditional match)"))


class Blocker(BaseModel):
    code: Literal[BLOCKER_CODES]  # type: ignore[valid-type]
    message: str


class NearMiss(BaseModel):
    programme: str
    name: str
    blockers: Annotated[list[Blocker], Field(min_length=1)]


class PlanCost(BaseModel):
    low: Annotated[int, Field(ge=0)]
    high: Annotated[int, Field(ge=0)]
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]


class PlanFunding(BaseModel):
    programme: str
    name: str | None = None
    kinds: list[str] | None = None
    share: Share | None
    cap: int | None
    cap_currency: str | None = None
    net_cost: PlanCost | None


class PlanProject(BaseModel):
    key: str
    title: str
    summary: str
    cost: PlanCost
    effort: Literal["low", "medium", "high"]
    time_to_value: str
    funded_by: list[PlanFunding]


class PlanStep(BaseModel):
    dimension: str
    from_band: Annotated[int, Field(ge=0, le=4)]
    to_band: Annotated[int, Field(ge=1, le=5)]
    horizon: Literal["0-6 months", "6-12 months", "12-24 months"]
    reason: Literal["priority", "target", "prerequisite"] | None = None
    projects: list[PlanProject]


class InternationalOffer(BaseModel):
    programme: str
    name: str
    headline: str
    delivery: str
    coverage: str
    status: Status
    status_checked_on: datetime.date | None
    stale: bool
    by_dates: bool = Field(default=False, description=(
        "Status checked only after as_of: the recorded dates say it ran then"))
    conditions: list[str] = Field(default_factory=list)


class InternationalCountry(BaseModel):
    country: str
    functions: dict[str, list[InternationalOffer]] = Field(description=(
        "The programmes of this country for each kind of support"))
    summary: str


class Evaluation(BaseModel):
    framework_version: int
    scores: Scores
    priorities: list[Priority]
    matches: list[Match]
    tools: list[Match] = Field(description="Self-assessment and diagnostic tools, listed apart")
    near_misses: list[NearMiss]
    plan: list[PlanStep] = Field(default_factory=list)
    international: list[InternationalCountry] | None = Field(default=None, description=(
        "Only when include has \"international\": the firm's own country first, then the "
        "others of GB, US, DE, SG, KR, TW"))


class Institution(BaseModel):
    slug: str
    name: str
    country: str | None = None
    url: str | None = None


class Money(BaseModel):
    amount_max: float | None
    currency: str
    match_rate_percent: int | None
    budget_note: str


class Eligibility(BaseModel):
    countries: list[str]
    regions: list[str]
    sectors: list[str]
    min_employees: int | None
    max_employees: int | None
    max_turnover: float | None
    max_turnover_currency: str
    size_rule: Literal["all", "any"]
    firm_types: list[str]


class Suits(BaseModel):
    dimensions: list[str]
    min_band: int
    max_band: int


class ProgrammeSource(BaseModel):
    title: str
    url: str
    facts_as_of: datetime.date
    others: list[dict[str, Any]]
    dated: list[dict[str, Any]] = Field(description="Every source with the date it was read")


class Programme(BaseModel):
    slug: str
    name: str
    country: str
    summary: str
    description: str
    kinds: list[Literal[tuple(Kind.values)]]  # type: ignore[valid-type]
    institutions: list[Institution]
    money: Money
    eligibility: Eligibility
    suits: Suits
    opens_on: datetime.date | None
    closes_on: datetime.date | None
    open_now: bool = Field(description="Confirmed open, not stale, and within its dates today")
    status: Status
    status_checked_on: datetime.date | None
    stale: bool
    status_source: dict[str, Any]
    regional_status: list[dict[str, Any]]
    primary_kind: str
    cost_to_firm: str
    official_name: str
    rounds: list[dict[str, Any]]
    predecessor: str | None
    successor: str | None
    tiers: list[dict[str, Any]]
    delivery: list[dict[str, Any]]
    sme_rule: str
    how_to_apply: str
    apply_url: str
    source: ProgrammeSource
    assumptions: str
    url: str
    api_url: str


class ProgrammeList(BaseModel):
    count: Annotated[int, Field(ge=0)]
    results: list[Programme]


class Errors(BaseModel):
    """Each bad field (a dotted path such as company.country) with its messages."""

    errors: dict[str, list[str]]


class NotFound(BaseModel):
    detail: str
