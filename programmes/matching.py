"""Matching (DESIGN §6): which programmes a firm can use, how well they fit, and why (not).

Plain Python over plain data: a firm profile, its scores and priorities, an ``as_of`` date and
programme records in; ranked matches with reasons and near misses with blockers out. No ORM,
request or settings here, so the rules are tested without a database.

Hard eligibility comes first (country, region, sector, size, turnover, dates); every rule a firm
fails becomes a blocker with one of the codes in ``BLOCKER_CODES``. Eligible programmes are then
ranked by relevance in [0, 1]:

* ``fit``   (weight 0.5): how many of the firm's top priorities the programme works on, the
  first priority counting most (0.4, 0.3, 0.2, 0.1), scaled down for programmes that list many
  dimensions (a record listing all 16 is general, not aimed at the firm's priorities); neutral
  0.5 when nothing was answered;
* ``level`` (weight 0.25): whether the firm's bands on the programme's dimensions lie in the band
  range it suits, less 0.25 for each band outside;
* ``stage`` (weight 0.25): whether its primary kind of support suits a firm at this overall level
  (a firm at bands 0-1 needs awareness and advice before an R&D competition), see
  ``KIND_STAGES``; a membership or fee for a firm under ``SMALL_FIRM`` staff costs
  ``ACCESS_PENALTY``.

Status (DESIGN §6): a programme is described as open only when someone confirmed it open from
a source; the match says on which day, and is ``stale`` when that day lies more than
``STALE_AFTER_DAYS`` before ``as_of``. An ``unknown`` status is never described as open. A status
checked after ``as_of`` says nothing about that earlier day, so then only the recorded dates
count. A region's own status (a national network suspended in one state) overrides the country's.

Who sees what: eligible programmes whose primary kind is a self-assessment are ``tools``, listed
apart; near misses are the programmes a firm could act on (a round not yet open, or one rule it
fails in its own country); closed, paused and suspended programmes are ``history``. What we
cannot decide (a turnover limit when no turnover was given) makes a conditional match that says
what to check, never a blocker.

Turnover limits are compared only when the firm's turnover is in the limit's currency: we keep no
exchange-rate table, because a stale rate would silently decide eligibility. When the currencies
differ the limit is not applied, and the reason says so.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property, lru_cache
from typing import Any

from programmes.sme_rules import SmeRule
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
MANUFACTURING = frozenset(f"{n:02d}" for n in range(10, 34))
STALE_AFTER_DAYS = 365
NEAR_OPENING_DAYS = 365  # a programme opening later than this is not something to act on yet
SMALL_FIRM = 50  # headcount below which a membership or a fee is a real hurdle
ACCESS_PENALTY = 0.1
RULE_CODES = frozenset({"region", "size", "turnover", "sector"})
NOT_RUNNING = {"closed": "closed", "paused": "paused", "suspended": "suspended"}


@dataclass(frozen=True)
class FirmProfile:
    country: str
    employees: int
    sector: str
    region: str = ""
    turnover: Decimal | None = None
    turnover_currency: str = ""


@dataclass(frozen=True)
class RegionalStatus:
    region: str
    status: str
    status_checked_on: datetime.date | None = None
    note: str = ""


@dataclass(frozen=True)
class Round:
    name: str
    opens_on: datetime.date | None = None
    closes_on: datetime.date | None = None


@dataclass(frozen=True)
class Delivery:
    """Who delivers a programme where, with the contact route they publish."""

    institution: str
    institution_name: str = ""
    regions: tuple[str, ...] = ()  # empty: the whole country
    contact_label: str = ""
    contact_url: str = ""
    contact_email: str = ""
    contact_phone: str = ""

    @property
    def name(self) -> str:
        return self.contact_label or self.institution_name or self.institution


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
    status: str = "unknown"
    status_checked_on: datetime.date | None = None
    regional_status: tuple[RegionalStatus, ...] = ()
    primary_kind: str = ""
    cost_to_firm: str = ""
    rounds: tuple[Round, ...] = ()
    sme_rule: SmeRule | None = None
    successor: str = ""
    successor_name: str = ""
    delivery: tuple[Delivery, ...] = ()
    firm_types: tuple[str, ...] = ()  # conditions in words that the profile cannot decide
    # What the plan needs of its money (programmes.planning.FundingOffer), read with the record.
    match_rate_percent: int | None = None
    amount_max: Decimal | None = None
    amount_currency: str = ""

    @property
    def main_kind(self) -> str:
        """The primary kind, or the first kind listed when none was named."""
        return self.primary_kind or (self.kinds[0] if self.kinds else "")

    @property
    def is_tool(self) -> bool:
        return self.main_kind == "self_assessment"


@dataclass(frozen=True)
class StatusView:
    """A programme's status as a firm sees it on ``as_of``: which status, checked when."""

    status: str
    checked_on: datetime.date | None
    stale: bool
    region: str = ""
    note: str = ""
    by_dates: bool = False  # the check came after as_of, so only the recorded dates count


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
    status: str = "unknown"
    status_checked_on: datetime.date | None = None
    stale: bool = True
    conditions: list[str] = field(default_factory=list)
    contacts: list[Delivery] = field(default_factory=list)

    @property
    def status_text(self) -> str:
        return status_phrase(self.status, self.status_checked_on, self.stale)

    @property
    def conditional(self) -> bool:
        """Eligible only if what ``conditions`` names holds; we could not decide it."""
        return bool(self.conditions)

    def as_dict(self) -> dict[str, Any]:
        return {
            "programme": self.slug,
            "name": self.name,
            "country": self.country,
            "relevance": self.relevance,
            "reasons": list(self.reasons),
            "status": self.status,
            "status_checked_on": (self.status_checked_on.isoformat()
                                  if self.status_checked_on else None),
            "stale": self.stale,
            "conditions": list(self.conditions),
        }


