"""Matching (DESIGN §6): which programmes a firm can use, how well they fit, and why (not).

Plain Python over plain data: a firm profile, its scores and priorities, an ``as_of`` date and
programme records in; ranked matches with reasons and near misses with blockers out. No ORM,
request or settings here, so the rules are tested without a database.

Hard eligibility comes first (country, region, sector, size, turnover, dates); every rule a firm
fails becomes a blocker with one of the codes in ``BLOCKER_CODES``. Eligible programmes are then
ranked by relevance in [0, 1]:

* ``fit``   (weight 0.5): how many of the firm's top priorities the programme works on, the
  first priority counting most (0.4, 0.3, 0.2, 0.1); neutral 0.5 when nothing was answered;
* ``level`` (weight 0.25): whether the firm's bands on the programme's dimensions lie in the band
  range it suits, less 0.25 for each band outside;
* ``stage`` (weight 0.25): whether its kinds of support suit a firm at this overall level (a firm
  at bands 0-1 needs awareness and advice before an R&D competition), see ``KIND_STAGES``.

Turnover limits are compared only when the firm's turnover is in the limit's currency: we keep no
exchange-rate table, because a stale rate would silently decide eligibility. When the currencies
differ the limit is not applied, and the reason says so.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from statistics import fmean
from typing import Any

from readiness.prioritisation import Priority
from readiness.reference import (
    GB_REGIONS,
    MANUFACTURING_DIVISIONS,
    country_name,
    region_label,
    sector_label,
)
from readiness.scoring import Scores
from readiness.wording import join_words

BLOCKER_CODES = ("country", "region", "size", "turnover", "sector", "closed", "not_yet_open")

DATE_CODES = frozenset({"closed", "not_yet_open"})

KIND_LABELS: dict[str, str] = {
    "grant": "grants",
    "advice": "advice",
    "training": "training",
    "demonstration": "demonstration facilities",
    "rnd_funding": "R&D funding",
    "network": "a network of peers and experts",
    "self_assessment": "a self-assessment",
}

# The range of overall readiness (0..5) each kind of support suits best; outside it the stage
# fit falls by 0.3 per band. Awareness and advice come first, R&D competitions last.
KIND_STAGES: dict[str, tuple[float, float]] = {
    "self_assessment": (0.0, 3.0),
    "advice": (0.0, 3.5),
    "training": (0.0, 5.0),
    "network": (1.0, 5.0),
    "demonstration": (1.0, 4.0),
    "grant": (1.0, 4.0),
    "rnd_funding": (3.0, 5.0),
}

TOP_PRIORITIES = 4
PRIORITY_WEIGHTS = (0.4, 0.3, 0.2, 0.1)  # rank 1..4; they sum to 1
RELEVANCE_WEIGHTS = {"fit": 0.5, "level": 0.25, "stage": 0.25}
NEUTRAL = 0.5


@dataclass(frozen=True)
class FirmProfile:
    country: str
    employees: int
    sector: str
    region: str = ""
    turnover: Decimal | None = None
    turnover_currency: str = ""


@dataclass(frozen=True)
class ProgrammeRecord:
    """One programme as matching sees it; empty eligibility lists mean "no restriction"."""

    slug: str
    name: str
    country: str
    kinds: tuple[str, ...] = ()
    eligible_countries: tuple[str, ...] = ()
    eligible_regions: tuple[str, ...] = ()
    eligible_sectors: tuple[str, ...] = ()
    min_employees: int | None = None
    max_employees: int | None = None
    max_turnover: Decimal | None = None
    max_turnover_currency: str = ""
    size_rule: str = "all"  # "any": meeting the headcount or the turnover limit is enough
    dimensions: tuple[str, ...] = ()
    min_band: int = 0
    max_band: int = 5
    opens_on: datetime.date | None = None
    closes_on: datetime.date | None = None
    summary: str = ""
    how_to_apply: str = ""
    apply_url: str = ""


@dataclass(frozen=True)
class Blocker:
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True)
class Match:
    slug: str
    name: str
    country: str
    relevance: float
    reasons: list[str]
    programme: ProgrammeRecord

    def as_dict(self) -> dict[str, Any]:
        return {
            "programme": self.slug,
            "name": self.name,
            "country": self.country,
            "relevance": self.relevance,
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class NearMiss:
    slug: str
    name: str
    country: str
    blockers: list[Blocker]
    programme: ProgrammeRecord
    relevance: float = 0.0

    @property
    def codes(self) -> list[str]:
        return [b.code for b in self.blockers]

    @property
    def elsewhere(self) -> bool:
        """Run for firms in another country: shown apart, as they rarely help."""
        return "country" in self.codes

    def as_dict(self) -> dict[str, Any]:
        return {
            "programme": self.slug,
            "name": self.name,
            "blockers": [b.as_dict() for b in self.blockers],
        }


@dataclass(frozen=True)
class MatchResult:
    as_of: datetime.date
    matches: list[Match] = field(default_factory=list)
    near_misses: list[NearMiss] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.matches) + len(self.near_misses)

    @property
    def near_misses_here(self) -> list[NearMiss]:
        return [n for n in self.near_misses if not n.elsewhere]

    @property
    def near_misses_dates(self) -> list[NearMiss]:
        """In reach but for timing: closed, or not yet open."""
        return [n for n in self.near_misses_here if set(n.codes) <= DATE_CODES]

    @property
    def near_misses_rules(self) -> list[NearMiss]:
        """In the firm's country but missed on region, sector, size or turnover."""
        return [n for n in self.near_misses_here if not set(n.codes) <= DATE_CODES]

    @property
    def near_misses_elsewhere(self) -> list[NearMiss]:
        return [n for n in self.near_misses if n.elsewhere]

    def as_dict(self) -> dict[str, Any]:
        return {
            "matches": [m.as_dict() for m in self.matches],
            "near_misses": [n.as_dict() for n in self.near_misses],
        }


