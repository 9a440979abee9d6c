"""Reads: programmes for the directory and the API, and an assessment's matches."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils import timezone

from programmes.matching import FirmProfile, MatchResult, ProgrammeRecord, match
from programmes.models import Programme
from readiness.models import Assessment
from readiness.selectors import AssessmentResults, assessment_results

SEARCH_FIELDS = ("name", "summary", "description", "slug", "institutions__name")


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


def programme_record(programme: Programme) -> ProgrammeRecord:
    return ProgrammeRecord(
        slug=programme.slug,
        name=programme.name,
        country=programme.country,
        kinds=tuple(sorted(k.key for k in programme.kinds.all())),
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
    )


def programme_records(programmes: Iterable[Programme] | None = None) -> list[ProgrammeRecord]:
    if programmes is None:
        programmes = Programme.objects.prefetch_related("kinds")
    return [programme_record(p) for p in programmes]


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
