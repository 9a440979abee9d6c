"""Reads: programmes for the directory and the API, and an assessment's matches."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from programmes.matching import (
    STALE_AFTER_DAYS,
    Delivery,
    FirmProfile,
    Match,
    MatchResult,
    ProgrammeRecord,
    RegionalStatus,
    Round,
    match,
)
from programmes.models import Institution, Programme
from programmes.planning import FundingOffer, Plan, build_plan
from programmes.sme_rules import sme_rules
from programmes.usecases import currency_for, load_usecases
from readiness.models import Assessment
from readiness.selectors import AssessmentResults, assessment_results

SEARCH_FIELDS = ("name", "summary", "description", "slug", "institutions__name")


@dataclass(frozen=True)
class Currency:
    """How current the programme database is (the README states it)."""

    programmes: int
    confirmed: int  # statuses confirmed by a dated source
    unknown: int
    oldest_check: datetime.date | None  # the oldest status_checked_on in force
    oldest_slug: str
    stale_on: int  # confirmed statuses older than a year on ``day``
    day: datetime.date


def programme_currency(*, day: datetime.date | None = None) -> Currency:
    """Counts and the oldest check of the statuses in force (every status but ``unknown``)."""
    day = day or timezone.localdate()
    rows = list(Programme.objects.values_list("slug", "status", "status_checked_on"))
    known = [(checked, slug) for slug, status, checked in rows
             if status != "unknown" and checked is not None]
    oldest = min(known, default=(None, ""))
    stale = sum(1 for checked, _slug in known
                if (day - checked).days > STALE_AFTER_DAYS)
    return Currency(programmes=len(rows), confirmed=len(known),
                    unknown=sum(1 for _s, status, _c in rows if status == "unknown"),
                    oldest_check=oldest[0], oldest_slug=oldest[1], stale_on=stale, day=day)


def programme_list(
    *,
    country: str = "",
    kind: str = "",
    open_on: datetime.date | None = None,
    q: str = "",
) -> QuerySet[Programme]:
    """Programmes filtered by home country, kind of support, open on a date and a search text."""
    programmes = Programme.objects.all()
    if country:
        programmes = programmes.filter(country=country.upper())
    if kind:
        programmes = programmes.filter(kinds__key=kind)
    if open_on is not None:
        programmes = programmes.open_on(open_on)
    for word in q.split()[:8]:
        condition = Q()
        for name in SEARCH_FIELDS:
            condition |= Q(**{f"{name}__icontains": word})
        programmes = programmes.filter(condition)
    return (
        programmes.distinct()
        .prefetch_related("kinds", "institutions")
        .order_by("country", "name")
    )


def programme_countries() -> list[str]:
    return list(Programme.objects.order_by("country").values_list("country", flat=True).distinct())


def programme_get(*, slug: str) -> Programme | None:
    # No slug holds a NUL, and PostgreSQL refuses to compare text containing one (F16).
    if "\x00" in slug:
        return None
    return (
        Programme.objects.prefetch_related("kinds", "institutions").filter(slug=slug).first()
    )


def programme_record(
    programme: Programme,
    *,
    institution_names: dict[str, str] | None = None,
    kinds: Iterable[str] | None = None,
) -> ProgrammeRecord:
    """A programme as matching sees it. ``kinds`` stands in for the relation when the programme
    is a past version (a historical record has no many-to-many)."""
    names = institution_names if institution_names is not None else (
        dict(Institution.objects.filter(
            slug__in=[d.get("institution") for d in programme.delivery]
        ).values_list("slug", "name")) if programme.delivery else {}
    )
    return ProgrammeRecord(
        slug=programme.slug,
        name=programme.name,
        country=programme.country,
        kinds=tuple(sorted(kinds if kinds is not None
                           else (k.key for k in programme.kinds.all()))),
        eligible_countries=tuple(programme.eligible_countries),
        eligible_regions=tuple(programme.eligible_regions),
        eligible_sectors=tuple(programme.eligible_sectors),
        min_employees=programme.min_employees,
        max_employees=programme.max_employees,
        max_turnover=programme.max_turnover,
        max_turnover_currency=programme.max_turnover_currency,
        size_rule=programme.size_rule,
        dimensions=tuple(programme.dimensions),
        min_band=programme.min_band,
        max_band=programme.max_band,
        opens_on=programme.opens_on,
        closes_on=programme.closes_on,
        summary=programme.summary,
        how_to_apply=programme.how_to_apply,
        apply_url=programme.apply_url,
        status=programme.status,
        status_checked_on=programme.status_checked_on,
        regional_status=tuple(
            RegionalStatus(region=e["region"], status=e["status"],
                           status_checked_on=_day(e.get("status_checked_on")),
                           note=e.get("note") or "")
            for e in programme.regional_status
        ),
        primary_kind=programme.primary_kind,
        cost_to_firm=programme.cost_to_firm,
        rounds=tuple(
            Round(name=r["name"], opens_on=_day(r.get("opens_on")),
                  closes_on=_day(r.get("closes_on")))
            for r in programme.rounds
        ),
        sme_rule=sme_rules().get(programme.sme_rule) if programme.sme_rule else None,
        successor=programme.successor,
        firm_types=tuple(programme.firm_types),
        delivery=tuple(
            Delivery(institution=d["institution"],
                     institution_name=names.get(d["institution"], ""),
                     regions=tuple(d.get("regions") or ()),
                     contact_label=d.get("contact_label") or "",
                     contact_url=d.get("contact_url") or "",
                     contact_email=d.get("contact_email") or "",
                     contact_phone=d.get("contact_phone") or "")
            for d in programme.delivery
        ),
    )


def _day(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def programme_records(programmes: Iterable[Programme] | None = None) -> list[ProgrammeRecord]:
    if programmes is None:
        programmes = Programme.objects.prefetch_related("kinds")
    names = dict(Institution.objects.values_list("slug", "name"))
    return [programme_record(p, institution_names=names) for p in programmes]


def profile_of(assessment: Assessment) -> FirmProfile:
    """The matching profile of an assessment (or of anything with its profile fields, such as a
    row of ``advisors.selectors.assessments_frame``)."""
    return FirmProfile(
        country=assessment.country,
        region=assessment.region or "",
        employees=assessment.employees,
        turnover=assessment.turnover,
        turnover_currency=assessment.turnover_currency or "",
        sector=assessment.sector,
    )


def matches_for_assessment(
    assessment: Assessment,
    *,
    results: AssessmentResults | None = None,
    as_of: datetime.date | None = None,
) -> MatchResult:
    """The matches and near misses of a ``readiness.models.Assessment`` (DESIGN §6).

    ``results`` is its ``readiness.selectors.AssessmentResults`` when the caller has it already;
    ``as_of`` defaults to today.
    """
    if results is None:
        results = assessment_results(assessment)
    return match(
        profile_of(assessment),
        results.scores,
        results.priorities,
        programmes=programme_records(),
        as_of=as_of or timezone.localdate(),
        dimension_names={key: dim.name for key, dim in results.spec.dimensions.items()},
    )


def funding_offers(matches: Iterable[Match]) -> list[FundingOffer]:
    """What the planner needs of matched programmes (kinds, focus, money), in one query."""
    matches = list(matches)
    money = {
        p["slug"]: p for p in Programme.objects.filter(slug__in=[m.slug for m in matches])
        .values("slug", "match_rate_percent", "amount_max", "amount_currency")
    }
    return [
        FundingOffer(
            slug=m.slug, name=m.name, kinds=m.programme.kinds,
            dimensions=m.programme.dimensions,
            match_rate_percent=money[m.slug]["match_rate_percent"],
            amount_max=money[m.slug]["amount_max"],
            amount_currency=money[m.slug]["amount_currency"] or "",
        )
        for m in matches if m.slug in money
    ]


def plan_for_assessment(
    assessment: Assessment,
    *,
    results: AssessmentResults,
    match_result: MatchResult,
) -> Plan:
    """The costed plan of an assessment (DESIGN §7 ``plan``), with its matched programmes."""
    spec = results.spec
    targets = {k: v for k, v in (assessment.plan_targets or {}).items()
               if k in spec.dimensions and isinstance(v, int)}
    return build_plan(
        load_usecases(),
        bands=results.scores.dimensions,
        priorities=results.priorities,
        sector=assessment.sector,
        currency=currency_for(assessment.country, assessment.turnover_currency or ""),
        offers=funding_offers(match_result.matches),
        targets=targets,
        dimension_names={key: dim.name for key, dim in spec.dimensions.items()},
    )