@dataclass(frozen=True)
class NearMiss:
    slug: str
    name: str
    country: str
    blockers: list[Blocker]
    programme: ProgrammeRecord
    relevance: float = 0.0
    far_off: bool = False  # opens more than NEAR_OPENING_DAYS after as_of

    # Kept once made: every sort and grouping of near misses asks for them (the blockers are
    # given when the near miss is made and never changed).
    @cached_property
    def codes(self) -> list[str]:
        return [b.code for b in self.blockers]

    @cached_property
    def elsewhere(self) -> bool:
        """Run for firms in another country: shown apart, as they rarely help."""
        return "country" in self.codes

    @property
    def actionable(self) -> bool:
        """A near miss a firm can act on: a round not yet open, or one rule it fails at home."""
        codes = set(self.codes)
        if "country" in codes or "closed" in codes or self.far_off:
            return False
        if codes == {"not_yet_open"}:
            return True
        return len(self.blockers) == 1 and codes <= RULE_CODES

    @property
    def history(self) -> bool:
        """Closed, paused or suspended for this firm: past support, not a near miss."""
        return "closed" in self.codes and "country" not in self.codes

    def as_dict(self) -> dict:
        return {
            "programme": self.slug,
            "name": self.name,
            "blockers": [b.as_dict() for b in self.blockers],
        }


@dataclass(frozen=True)
class MatchResult:
    as_of: datetime.date
    matches: list[Match] = field(default_factory=list)
    near_misses: list[NearMiss] = field(default_factory=list)  # every programme with a blocker
    tools: list[Match] = field(default_factory=list)
    region: str = ""  # the firm's, so that programme pages can show its local partner

    @property
    def total(self) -> int:
        return len(self.matches) + len(self.tools) + len(self.near_misses)

    @property
    def near_misses_here(self) -> list[NearMiss]:
        """What the firm could act on at home: a round not yet open, or one rule failed."""
        return [n for n in self.near_misses if n.actionable]

    @property
    def history(self) -> list[NearMiss]:
        """Programmes the firm would qualify for but that are closed, paused or suspended."""
        return [n for n in self.near_misses if n.history]

    @property
    def ruled_out(self) -> list[NearMiss]:
        """At home, but failing more than one rule: not worth a firm's time."""
        return [n for n in self.near_misses
                if not n.elsewhere and not n.actionable and not n.history]

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
            "tools": [t.as_dict() for t in self.tools],
            "near_misses": [n.as_dict() for n in self.near_misses_here],
        }