def match(
    profile: FirmProfile,
    scores: Scores,
    priorities: Sequence[Priority],
    *,
    programmes: Iterable[ProgrammeRecord],
    as_of: datetime.date,
    dimension_names: Mapping[str, str] | None = None,
) -> MatchResult:
    """Matches ranked by relevance (highest first, then by name) and near misses.

    Near misses are every programme with at least one blocker; those in the firm's own country
    come first, fewest blockers first, so that nothing is hidden without a reason.
    """
    names = dict(dimension_names or {})
    matches: list[Match] = []
    near: list[NearMiss] = []
    for programme in programmes:
        blockers, eligibility_reasons = check_eligibility(profile, programme, as_of)
        relevance, fit_reasons = relevance_of(programme, scores, priorities, names)
        if blockers:
            near.append(
                NearMiss(programme.slug, programme.name, programme.country, blockers, programme,
                         relevance)
            )
        else:
            matches.append(
                Match(programme.slug, programme.name, programme.country, relevance,
                      eligibility_reasons + fit_reasons, programme)
            )
    matches.sort(key=lambda m: (-m.relevance, m.name))
    near.sort(key=lambda n: (n.elsewhere, len(n.blockers), -n.relevance, n.name))
    return MatchResult(as_of=as_of, matches=matches, near_misses=near)


# Eligibility -----------------------------------------------------------------------------------


def check_eligibility(
    profile: FirmProfile, programme: ProgrammeRecord, as_of: datetime.date
) -> tuple[list[Blocker], list[str]]:
    """Every rule the firm fails (as blockers) and every rule it meets (as plain reasons)."""
    blockers: list[Blocker] = []
    reasons: list[str] = []
    country_ok = _check_country(profile, programme, blockers, reasons)
    if country_ok:
        # Regions are named within a country, so a firm abroad gets only the country blocker.
        _check_region(profile, programme, blockers, reasons)
    _check_sector(profile, programme, blockers, reasons)
    _check_size(profile, programme, blockers, reasons)
    _check_dates(programme, as_of, blockers, reasons)
    return blockers, reasons


def _check_country(profile: FirmProfile, programme: ProgrammeRecord, blockers: list[Blocker],
                   reasons: list[str]) -> bool:
    allowed = programme.eligible_countries
    here = _country(profile.country)
    if not allowed:
        reasons.append(f"It is open to firms in any country, including {here}.")
        return True
    if profile.country.upper() in allowed:
        if len(allowed) == 1:
            reasons.append(f"It is for firms in {here}, where you are based.")
        else:
            reasons.append(f"It is open to firms in {join_words([_country(c) for c in allowed])}; "
                           f"you are in {here}.")
        return True
    blockers.append(Blocker(
        "country",
        f"Only firms in {join_words([_country(c) for c in allowed], 'or')} are eligible; "
        f"you are in {here}.",
    ))
    return False


