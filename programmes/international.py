"""The international view (DESIGN §7 ``international``; issue 15 item 1): what a firm like this
one would get in each of the six countries of the 2020 policy note.

Plain Python over plain data, like ``programmes.matching``: the firm is placed in each country in
turn (same headcount, sector and turnover; the turnover stays in its own currency, so a limit in
another currency is left undecided, never converted), and eligibility is re-run for every region
of that country. Per kind of support, the offers it could use are ranked (confirmed open first,
then by relevance and coverage); each carries a headline built from the record's own fields
(amount, currency, match rate, cost to the firm, tiers), never from prose, and its status as
matching states it: a status nobody confirmed is ``unknown``, never open.

The region sweep is exact and cheap: a programme's eligibility depends on the region only through
the regions its record names (``eligible_regions``, ``regional_status``), so every region it does
not name gets the same answer, and one check stands for all of them.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache
from typing import Any

from programmes.matching import (
    FirmProfile,
    ProgrammeRecord,
    check_eligibility,
    delivery_for,
    relevance_of,
    status_on,
    status_phrase,
)
from readiness.prioritisation import Priority
from readiness.reference import country_name
from readiness.scoring import Scores

COUNTRIES: tuple[str, ...] = ("GB", "US", "DE", "SG", "KR", "TW")

# The date of the policy note (../shared/seed/): the switch re-runs the view on this day.
NOTE_DATE = datetime.date(2020, 11, 30)

# Kinds of support (DESIGN §6), diffusion first as the note orders its contrasts.
KINDS: tuple[str, ...] = ("advice", "training", "demonstration", "grant", "rnd_funding",
                          "network", "self_assessment")

KIND_NAMES: dict[str, str] = {
    "advice": "Advice",
    "training": "Training",
    "demonstration": "Demonstration and test facilities",
    "grant": "Grants and tax credits",
    "rnd_funding": "R&D funding",
    "network": "Networks",
    "self_assessment": "Self-assessment tools",
}

REGION_NOUNS: dict[str, str] = {
    "GB": "UK regions",
    "US": "US states (with DC and Puerto Rico)",
    "DE": "German Länder",
    "SG": "Singapore regions",
    "KR": "Korean provinces and metropolitan cities",
    "TW": "Taiwanese counties and cities",
}

CURRENCY_SIGNS: dict[str, str] = {"GBP": "£", "USD": "$", "EUR": "€", "SGD": "S$", "TWD": "NT$",
                                  "KRW": "₩"}

OFFERS_PER_KIND = 3  # the best offer and at most two more, so a cell stays readable

NO_OFFER = "no national offer found"


@dataclass(frozen=True)
class Tier:
    """A subsidy tier of a record: by size band and by date (``programmes.Programme.tiers``)."""

    size_band: str
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None
    amount_max: Decimal | None = None
    currency: str = ""
    match_rate_percent: int | None = None


@dataclass(frozen=True)
class OfferTerms:
    """What a programme offers in money and who delivers it: the record's fields that matching
    does not need."""

    slug: str
    amount_max: Decimal | None = None
    amount_currency: str = ""
    match_rate_percent: int | None = None
    tiers: tuple[Tier, ...] = ()
    institutions: tuple[str, ...] = ()  # names of the institutions that run it


@dataclass(frozen=True)
class Offer:
    slug: str
    name: str
    kind: str
    headline: str
    delivery: str
    coverage: str
    regions_covered: int
    regions_total: int
    status: str
    status_checked_on: datetime.date | None
    stale: bool
    by_dates: bool = False  # checked only after as_of: its recorded dates say it ran
    in_firm_region: bool | None = None  # own country only: open where the firm is
    conditions: tuple[str, ...] = ()

    @property
    def confirmed_open(self) -> bool:
        return self.status == "open" and not self.stale and not self.by_dates

    @property
    def status_text(self) -> str:
        if self.by_dates:
            return "Running by its recorded dates (no status check from that time)"
        return status_phrase(self.status, self.status_checked_on, self.stale)

    @property
    def status_short(self) -> str:
        """The status in a few words, for the PDF's table."""
        if self.by_dates:
            return "running by recorded dates"
        day = (f"{self.status_checked_on.day} {self.status_checked_on:%b %Y}"
               if self.status_checked_on else "")
        if self.confirmed_open:
            return f"open, confirmed {day}"
        if self.status == "open":
            return f"last confirmed open {day}"
        return "status unknown" if self.status == "unknown" else f"{self.status} {day}".strip()

    @property
    def coverage_short(self) -> str:
        if self.regions_total == 0 or self.regions_covered == self.regions_total:
            return "nationwide"
        return f"{self.regions_covered} of {self.regions_total} regions"

    def as_dict(self) -> dict[str, Any]:
        return {
            "programme": self.slug,
            "name": self.name,
            "headline": self.headline,
            "delivery": self.delivery,
            "coverage": self.coverage,
            "status": "unknown" if self.by_dates else self.status,
            "status_checked_on": (self.status_checked_on.isoformat()
                                  if self.status_checked_on and not self.by_dates else None),
            "stale": self.stale,
            "by_dates": self.by_dates,
            "conditions": list(self.conditions),
        }