def match(
    profile: FirmProfile,
    scores: Scores,
    priorities: Sequence[Priority],
    *,
    programmes: Iterable[ProgrammeRecord],
    as_of: datetime.date,
    dimension_names: Mapping[str, str] | None = None,
    explain: bool = True,
) -> MatchResult:
    """Matches ranked by relevance (highest first, then by name) and near misses.

    ``near_misses`` keeps every programme with at least one blocker, those in the firm's own
    country first, fewest blockers first; the result's properties sort them into what a firm can
    act on (``near_misses_here``), ``history`` and the rest. Self-assessment tools a firm may use
    are ``tools``, not matches. With ``explain`` False the matches carry no fit reasons (the
    bulk table shows none); rankings, blockers and conditions are the same.
    """
    names = dict(dimension_names or {})
    matches: list[Match] = []
    tools: list[Match] = []
    near: list[NearMiss] = []
    top = _top_priorities(priorities)  # the same for every programme: found once
    for programme in programmes:
        blockers, eligibility_reasons, conditions = check_eligibility(profile, programme, as_of)
        relevance, fit_reasons = _relevance(programme, scores, top, names,
                                            employees=profile.employees,
                                            explain=explain and not blockers)
        if blockers:
            opening = _next_opening(programme, as_of)
            far_off = opening is not None and (opening - as_of).days > NEAR_OPENING_DAYS
            near.append(
                NearMiss(programme.slug, programme.name, programme.country, blockers, programme,
                         relevance, far_off)
            )
            continue
        view = status_on(programme, profile, as_of)
        found = Match(programme.slug, programme.name, programme.country, relevance,
                      eligibility_reasons + fit_reasons, programme, view.status,
                      view.checked_on, view.stale, conditions,
                      delivery_for(programme, profile.region))
        (tools if programme.is_tool else matches).append(found)
    matches.sort(key=lambda m: (-m.relevance, m.name))
    tools.sort(key=lambda m: m.name)
    near.sort(key=lambda n: (n.elsewhere, len(n.blockers), -n.relevance, n.name))
    return MatchResult(as_of=as_of, matches=matches, near_misses=near, tools=tools,
                       region=profile.region)


# Eligibility -----------------------------------------------------------------------------------


def check_eligibility(
    profile: FirmProfile, programme: ProgrammeRecord, as_of: datetime.date
) -> tuple[list[Blocker], list[str], list[str]]:
    """Every rule the firm fails (blockers), every rule it meets (reasons) and what we could not
    decide and the firm should check (conditions)."""
    blockers: list[Blocker] = []
    reasons: list[str] = []
    conditions: list[str] = []
    country_ok = _check_country(profile, programme, blockers, reasons)
    if country_ok:
        # Regions are named within a country, so a firm abroad gets only the country blocker.
        _check_region(profile, programme, blockers, reasons)
    _check_sector(profile, programme, blockers, reasons)
    _check_size(profile, programme, blockers, reasons, conditions)
    _check_status(profile, programme, as_of, blockers, reasons)
    return blockers, reasons, conditions


def date_blockers(profile: FirmProfile, programme: ProgrammeRecord, as_of: datetime.date
                  ) -> list[Blocker]:
    """Only the dates-and-status part of ``check_eligibility``: whether the programme takes firms
    of the profile's country and region on ``as_of`` (the policy lens asks it month by month)."""
    blockers: list[Blocker] = []
    _check_status(profile, programme, as_of, blockers, [])
    return blockers


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
            reasons.append(f"It is open to firms in {_countries_listed(tuple(allowed), 'and')}; "
                           f"you are in {here}.")
        return True
    blockers.append(Blocker(
        "country",
        f"Only firms in {_countries_listed(tuple(allowed), 'or')} are eligible; you are in {here}.",
    ))
    return False