def _check_region(profile: FirmProfile, programme: ProgrammeRecord, blockers: list[Blocker],
                  reasons: list[str]) -> None:
    allowed = programme.eligible_regions
    if not allowed:
        return
    country = profile.country.upper()
    listed = join_words([_region_phrase(country, r) for r in allowed], "or")
    if not profile.region:
        blockers.append(Blocker(
            "region", f"Only firms in {listed} are eligible; you did not say where you are."
        ))
        return
    folded = {r.casefold() for r in allowed}
    place = _region_phrase(country, profile.region)
    if profile.region.casefold() in folded:
        reasons.append(f"You are in {place}, where it runs.")
    else:
        blockers.append(Blocker(
            "region", f"Only firms in {listed} are eligible; you are in {place}."
        ))


def _check_sector(profile: FirmProfile, programme: ProgrammeRecord, blockers: list[Blocker],
                  reasons: list[str]) -> None:
    allowed = programme.eligible_sectors
    if not allowed:
        return
    yours = sector_label(profile.sector)
    parts: list[str] = []
    rest = sorted(set(allowed) - MANUFACTURING_DIVISIONS)
    if set(allowed) >= MANUFACTURING_DIVISIONS:
        parts.append("manufacturing (ISIC divisions 10 to 33)")
    else:
        rest = sorted(allowed)
    if len(rest) <= 4:
        parts.extend(sector_label(s) for s in rest)
    else:
        parts.append(f"ISIC divisions {', '.join(rest)}")
    described = join_words(parts)
    if profile.sector in allowed:
        reasons.append(f"It serves {described}; your sector is {yours}.")
    else:
        blockers.append(Blocker(
            "sector", f"It serves only {described}; your sector is {yours}."
        ))


def _check_size(profile: FirmProfile, programme: ProgrammeRecord, blockers: list[Blocker],
                reasons: list[str]) -> None:
    staff = f"{profile.employees} employee{'s' if profile.employees != 1 else ''}"
    size_blockers: list[Blocker] = []
    size_reasons: list[str] = []
    if programme.max_employees is not None:
        if profile.employees <= programme.max_employees:
            size_reasons.append(
                f"You have {staff}, within its limit of {programme.max_employees}."
            )
        else:
            size_blockers.append(Blocker(
                "size",
                f"It is for firms with at most {programme.max_employees} employees; "
                f"you have {profile.employees}.",
            ))
    if programme.min_employees is not None:
        if profile.employees >= programme.min_employees:
            size_reasons.append(
                f"You have {staff}, at least the {programme.min_employees} it asks for."
            )
        else:
            size_blockers.append(Blocker(
                "size",
                f"It is for firms with at least {programme.min_employees} employees; "
                f"you have {profile.employees}.",
            ))

    turnover_blocker: Blocker | None = None
    turnover_ok = False
    if programme.max_turnover is not None:
        limit = _money(programme.max_turnover, programme.max_turnover_currency)
        if profile.turnover is None:
            size_reasons.append(
                f"It has a turnover limit of {limit}; you gave no turnover, so check it yourself."
            )
        elif profile.turnover_currency.upper() != programme.max_turnover_currency.upper():
            size_reasons.append(
                f"It has a turnover limit of {limit}; your turnover is in "
                f"{profile.turnover_currency or 'another currency'}, and we do not convert "
                "currencies, so check this limit with the programme."
            )
        elif profile.turnover <= programme.max_turnover:
            turnover_ok = True
            size_reasons.append(
                f"Your turnover of {_money(profile.turnover, profile.turnover_currency)} is "
                f"within its limit of {limit}."
            )
        else:
            turnover_blocker = Blocker(
                "turnover",
                f"It is for firms with a turnover of at most {limit}; yours is "
                f"{_money(profile.turnover, profile.turnover_currency)}.",
            )

    headcount_ok = programme.max_employees is not None and not size_blockers
    if programme.size_rule == "any" and (headcount_ok or turnover_ok):
        # Either limit is enough: a firm over one limit but within the other qualifies.
        if headcount_ok and turnover_blocker:
            size_reasons.append("Your turnover is above its limit, but your headcount is within "
                                "it, and meeting either limit is enough.")
        if turnover_ok and size_blockers:
            size_reasons.append("Your headcount is above its limit, but your turnover is within "
                                "it, and meeting either limit is enough.")
        reasons.extend(size_reasons)
        return
    blockers.extend(size_blockers)
    if turnover_blocker:
        blockers.append(turnover_blocker)
    if not size_blockers and not turnover_blocker:
        reasons.extend(size_reasons)