@dataclass(frozen=True)
class CountryView:
    country: str
    own: bool
    functions: dict[str, tuple[Offer, ...]]
    summary: str
    regions_total: int
    region: str = ""  # the firm's own region, in its own country

    @property
    def name(self) -> str:
        return country_name(self.country)

    @property
    def summary_body(self) -> str:
        """The summary without the country's name, for a place that shows the name already."""
        return self.summary.split(": ", 1)[1] if ": " in self.summary else self.summary

    @property
    def rows(self) -> list[tuple[str, str, tuple[Offer, ...]]]:
        """(kind, its name, its offers) in the order of ``KINDS``, for templates."""
        return [(kind, KIND_NAMES[kind], self.functions.get(kind, ())) for kind in KINDS]

    def as_dict(self) -> dict[str, Any]:
        return {
            "country": self.country,
            "functions": {kind: [o.as_dict() for o in self.functions.get(kind, ())]
                          for kind in KINDS},
            "summary": self.summary,
        }


@dataclass(frozen=True)
class InternationalView:
    as_of: datetime.date
    countries: tuple[CountryView, ...] = field(default_factory=tuple)

    @property
    def at_note_date(self) -> bool:
        return self.as_of == NOTE_DATE

    @property
    def matrix(self) -> list[tuple[str, list[Offer | None]]]:
        """(kind name, the best offer in each country or None) per kind: the PDF's table."""
        return [(KIND_NAMES[kind], [(c.functions.get(kind) or (None,))[0]
                                    for c in self.countries]) for kind in KINDS]

    def as_list(self) -> list[dict[str, Any]]:
        return [c.as_dict() for c in self.countries]


def country_order(own: str) -> tuple[str, ...]:
    """The six countries, the firm's own first when it is one of them."""
    own = own.upper()
    return ((own,) if own in COUNTRIES else ()) + tuple(c for c in COUNTRIES if c != own)


@dataclass(frozen=True)
class Reach:
    """Where one programme reaches a firm placed in its country, before any ranking: it depends
    on the firm's profile and the day only, so a caller may keep it for the same firm
    (``sweep``); relevance, which depends on the scores, is added per call."""

    record: ProgrammeRecord
    offers: tuple[Offer, ...]  # one per kind


@dataclass(frozen=True)
class CountryReach:
    country: str
    own: bool
    region: str
    regions_total: int
    reaches: tuple[Reach, ...]


def sweep(
    profile: FirmProfile,
    *,
    records: Sequence[ProgrammeRecord],
    terms: Mapping[str, OfferTerms],
    regions: Mapping[str, Sequence[str]],
    as_of: datetime.date,
) -> tuple[CountryReach, ...]:
    """The firm placed in each of the six countries (own first), every programme of that
    country checked in every region on ``as_of``: the offers it could use, unranked."""
    by_country: dict[str, list[ProgrammeRecord]] = {}
    for record in records:
        by_country.setdefault(record.country.upper(), []).append(record)
    result = []
    for country in country_order(profile.country):
        own = country == profile.country.upper()
        places = tuple((place, _fold(place)) for place in regions.get(country, ())) or (("", ""),)
        placed = replace(profile, country=country, region=profile.region if own else "")
        reaches = []
        for record in by_country.get(country, ()):
            offers = _offers(record, placed, places, as_of, terms.get(record.slug), own)
            if offers:
                reaches.append(Reach(record, offers))
        result.append(CountryReach(country, own, placed.region,
                                   len([p for p, _f in places if p]), tuple(reaches)))
    return tuple(result)