@lru_cache(maxsize=1024)
def _countries_listed(allowed: tuple[str, ...], word: str) -> str:
    return join_words([_country(c) for c in allowed], word)


def _check_region(profile: FirmProfile, programme: ProgrammeRecord, blockers: list[Blocker],
                  reasons: list[str]) -> None:
    allowed = programme.eligible_regions
    if not allowed:
        return
    country = profile.country.upper()
    listed = _regions_listed(country, tuple(allowed))
    if not profile.region:
        blockers.append(Blocker(
            "region", f"Only firms in {listed} are eligible; you did not say where you are."
        ))
        return
    place = _region_phrase(country, profile.region)
    if profile.region.casefold() in _folded(tuple(allowed)):
        reasons.append(f"You are in {place}, where it runs.")
    else:
        blockers.append(Blocker(
            "region", f"Only firms in {listed} are eligible; you are in {place}."
        ))


# The wording of a programme's own lists depends only on the lists (reference data), so it is
# made once per list and kept; a firm's own words are added to it at each call. (tuple() keeps
# a record built with lists hashable.) Should country, region or sector names, or month names,
# come to depend on the active language, these kept phrases must be keyed by it too.
@lru_cache(maxsize=1024)
def _regions_listed(country: str, allowed: tuple[str, ...]) -> str:
    return join_words([_region_phrase(country, r) for r in allowed], "or")


@lru_cache(maxsize=1024)
def _folded(allowed: tuple[str, ...]) -> frozenset[str]:
    return frozenset(r.casefold() for r in allowed)


def _check_sector(profile: FirmProfile, programme: ProgrammeRecord, blockers: list[Blocker],
                  reasons: list[str]) -> None:
    allowed = programme.eligible_sectors
    if not allowed:
        return
    yours = sector_label(profile.sector)
    described = _sectors_described(tuple(allowed))
    if profile.sector in allowed:
        reasons.append(f"It serves {described}; your sector is {yours}.")
    else:
        blockers.append(Blocker(
            "sector", f"It serves only {described}; your sector is {yours}."
        ))


@lru_cache(maxsize=1024)
def _sectors_described(allowed: tuple[str, ...]) -> str:
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
    return join_words(parts)


def _staff(employees: int) -> str:
    return f"{employees} employee{'s' if employees != 1 else ''}"


