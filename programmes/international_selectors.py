"""Reads for the international view (issue 15 item 1): the offer terms of every programme, the
regions of the six countries, and the view of one firm or one assessment."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Q

from programmes.international import (
    COUNTRIES,
    InternationalView,
    OfferTerms,
    Tier,
    international_view,
    sweep,
)
from programmes.matching import STALE_AFTER_DAYS, FirmProfile, status_phrase
from programmes.models import Institution, Programme
from programmes.selectors import profile_of, programme_index_get
from readiness.models import Assessment
from readiness.prioritisation import Priority
from readiness.reference import (
    GB_REGIONS,
    US_STATES,
    country_name,
    region_choices,
    region_label,
)
from readiness.reference_cache import PROGRAMMES_REFERENCE, reference_stamp
from readiness.scoring import Scores
from readiness.selectors import AssessmentResults, assessment_results

# (profile, as_of) -> its sweep, for the programme index under "index" (a new index starts afresh).
_sweeps: dict[Any, Any] = {}
SWEEP_MEMO_SIZE = 4096

# (stamp of the programme data it was read under, the terms): re-read after any programme change.
_kept: dict[str, tuple[str, dict[str, OfferTerms]]] = {}


def _day(value: Any) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def programme_offer_terms() -> dict[str, OfferTerms]:
    """Money, tiers and institutions of every programme, in two queries, once per process and
    again after a programme changes."""
    stamp = reference_stamp(PROGRAMMES_REFERENCE)
    kept = _kept.get("terms")
    if kept is not None and kept[0] == stamp:
        return kept[1]
    terms = {
        p.slug: OfferTerms(
            slug=p.slug,
            amount_max=p.amount_max,
            amount_currency=p.amount_currency or "",
            match_rate_percent=p.match_rate_percent,
            tiers=tuple(
                Tier(size_band=t.get("size_band") or "any",
                     valid_from=_day(t.get("valid_from")), valid_to=_day(t.get("valid_to")),
                     amount_max=(Decimal(str(t["amount_max"]))
                                 if t.get("amount_max") not in (None, "") else None),
                     currency=t.get("currency") or "",
                     match_rate_percent=t.get("match_rate_percent"))
                for t in p.tiers or () if isinstance(t, dict)),
            institutions=tuple(i.name for i in p.institutions.all()),
        )
        for p in Programme.objects.prefetch_related("institutions")
    }
    if not connection.in_atomic_block:
        _kept["terms"] = (stamp, terms)
    return terms


@cache
def country_regions() -> dict[str, tuple[str, ...]]:
    """Every region of the six countries, as the profile names them: the 12 ITL1 regions, the US
    states with DC and Puerto Rico, and the top-level ISO 3166-2 subdivisions elsewhere."""
    regions: dict[str, tuple[str, ...]] = {"GB": GB_REGIONS, "US": tuple(US_STATES)}
    for country in COUNTRIES:
        if country not in regions:
            regions[country] = _top_level(country)
    return regions


def _top_level(country: str) -> tuple[str, ...]:
    import pycountry

    top = {s.code for s in pycountry.subdivisions.get(country_code=country) or []
           if not getattr(s, "parent_code", None)}
    return tuple(code for code, _name in region_choices(country) if code in top)


def international_for(
    *,
    profile: FirmProfile,
    scores: Scores,
    priorities: list[Priority],
    as_of: datetime.date,
    dimension_names: dict[str, str],
) -> InternationalView:
    """The international view of one firm over the programme database (read once per
    process): no query beyond the cached reference data. The region sweep depends only on the
    profile and the day, so it is kept for the same kind of firm while the programme index
    lives (as the near misses elsewhere are, ``programmes.selectors``)."""
    index = programme_index_get()
    terms = programme_offer_terms()
    regions = country_regions()
    if _sweeps.get("index") is not index:
        _sweeps.clear()
        _sweeps["index"] = index
    key = (profile, as_of)
    reach = _sweeps.get(key)
    if reach is None:
        reach = sweep(profile, records=index.records, terms=terms, regions=regions, as_of=as_of)
        if len(_sweeps) > SWEEP_MEMO_SIZE:
            _sweeps.clear()
            _sweeps["index"] = index
        _sweeps[key] = reach
    return international_view(
        profile, scores, priorities,
        records=index.records, terms=terms, regions=regions, as_of=as_of,
        dimension_names=dimension_names, reach=reach,
    )


def international_for_assessment(
    assessment: Assessment,
    *,
    as_of: datetime.date,
    results: AssessmentResults | None = None,
) -> InternationalView:
    results = results or assessment_results(assessment)
    return international_for(
        profile=profile_of(assessment),
        scores=results.scores,
        priorities=results.priorities,
        as_of=as_of,
        dimension_names={key: dim.name for key, dim in results.spec.dimensions.items()},
    )


# Country pages (issue 15 item 2) ---------------------------------------------------------------


@dataclass(frozen=True)
class TimelineRow:
    slug: str
    name: str
    opens_on: datetime.date | None
    closes_on: datetime.date | None
    status: str
    status_checked_on: datetime.date | None
    left: float  # the bar's start and width in percent of the timeline's span
    width: float
    status_text: str = ""  # as matching words it: never "open" unless confirmed within a year


@dataclass(frozen=True)
class CountryProfile:
    """What the database records about one country's support: built from the records, and
    saying what they do not record."""

    country: str
    name: str
    institutions: list[dict[str, Any]]
    delivery_points: list[dict[str, Any]]
    timeline: list[TimelineRow]
    timeline_start: int
    timeline_end: int
    budgets: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    programmes: int


def country_profile_get(*, country: str, today: datetime.date) -> CountryProfile | None:
    """The country page's content, or None when the database holds no programme there."""
    country = country.upper()
    programmes = list(Programme.objects.filter(country=country)
                      .prefetch_related("institutions").order_by("opens_on", "name"))
    if not programmes:
        return None
    running: dict[str, list[str]] = {}
    for p in programmes:
        for institution in p.institutions.all():
            running.setdefault(institution.slug, []).append(p.name)
    delivering = {d.get("institution") for p in programmes for d in p.delivery}
    institutions = [
        {"name": i.name, "url": i.url, "description": i.description,
         "renamed": [{"name": r.get("name", ""), "until": _day(r.get("until"))}
                     for r in i.renamed or [] if isinstance(r, dict)],
         "programmes": running.get(i.slug, []), "delivers": i.slug in delivering}
        for i in Institution.objects.filter(Q(country=country) | Q(slug__in=running))
        .order_by("name")
    ]
    names = {i.slug: i.name for i in Institution.objects.filter(slug__in=delivering)}
    delivery_points = [
        {"programme": p.name, "slug": p.slug,
         "institution": names.get(d.get("institution"), d.get("institution")),
         "regions": [region_label(country, r) for r in d.get("regions") or []],
         "contact_label": d.get("contact_label") or "", "contact_url": d.get("contact_url") or ""}
        for p in programmes for d in p.delivery
    ]
    years = [d.year for p in programmes for d in (p.opens_on, p.closes_on) if d]
    start = min(years + [today.year]) if years else today.year
    end = max(years + [today.year]) + 1
    span = (datetime.date(end, 1, 1) - datetime.date(start, 1, 1)).days
    timeline = []
    for p in programmes:
        first = p.opens_on or datetime.date(start, 1, 1)
        last = p.closes_on or datetime.date(end, 1, 1)
        left = (first - datetime.date(start, 1, 1)).days / span * 100
        width = max(0.8, (last - first).days / span * 100)
        checked = p.status_checked_on
        stale = checked is None or (today - checked).days > STALE_AFTER_DAYS
        timeline.append(TimelineRow(p.slug, p.name, p.opens_on, p.closes_on, p.status,
                                    checked, round(left, 2), round(min(width, 100 - left), 2),
                                    status_phrase(p.status, checked, stale)))
    budgets = [{"programme": p.name, "slug": p.slug, "note": p.budget_note,
                "sources": [s for s in p.sources or [] if isinstance(s, dict)]}
               for p in programmes if p.budget_note]
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    for p in programmes:
        for s in p.sources or []:
            if not isinstance(s, dict):
                continue
            entry = seen.setdefault((s.get("title", ""), s.get("url", "")), {
                "title": s.get("title", ""), "url": s.get("url", ""),
                "read_on": _day(s.get("read_on")), "programmes": []})
            entry["programmes"].append(p.name)
    return CountryProfile(
        country=country, name=country_name(country), institutions=institutions,
        delivery_points=delivery_points, timeline=timeline, timeline_start=start,
        timeline_end=end, budgets=budgets,
        sources=sorted(seen.values(), key=lambda s: s["title"]), programmes=len(programmes))