def international_view(
    profile: FirmProfile,
    scores: Scores,
    priorities: Sequence[Priority],
    *,
    records: Sequence[ProgrammeRecord],
    terms: Mapping[str, OfferTerms],
    regions: Mapping[str, Sequence[str]],
    as_of: datetime.date,
    dimension_names: Mapping[str, str] | None = None,
    reach: Sequence[CountryReach] | None = None,
) -> InternationalView:
    """For each of the six countries (own first), the offers of that country's programmes that
    the firm, placed there, could use on ``as_of``, per kind of support, best first. ``reach``
    is this firm's ``sweep`` when the caller kept it."""
    names = dict(dimension_names or {})
    if reach is None:
        reach = sweep(profile, records=records, terms=terms, regions=regions, as_of=as_of)
    views = []
    for country in reach:
        functions: dict[str, list[tuple[tuple, Offer]]] = {}
        for found in country.reaches:
            relevance, _why = relevance_of(found.record, scores, priorities, names,
                                           employees=profile.employees)
            for offer in found.offers:
                functions.setdefault(offer.kind, []).append((_rank(offer, relevance), offer))
        ranked = {kind: tuple(o for _key, o in sorted(offers, key=lambda pair: pair[0])
                              [:OFFERS_PER_KIND])
                  for kind, offers in functions.items()}
        views.append(CountryView(
            country=country.country, own=country.own, functions=ranked,
            summary=summary_line(country.country, ranked),
            regions_total=country.regions_total, region=country.region))
    return InternationalView(as_of=as_of, countries=tuple(views))


def _rank(offer: Offer, relevance: float) -> tuple:
    """Where the firm is first (own country), then confirmed open, running by its dates, open
    but stale, unknown; then relevance to the firm's priorities, coverage and name."""
    if offer.confirmed_open:
        standing = 0
    elif offer.by_dates:
        standing = 1
    elif offer.status == "open":
        standing = 2
    else:
        standing = 3
    return (offer.in_firm_region is False, standing, -relevance, -offer.regions_covered,
            offer.name)


def _offers(
    record: ProgrammeRecord,
    placed: FirmProfile,
    places: Sequence[tuple[str, str]],
    as_of: datetime.date,
    terms: OfferTerms | None,
    own: bool,
) -> tuple[Offer, ...]:
    """The programme's offer under each of its kinds, or nothing when no region of the country
    can use it on ``as_of``."""
    if _never_eligible(record, placed, as_of):
        return ()
    named = {_fold(r) for r in record.eligible_regions} | {
        _fold(s.region) for s in record.regional_status}
    # Regions the record does not name all get the same answer: one check stands for them all.
    classes: dict[str, list[str]] = {}
    for place, folded in places:
        classes.setdefault(folded if folded in named else "", []).append(place)
    checked: dict[str, tuple[bool, tuple[str, ...]]] = {}
    for key, members in classes.items():
        blockers, _reasons, to_check = check_eligibility(
            _placed_in(placed, members[0]), record, as_of)
        checked[key] = (not blockers, tuple(to_check))
    eligible_keys = [key for key, (ok, _c) in checked.items() if ok]
    if not eligible_keys:
        return ()
    firm_region = placed.region if own and placed.region else ""
    firm_key = ""
    in_region: bool | None = None
    if firm_region:
        firm_fold = _fold(firm_region)
        firm_key = firm_fold if firm_fold in named else ""
        in_region = checked.get(firm_key, (False, ()))[0] and any(
            folded == firm_fold for _p, folded in places)
    key = firm_key if in_region else eligible_keys[0]
    shown_at = firm_region if in_region else classes[key][0]
    view = status_on(record, _placed_in(placed, shown_at), as_of)
    conditions = checked[key][1]
    total = len([p for p, _f in places if p])
    covered = sum(len([p for p in classes[k] if p]) for k in eligible_keys)
    coverage = coverage_text(record.country.upper(), covered, total)
    delivery = delivery_text(record, terms, region=shown_at, total=total, covered=covered)
    kinds = ("self_assessment",) if record.is_tool else tuple(
        k for k in record.kinds if k != "self_assessment")
    return tuple(
        Offer(
            slug=record.slug, name=record.name, kind=kind,
            headline=headline(kind, record, terms, employees=placed.employees, as_of=as_of),
            delivery=delivery,
            coverage=coverage, regions_covered=covered, regions_total=total,
            status=view.status, status_checked_on=view.checked_on, stale=view.stale,
            by_dates=view.by_dates and view.status == "open", in_firm_region=in_region,
            conditions=conditions,
        )
        for kind in kinds
    )