def _check_size(profile, programme, blockers, reasons, conditions) -> None:
    """Headcount and turnover limits, from the programme's own limits or its country SME rule.

    Each limit is met, failed or undecided (no turnover given, or in another currency: we keep
    no exchange rates). With "all", any failure blocks and an undecided limit makes the match
    conditional; with "any", one limit met is enough, and a failure beside an undecided limit
    is a condition to check, not a blocker.
    """
    rule = programme.sme_rule
    if rule is not None:
        max_staff, max_turnover = rule.limits_for(profile.sector)
        currency, combine = rule.turnover_currency, rule.combine
        prefix = f"It is for SMEs under the {rule.key} rule"
    else:
        max_staff, max_turnover = programme.max_employees, programme.max_turnover
        currency, combine = programme.max_turnover_currency, programme.size_rule
        prefix = "It is for firms"

    if programme.min_employees is not None:
        if profile.employees >= programme.min_employees:
            reasons.append(f"You have {_staff(profile.employees)}, at least the "
                           f"{programme.min_employees} it asks for.")
        else:
            blockers.append(Blocker(
                "size", f"It is for firms with at least {programme.min_employees} employees; "
                f"you have {profile.employees}."))

    # Each limit: (True met | False failed | None undecided, sentence, blocker if failed).
    limits: list[tuple[bool | None, str, Blocker | None]] = []
    if max_staff is not None:
        if profile.employees <= max_staff:
            limits.append((True, f"You have {_staff(profile.employees)}, within its limit of "
                                 f"{max_staff}.", None))
        else:
            limits.append((False, f"You have {profile.employees} employees, above its limit of "
                                  f"{max_staff}.",
                           Blocker("size", f"{prefix} with at most {max_staff} employees; you "
                                           f"have {profile.employees}.")))
    if max_turnover is not None:
        limit = _money(max_turnover, currency)
        if profile.turnover is None:
            limits.append((None, f"Check that your turnover is at most {limit}: you did not "
                                 "give it, so we could not.", None))
        elif profile.turnover_currency.upper() != currency.upper():
            limits.append((None, f"Check that your turnover is at most {limit}: yours is in "
                                 f"{profile.turnover_currency or 'another currency'} and we do "
                                 "not convert currencies.", None))
        elif profile.turnover <= max_turnover:
            limits.append((True, f"Your turnover of "
                                 f"{_money(profile.turnover, profile.turnover_currency)} is "
                                 f"within its limit of {limit}.", None))
        else:
            yours = _money(profile.turnover, profile.turnover_currency)
            limits.append((False, f"Your turnover of {yours} is above its limit of {limit}.",
                           Blocker("turnover", f"{prefix} with a turnover of at most {limit}; "
                                               f"yours is {yours}.")))
    if rule is not None:
        limits = _rule_caveats(rule, profile, limits, conditions)
    if not limits:
        return
    met = [text for ok, text, _b in limits if ok is True]
    failed = [(text, b) for ok, text, b in limits if ok is False]
    undecided = [text for ok, text, _b in limits if ok is None]
    if rule is not None and not failed:
        reasons.append(f"{prefix}.")
    if combine == "any" and len(limits) > 1:
        if met:
            reasons.extend(met)
            if failed:
                reasons.append("Meeting either limit is enough, and you meet one.")
        elif failed and undecided:
            conditions.extend(f"{text} {failed[0][0]} Meeting either limit is enough."
                              for text in undecided)
        elif failed:
            blockers.extend(b for _t, b in failed if b is not None)
        else:
            conditions.extend(undecided)
        return
    if failed:
        blockers.extend(b for _t, b in failed if b is not None)
        return
    reasons.extend(met)
    conditions.extend(undecided)


def _next_opening(programme: ProgrammeRecord, as_of: datetime.date) -> datetime.date | None:
    """When a programme not yet open opens: its own opening, else its next round's."""
    if programme.opens_on and programme.opens_on > as_of:
        return programme.opens_on
    later = [r.opens_on for r in programme.rounds if r.opens_on and r.opens_on > as_of]
    return min(later) if later else None


def _rule_caveats(rule: SmeRule, profile: FirmProfile, limits: list, conditions: list[str]):
    """What a country SME rule asks that the profile cannot answer, as conditions to check."""
    if not rule.covers(profile.sector):
        conditions.append(f"Check that your firm is an SME under this rule ({rule.description}): "
                          "our sources do not give its limit for your sector.")
        return []
    if rule.max_balance_sheet is not None:
        # Over the turnover limit, a firm still qualifies on its balance sheet (the EU rule).
        sheet = _money(rule.max_balance_sheet, rule.turnover_currency)
        limits = [
            (None, f"{text} You still qualify if your balance sheet total is at most {sheet}; "
                   "check it.", None) if b is not None and b.code == "turnover" else (ok, text, b)
            for ok, text, b in limits
        ]
    if rule.max_total_assets is not None:
        conditions.append(f"Check that your total assets are below "
                          f"{_money(rule.max_total_assets, rule.turnover_currency)}: the rule "
                          "asks it and we do not.")
    return limits


def status_on(
    programme: ProgrammeRecord, profile: FirmProfile, as_of: datetime.date
) -> StatusView:
    """The status that holds for this firm (its region's, where one is recorded) on ``as_of``."""
    status, checked, region, note = (programme.status, programme.status_checked_on, "", "")
    for entry in programme.regional_status:
        if profile.region and _same_region(entry.region, profile.region):
            status, checked, region, note = (entry.status, entry.status_checked_on,
                                             entry.region, entry.note)
            break
    if checked is not None and checked > as_of:
        # Checked after as_of: that check says nothing about an earlier day.
        if programme.opens_on or programme.closes_on:
            return StatusView("open", checked, False, region, note, by_dates=True)
        return StatusView("unknown", None, True, region, note, by_dates=True)
    stale = checked is None or (as_of - checked).days > STALE_AFTER_DAYS
    return StatusView(status, checked, stale, region, note)


