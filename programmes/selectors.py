"""Reads: programmes for the directory and the API, and an assessment's matches."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from programmes.matching import (
    STALE_AFTER_DAYS,
    Delivery,
    FirmProfile,
    Match,
    MatchResult,
    NearMiss,
    ProgrammeRecord,
    RegionalStatus,
    Round,
    check_eligibility,
    match,
)
from programmes.models import Institution, Programme
from programmes.planning import FundingOffer, Plan, build_plan
from programmes.sme_rules import sme_rules
from programmes.usecases import currency_for, load_usecases
from readiness.models import Assessment
from readiness.prioritisation import Priority
from readiness.reference_cache import PROGRAMMES_REFERENCE, reference_get
from readiness.scoring import Scores
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
    programme_names: dict[str, str] | None = None,
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
        successor_name=(programme_names or {}).get(programme.successor, ""),
        firm_types=tuple(programme.firm_types),
        match_rate_percent=programme.match_rate_percent,
        amount_max=programme.amount_max,
        amount_currency=programme.amount_currency or "",
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
    """Matching records of the given programmes; of every programme (the per-process copy,
    re-read when a programme changes) when none are given."""
    if programmes is None:
        return list(programme_index_get().records)
    names = dict(Institution.objects.values_list("slug", "name"))
    titles = dict(Programme.objects.values_list("slug", "name"))
    return [programme_record(p, institution_names=names, programme_names=titles)
            for p in programmes]


@dataclass(frozen=True)
class ProgrammeIndex:
    """Every programme's matching record, and the records a firm of each country can be
    eligible for (open to its country or to any country), in the database's order."""

    records: tuple[ProgrammeRecord, ...]
    open_anywhere: tuple[ProgrammeRecord, ...]
    by_country: dict[str, tuple[ProgrammeRecord, ...]] = field(default_factory=dict)
    # (profile, as_of) -> the near misses of other countries' programmes; lives and dies with
    # this index, so a programme change starts it afresh.
    elsewhere_memo: dict = field(default_factory=dict, compare=False, repr=False)

    def candidates(self, country: str) -> tuple[ProgrammeRecord, ...]:
        """The records whose country rule a firm in ``country`` meets: what matching needs to
        rank, so that its cost grows with these and not with the whole database."""
        return self.by_country.get(country.upper(), self.open_anywhere)

    def elsewhere(self, country: str) -> tuple[ProgrammeRecord, ...]:
        """The records only firms of other countries can use."""
        here = {r.slug for r in self.candidates(country)}
        return tuple(r for r in self.records if r.slug not in here)


def programme_index_build(records: Iterable[ProgrammeRecord]) -> ProgrammeIndex:
    records = tuple(records)
    countries = {c.upper() for r in records for c in r.eligible_countries}
    by_country = {
        country: tuple(r for r in records
                       if not r.eligible_countries or country in r.eligible_countries)
        for country in countries
    }
    return ProgrammeIndex(records=records,
                          open_anywhere=tuple(r for r in records if not r.eligible_countries),
                          by_country=by_country)


def programme_index_get() -> ProgrammeIndex:
    """The index of every programme, read once per process and again after a change."""
    def build() -> ProgrammeIndex:
        names = dict(Institution.objects.values_list("slug", "name"))
        programmes = list(Programme.objects.prefetch_related("kinds"))
        titles = {p.slug: p.name for p in programmes}
        return programme_index_build(
            programme_record(p, institution_names=names, programme_names=titles)
            for p in programmes)

    return reference_get(PROGRAMMES_REFERENCE, build)


ELSEWHERE_MEMO_SIZE = 4096


def _near_miss_order(near: NearMiss) -> tuple[bool, int, float, str]:
    """How near misses are listed (as programmes.matching.match sorts them)."""
    return (near.elsewhere, len(near.blockers), -near.relevance, near.name)


def programme_near_misses_elsewhere(index: ProgrammeIndex, profile: FirmProfile,
                           as_of: datetime.date) -> tuple[NearMiss, ...]:
    """Other countries' programmes with every rule the firm fails there, for the list "in other
    countries". They are not ranked (their relevance is left at 0, so they are listed by how
    many rules they fail, then by name), and the same firm profile on the same day gets the
    list already made: a bulk run or a busy API pays for it once per kind of firm."""
    key = (profile, as_of)
    made = index.elsewhere_memo.get(key)
    if made is None:
        # Kept in the order near misses are listed in, so that callers need not sort them again.
        made = tuple(sorted(
            (NearMiss(r.slug, r.name, r.country, check_eligibility(profile, r, as_of)[0], r)
             for r in index.elsewhere(profile.country)), key=_near_miss_order))
        if len(index.elsewhere_memo) >= ELSEWHERE_MEMO_SIZE:
            index.elsewhere_memo.clear()
        index.elsewhere_memo[key] = made
    return made


def programme_match(
    *,
    profile: FirmProfile,
    scores: Scores,
    priorities: list[Priority],
    as_of: datetime.date,
    dimension_names: dict[str, str],
    elsewhere: bool = True,
) -> MatchResult:
    """Matching over the programme index: the programmes a firm of its country can use are
    ranked in full (programmes.matching.match); the others are near misses with their blockers
    (left out with ``elsewhere=False``, for callers that show none of them).
    """
    index = programme_index_get()
    here = match(profile, scores, priorities, programmes=index.candidates(profile.country),
                 as_of=as_of, dimension_names=dimension_names)
    if not elsewhere:
        return here
    near = here.near_misses + list(programme_near_misses_elsewhere(index, profile, as_of))
    if any(n.elsewhere for n in here.near_misses):  # never, by the index; sorted if it happens
        near.sort(key=_near_miss_order)
    # Otherwise already in order: the firm's own country's first, as matching sorted them, then
    # the others', as kept (the same order a stable sort of the whole list gives).
    return MatchResult(as_of=as_of, matches=here.matches, near_misses=near, tools=here.tools,
                       region=here.region)


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
    return programme_match(
        profile=profile_of(assessment),
        scores=results.scores,
        priorities=results.priorities,
        as_of=as_of or timezone.localdate(),
        dimension_names={key: dim.name for key, dim in results.spec.dimensions.items()},
    )


def funding_offers(matches: Iterable[Match]) -> list[FundingOffer]:
    """What the planner needs of matched programmes (kinds, focus, money), from their matching
    records: the programme index carries the money, so no query is needed."""
    return [
        FundingOffer(
            slug=m.slug, name=m.name, kinds=m.programme.kinds,
            dimensions=m.programme.dimensions,
            match_rate_percent=m.programme.match_rate_percent,
            amount_max=m.programme.amount_max,
            amount_currency=m.programme.amount_currency,
        )
        for m in matches
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