def _placed_in(profile: FirmProfile, region: str) -> FirmProfile:
    # The constructor, not dataclasses.replace: this runs for every region class of every
    # programme, and replace() inspects the fields each time.
    return FirmProfile(profile.country, profile.employees, profile.sector, region,
                       profile.turnover, profile.turnover_currency)


def _never_eligible(record: ProgrammeRecord, profile: FirmProfile, as_of: datetime.date) -> bool:
    """Rules no region can change, checked before the full check (which words every reason):
    a sector it does not serve, or a day outside its recorded dates."""
    if record.eligible_sectors and profile.sector not in record.eligible_sectors:
        return True
    if record.opens_on and as_of < record.opens_on:
        return True
    return bool(record.closes_on and as_of > record.closes_on)


def _fold(region: str) -> str:
    """A region as ``programmes.matching._same_region`` compares it: case-folded, without the
    country prefix of an ISO 3166-2 code."""
    text = region.strip().casefold()
    return text.split("-", 1)[1] if len(text) > 3 and text[2] == "-" else text


def coverage_text(country: str, covered: int, total: int) -> str:
    noun = REGION_NOUNS.get(country, "regions")
    if total == 0:
        return "nationwide"
    if covered == total:
        return f"in all {total} {noun}"
    return f"in {covered} of {total} {noun}"


# Headlines ---------------------------------------------------------------------------------------

SIZE_BAND_LIMITS = (("micro", 9), ("small", 49), ("medium", 249))


def size_band(employees: int) -> str:
    """The size band of a headcount, as subsidy tiers name them (as readiness.benchmarks)."""
    return next((band for band, top in SIZE_BAND_LIMITS if employees <= top), "large")


def tier_for(tiers: Sequence[Tier], *, employees: int, as_of: datetime.date) -> list[Tier]:
    """The tiers in force on ``as_of`` for this size: the firm's size band's, else those for any
    size; when neither is recorded, every tier in force (the headline then gives a range)."""
    current = [t for t in tiers if (t.valid_from is None or t.valid_from <= as_of)
               and (t.valid_to is None or as_of <= t.valid_to)]
    band = size_band(employees)
    for wanted in (band, "any"):
        chosen = [t for t in current if t.size_band == wanted]
        if chosen:
            return chosen[:1]
    return current


@lru_cache(maxsize=1024)
def money(amount: Decimal, currency: str) -> str:
    """A compact amount in its own currency: £20k, NT$5m, ₩150m, €16.5k. Never converted."""
    sign = CURRENCY_SIGNS.get(currency.upper())
    value = Decimal(amount)
    for step, suffix in ((Decimal(1_000_000_000), "bn"), (Decimal(1_000_000), "m"),
                         (Decimal(1_000), "k")):
        if value >= step:
            scaled = (value / step).quantize(Decimal("0.1")).normalize()
            number = f"{scaled:f}{suffix}"
            break
    else:
        number = f"{value:,.0f}"
    return f"{sign}{number}" if sign else f"{currency.upper()} {number}".strip()