def _check_dates(programme: ProgrammeRecord, as_of: datetime.date, blockers: list[Blocker],
                 reasons: list[str]) -> None:
    when = _date(as_of)
    if programme.opens_on and as_of < programme.opens_on:
        blockers.append(Blocker(
            "not_yet_open", f"It opens on {_date(programme.opens_on)}; as of {when} it is not "
            "yet open."
        ))
    elif programme.closes_on and as_of > programme.closes_on:
        blockers.append(Blocker(
            "closed", f"It closed on {_date(programme.closes_on)}, before {when}."
        ))
    elif programme.closes_on:
        reasons.append(f"It is open as of {when} and closes on {_date(programme.closes_on)}.")
    else:
        reasons.append(f"It is open as of {when}, with no announced closing date.")


# Relevance -------------------------------------------------------------------------------------


def relevance_of(
    programme: ProgrammeRecord,
    scores: Scores,
    priorities: Sequence[Priority],
    names: Mapping[str, str],
) -> tuple[float, list[str]]:
    """A programme's relevance to the firm in [0, 1] and the sentences that explain it."""
    reasons: list[str] = []
    targets = set(programme.dimensions) or set(scores.dimensions)

    top = [p for p in sorted(priorities, key=lambda p: p.rank) if p.impact > 0][:TOP_PRIORITIES]
    if top:
        hit = [(i, p) for i, p in enumerate(top) if p.dimension in targets]
        fit = sum(PRIORITY_WEIGHTS[i] for i, _ in hit)
        if hit:
            listed = join_words([f"{_name(names, p.dimension)} (priority {p.rank})" for _, p in hit])
            reasons.append(f"It works on {listed}, among your top priorities.")
        else:
            reasons.append("It does not work on your top priorities, so it ranks lower.")
    else:
        fit = NEUTRAL

    answered = [band for d in targets if (band := scores.dimensions.get(d)) is not None]
    if answered:
        level = fmean(answered)
        distance = max(programme.min_band - level, level - programme.max_band, 0.0)
        level_fit = max(0.0, 1.0 - 0.25 * distance)
        span = f"bands {programme.min_band} to {programme.max_band}"
        if distance == 0:
            reasons.append(f"It suits firms at {span}; you are at {level:.1f} on what it covers.")
        else:
            reasons.append(
                f"It suits firms at {span}; you are at {level:.1f} on what it covers, so it fits "
                "less well."
            )
    else:
        level_fit = NEUTRAL

    if scores.overall is not None and programme.kinds:
        fits = {k: _stage_fit(k, scores.overall) for k in programme.kinds if k in KIND_STAGES}
        stage_fit = max(fits.values(), default=NEUTRAL)
        good = [KIND_LABELS[k] for k, v in fits.items() if v == 1.0]
        kinds = join_words([KIND_LABELS.get(k, k) for k in programme.kinds])
        if good:
            reasons.append(
                f"It offers {kinds}; {join_words(good)} suit{'s' if len(good) == 1 else ''} a firm at "
                f"your overall level of {scores.overall:.1f} out of 5."
            )
        else:
            reasons.append(
                f"It offers {kinds}, usually more useful at another stage than your overall "
                f"level of {scores.overall:.1f} out of 5."
            )
    else:
        stage_fit = NEUTRAL

    relevance = (
        RELEVANCE_WEIGHTS["fit"] * fit
        + RELEVANCE_WEIGHTS["level"] * level_fit
        + RELEVANCE_WEIGHTS["stage"] * stage_fit
    )
    return round(min(max(relevance, 0.0), 1.0), 4), reasons


def _stage_fit(kind: str, overall: float) -> float:
    low, high = KIND_STAGES[kind]
    distance = max(low - overall, overall - high, 0.0)
    return max(0.0, 1.0 - 0.3 * distance)


# Wording ---------------------------------------------------------------------------------------

# ITL1 regions read naturally with "the" in front ("in the North West").
_GB_WITH_THE = {"North East", "North West", "East Midlands", "West Midlands", "East of England",
                "South East", "South West"}


def _region_phrase(country: str, region: str) -> str:
    if country == "GB":
        canonical = next((r for r in GB_REGIONS if r.casefold() == region.casefold()), region)
        return f"the {canonical}" if canonical in _GB_WITH_THE else canonical
    return region_label(country, region.upper()) or region


# Country names that read with "the" in a sentence ("firms in the United Kingdom").
_COUNTRIES_WITH_THE = {"GB", "US", "NL", "PH", "AE", "DO", "BS", "GM", "CF", "KM", "MV"}


def _country(code: str) -> str:
    name = country_name(code.upper())
    return f"the {name}" if code.upper() in _COUNTRIES_WITH_THE and name != code else name


def _name(names: Mapping[str, str], key: str) -> str:
    return names.get(key) or key.replace("_", " ").capitalize()


def _money(amount: Decimal, currency: str) -> str:
    value = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    return f"{currency.upper()} {value}".strip()


def _date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"