def standing(profile: FirmProfile, programme: ProgrammeRecord, as_of: datetime.date) -> str:
    """Where one programme stands for a firm, in a sentence: what a firm is told when a change
    to the programme's status or rules changes it (see advisors.services)."""
    blockers, _reasons, conditions = check_eligibility(profile, programme, as_of)
    rules = [b for b in blockers if b.code not in DATE_CODES]
    if rules:
        # Not for this firm whatever the status: a status change tells it nothing new.
        return " ".join(b.message for b in rules)
    if blockers:
        return " ".join(b.message for b in blockers)
    view = status_on(programme, profile, as_of)
    phrase = status_phrase(view.status, view.checked_on, view.stale)
    kind = "a tool you can use" if programme.is_tool else "a programme you qualify for"
    check = f" {' '.join(conditions)}" if conditions else ""
    return f"It is {kind}. {phrase}.{check}"


def delivery_for(programme: ProgrammeRecord, region: str) -> list[Delivery]:
    """Who delivers it for a firm in ``region``: the partners serving that region, else those
    serving the whole country. Never another region's partner (a Bolton firm is not sent to
    London's)."""
    if region:
        local = [d for d in programme.delivery
                 if any(_same_region(r, region) for r in d.regions)]
        if local:
            return local
    return [d for d in programme.delivery if not d.regions]


def status_phrase(status: str, checked_on: datetime.date | None, stale: bool) -> str:
    """The status in a few words for a card or a table: never "open" unless confirmed."""
    if status == "open" and checked_on and not stale:
        return f"Open (confirmed on {_date(checked_on)})"
    if status == "open" and checked_on:
        return f"Last confirmed open on {_date(checked_on)}"
    if status in NOT_RUNNING:
        label = NOT_RUNNING[status].capitalize()
        return f"{label} (confirmed on {_date(checked_on)})" if checked_on else label
    if checked_on:
        return f"Status unknown (last checked on {_date(checked_on)})"
    return "Status unknown: not confirmed from a source"


def _same_region(recorded: str, region: str) -> bool:
    def fold(value: str) -> str:
        text = value.strip().casefold()
        return text.split("-", 1)[1] if len(text) > 3 and text[2] == "-" else text
    return fold(recorded) == fold(region)