def headline(kind: str, record: ProgrammeRecord, terms: OfferTerms | None, *, employees: int,
             as_of: datetime.date) -> str:
    """What the offer is, in a few words from the record's fields; where a field is empty the
    headline says it is not recorded rather than guess."""
    amount, currency, rate = _money_terms(terms, employees=employees, as_of=as_of)
    cost = record.cost_to_firm
    if kind in ("grant", "rnd_funding") and cost == "tax_credit":
        return f"{rate} % tax credit" if rate else "tax credit (rate not recorded)"
    if kind == "grant":
        text = "grant"
        if amount:
            text += f" up to {amount}"
        if rate:
            text += f" at {rate} %"
        return text if (amount or rate) else "grant (amount and rate not recorded)"
    if kind == "rnd_funding":
        if cost == "membership":
            return "R&D projects for members (membership fee)"
        text = "R&D funding" + (f" up to {amount}" if amount else "")
        if rate and isinstance(rate, int):
            text += f", {100 - rate} % own funds"
        elif rate:
            text += f" at {rate} %"
        return text if (amount or rate) else "R&D funding (amount not recorded)"
    word = {"advice": "advice", "training": "training",
            "demonstration": "access to demonstration and test facilities",
            "network": "network", "self_assessment": "self-assessment"}[kind]
    if cost == "free":
        return f"free {word}"
    if cost == "membership":
        return f"{word} for members (membership fee)"
    if cost == "fee":
        paid = f", {rate} % of the cost paid by the programme" if rate else ""
        return f"{word} for a fee{paid}"
    if cost == "co_funding":
        return f"{word}, with co-funding by the firm"
    return f"{word} (cost to the firm not recorded)"


def _money_terms(terms: OfferTerms | None, *, employees: int, as_of: datetime.date
                 ) -> tuple[str, str, int | str | None]:
    """(amount, currency, rate) from the tier in force, else from the record's own fields; a
    rate range "30-40" when the tiers in force differ and none is the firm's."""
    if terms is None:
        return "", "", None
    tiers = tier_for(terms.tiers, employees=employees, as_of=as_of)
    amount_value, currency = terms.amount_max, terms.amount_currency
    rate: int | str | None = terms.match_rate_percent
    if tiers:
        rates = sorted({t.match_rate_percent for t in tiers if t.match_rate_percent is not None})
        if len(rates) == 1:
            rate = rates[0]
        elif rates:
            rate = f"{rates[0]}-{rates[-1]}"
        with_amount = [t for t in tiers if t.amount_max is not None and t.currency]
        if with_amount:
            amount_value, currency = with_amount[0].amount_max, with_amount[0].currency
    amount = money(amount_value, currency) if amount_value is not None and currency else ""
    return amount, currency, rate


def delivery_text(record: ProgrammeRecord, terms: OfferTerms | None, *, region: str,
                  total: int, covered: int) -> str:
    """The delivery model (national or regional) and who delivers it where the firm would be:
    that region's partners, else the national ones, else the institutions that run it."""
    partners = delivery_for(record, region)
    who = [d.institution_name or d.institution for d in partners] or list(
        terms.institutions if terms else ())
    who = list(dict.fromkeys(who))[:3]
    regional = bool(record.eligible_regions) or any(d.regions for d in record.delivery)
    model = "regional delivery" if regional or (total and covered < total) else "national"
    return f"{model}, by {', '.join(who)}" if who else model


# Summary -----------------------------------------------------------------------------------------

def summary_line(country: str, functions: Mapping[str, Sequence[Offer]]) -> str:
    """One line per country: which kinds of support have an offer confirmed open, which have
    offers whose status nobody confirmed, and which have none."""
    groups: dict[str, list[str]] = {"open": [], "dates": [], "stale": [], "unsure": [],
                                     "none": []}
    for kind in KINDS:
        offers = functions.get(kind, ())
        name = KIND_NAMES[kind] if kind == "rnd_funding" else KIND_NAMES[kind].lower()
        if not offers:
            groups["none"].append(name)
        elif offers[0].confirmed_open:
            groups["open"].append(name)
        elif offers[0].by_dates:
            groups["dates"].append(name)
        elif offers[0].status == "open":
            groups["stale"].append(name)
        else:
            groups["unsure"].append(name)
    parts = []
    if groups["open"]:
        parts.append("confirmed open: " + ", ".join(groups["open"]))
    if groups["dates"]:
        parts.append("running by recorded dates: " + ", ".join(groups["dates"]))
    if groups["stale"]:
        parts.append("last confirmed open over a year ago: " + ", ".join(groups["stale"]))
    if groups["unsure"]:
        parts.append("status not confirmed: " + ", ".join(groups["unsure"]))
    if groups["none"]:
        parts.append(NO_OFFER + ": " + ", ".join(groups["none"]))
    return f"{country_name(country)}: " + "; ".join(parts) + "."