def _check_status(profile, programme, as_of, blockers, reasons) -> None:
    """Dates, rounds and status: is it taking firms on ``as_of``, and how sure are we?"""
    when = _date(as_of)
    view = status_on(programme, profile, as_of)
    if not view.by_dates and view.status in NOT_RUNNING:
        where = f" in {_region_phrase(profile.country.upper(), view.region)}" if view.region else ""
        since = f", as confirmed on {_date(view.checked_on)}" if view.checked_on else ""
        note = f" {view.note.rstrip('.')}." if view.note else ""
        successor = (f" Its successor is {programme.successor_name or programme.successor}."
                     if programme.successor
                     else "")
        blockers.append(Blocker("closed", f"It is {NOT_RUNNING[view.status]}{where}{since}."
                                          f"{note}{successor}"))
        return
    if programme.opens_on and as_of < programme.opens_on:
        blockers.append(Blocker(
            "not_yet_open", f"It opens on {_date(programme.opens_on)}; as of {when} it is not "
            "yet open."
        ))
        return
    if programme.closes_on and as_of > programme.closes_on:
        blockers.append(Blocker(
            "closed", f"It closed on {_date(programme.closes_on)}, before {when}."
        ))
        return
    dated = [r for r in programme.rounds if r.opens_on or r.closes_on]
    closing = programme.closes_on
    if dated:
        current = [r for r in dated if (r.opens_on is None or r.opens_on <= as_of)
                   and (r.closes_on is None or as_of <= r.closes_on)]
        later = sorted((r for r in dated if r.opens_on and r.opens_on > as_of),
                       key=lambda r: r.opens_on)
        if not current and later:
            blockers.append(Blocker(
                "not_yet_open", f"Its next round, {later[0].name}, opens on "
                f"{_date(later[0].opens_on)}; as of {when} no round is open."))
            return
        if not current:
            last = max(dated, key=lambda r: r.closes_on or datetime.date.min)
            closed_on = f" on {_date(last.closes_on)}" if last.closes_on else ""
            blockers.append(Blocker("closed", f"Its last round, {last.name}, closed{closed_on}; "
                                              "no later round is announced."))
            return
        closing = current[0].closes_on
        reasons.append(f"Its round {current[0].name} is open to applications"
                       + (f" until {_date(closing)}." if closing else "."))
        closing = None  # said already
    until = f" It closes on {_date(closing)}." if closing else ""
    if view.by_dates and view.status == "open":
        reasons.append(f"Its recorded dates show it running on {when}.{until}")
    elif view.status == "open" and not view.stale:
        reasons.append(f"It was confirmed open on {_date(view.checked_on)}.{until}")
    elif view.status == "open":
        reasons.append(f"It was last confirmed open on {_date(view.checked_on)}, more than a "
                       f"year before {when}: check that it is still running before you apply."
                       f"{until}")
    else:
        checked = (f" (last checked on {_date(view.checked_on)})" if view.checked_on else "")
        reasons.append("Nobody has confirmed from a source that it is running now"
                       f"{checked}: ask the programme before you rely on it.{until}")


# Relevance -------------------------------------------------------------------------------------


def relevance_of(
    programme: ProgrammeRecord,
    scores: Scores,
    priorities: Sequence[Priority],
    names: Mapping[str, str],
    *,
    employees: int | None = None,
) -> tuple[float, list[str]]:
    """A programme's relevance to the firm in [0, 1] and the sentences that explain it."""
    return _relevance(programme, scores, _top_priorities(priorities), names, employees=employees)


def _top_priorities(priorities: Sequence[Priority]) -> list[Priority]:
    """The firm's top priorities with some impact, first first: what a programme's fit counts."""
    return [p for p in sorted(priorities, key=lambda p: p.rank) if p.impact > 0][:TOP_PRIORITIES]


@lru_cache(maxsize=1024)
def _targets_focus(dimensions: tuple[str, ...]) -> tuple[frozenset[str], float]:
    """The dimensions a programme works on and how focused it is (1.0: on four or fewer)."""
    targets = frozenset(dimensions)
    # A record that lists every dimension hits every priority by construction; scale its fit by
    # how focused it is, so that breadth alone does not rank it first.
    focus = min(1.0, math.sqrt(TOP_PRIORITIES / len(targets))) if targets else 1.0
    return targets, focus


def _relevance(
    programme: ProgrammeRecord,
    scores: Scores,
    top: list[Priority],
    names: Mapping[str, str],
    *,
    employees: int | None = None,
    explain: bool = True,
) -> tuple[float, list[str]]:
    """``relevance_of`` over the top priorities found once per firm; without the sentences
    when ``explain`` is False (a near miss is ranked by its relevance but shows no reasons)."""
    reasons: list[str] = []
    # No dimensions listed: the programme works on all of them.
    targets, focus = _targets_focus(tuple(programme.dimensions or scores.dimensions))
    fit = level_fit = stage_fit = NEUTRAL
    if top:
        hit = [(i, p) for i, p in enumerate(top) if p.dimension in targets]
        fit = sum(PRIORITY_WEIGHTS[i] for i, _ in hit) * focus
        if explain and hit:
            listed = join_words([f"{_name(names, p.dimension)} (your priority {p.rank})"
                                 for _, p in hit])
            reasons.append(f"It can help with {listed}.")
            if focus < 1.0:
                reasons.append(
                    f"It covers {len(targets)} of the areas we assess, so it is broad rather "
                    "than aimed at your priorities; it ranks lower for that."
                )
        elif explain:
            reasons.append("It does not work on your top priorities, so it ranks lower.")

    answered = [band for d in targets if (band := scores.dimensions.get(d)) is not None]
    if answered:
        level = math.fsum(answered) / len(answered)  # statistics.fmean, without its checks
        distance = max(programme.min_band - level, level - programme.max_band, 0.0)
        level_fit = max(0.0, 1.0 - 0.25 * distance)
        span = f"bands {programme.min_band} to {programme.max_band}"
        if not explain:
            pass
        elif distance == 0:
            reasons.append(f"It is meant for firms at {span}, and you are at {level:.1f} on the "
                           "areas it covers.")
        elif level < programme.min_band:
            reasons.append(f"It is meant for firms at {span}; at {level:.1f} on the areas it "
                           "covers you may need to build the basics first.")
        else:
            reasons.append(f"It is meant for firms at {span}; at {level:.1f} on the areas it "
                           "covers you are beyond what it usually offers.")

    kind = programme.main_kind
    if scores.overall is not None and kind in KIND_STAGES:
        stage_fit = _stage_fit(kind, scores.overall)
        low, high = KIND_STAGES[kind]
        label = KIND_LABELS.get(kind, kind)
        if not explain:
            pass
        elif stage_fit == 1.0:
            reasons.append(f"It mainly offers {label}, which suits a firm at your stage "
                           f"({scores.overall:.1f} out of 5 overall).")
        else:
            reasons.append(f"It mainly offers {label}, which helps most at {low:g} to {high:g} "
                           f"out of 5; you are at {scores.overall:.1f} overall.")

    relevance = (
        RELEVANCE_WEIGHTS["fit"] * fit
        + RELEVANCE_WEIGHTS["level"] * level_fit
        + RELEVANCE_WEIGHTS["stage"] * stage_fit
    )
    if (programme.cost_to_firm in ("membership", "fee") and employees is not None
            and employees < SMALL_FIRM):
        relevance -= ACCESS_PENALTY
        if explain:
            reasons.append("Firms pay a membership fee to take part, a real cost for a firm of "
                           "your size." if programme.cost_to_firm == "membership" else
                           "Firms pay a fee for it, a real cost for a firm of your size.")
    elif programme.cost_to_firm == "membership" and explain:
        reasons.append("Firms pay a membership fee to take part.")
    return round(min(max(relevance, 0.0), 1.0), 4), reasons


def _stage_fit(kind: str, overall: float) -> float:
    low, high = KIND_STAGES[kind]
    distance = max(low - overall, overall - high, 0.0)
    return max(0.0, 1.0 - 0.3 * distance)


# Wording ---------------------------------------------------------------------------------------

# ITL1 regions read naturally with "the" in front ("in the North West").
_GB_WITH_THE = {"North East", "North West", "East Midlands", "West Midlands", "East of England",
                "South East", "South West"}


@lru_cache(maxsize=2048)
def _region_phrase(country: str, region: str) -> str:
    if country == "GB":
        canonical = next((r for r in GB_REGIONS if r.casefold() == region.casefold()), region)
        return f"the {canonical}" if canonical in _GB_WITH_THE else canonical
    return region_label(country, region.upper()) or region


# Country names that read with "the" in a sentence ("firms in the United Kingdom").
_COUNTRIES_WITH_THE = {"GB", "US", "NL", "PH", "AE", "DO", "BS", "GM", "CF", "KM", "MV"}


@lru_cache(maxsize=512)
def _country(code: str) -> str:
    name = country_name(code.upper())
    return f"the {name}" if code.upper() in _COUNTRIES_WITH_THE and name != code else name


def _name(names: Mapping[str, str], key: str) -> str:
    return names.get(key) or key.replace("_", " ").capitalize()


def _money(amount: Decimal, currency: str) -> str:
    value = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    return f"{currency.upper()} {value}".strip()


@lru_cache(maxsize=4096)
def _date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"
