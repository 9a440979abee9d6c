"""The policy lens (issue 15 item 3): where public support reaches assessed firms, and where not.

Plain Python over plain data (firm profiles, programme records, dated status checks), tested
without a database. Every rule of eligibility, status and staleness is matching's
(``programmes.matching``); this module only counts. Tables of firms go through ``suppress``:
a group of fewer than ``MIN_COHORT`` firms shows no figures (``advisors.cohorts``).

What "an open offer" means here is what a firm is told: a programme it is eligible for on the
day, whose status was confirmed open from a source within a year (or, for a day before the
status was checked, whose recorded dates show it running). A status nobody confirmed is
``unknown`` and counted as such, never as open.

Speed: eligibility depends on a firm's headcount and turnover only through the limits that
programmes and SME rules set, so firms are folded into classes whose members every rule treats
alike (``Thresholds.canonical``); matching runs once per class and programme, not per firm.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd

from advisors.cohorts import MIN_COHORT
from programmes.matching import (
    DATE_CODES,
    TOP_PRIORITIES,
    FirmProfile,
    ProgrammeRecord,
    check_eligibility,
    date_blockers,
    status_on,
)

# Coverage over time starts here (the note's period: the North West pilot opened in 2019).
COVERAGE_FROM = datetime.date(2018, 1, 1)
# The six countries of the policy note, in its order.
NOTE_COUNTRIES = ("GB", "US", "DE", "SG", "KR", "TW")
# Blocker codes as the decomposition groups them: turnover limits are size rules.
RULE_GROUPS = {"region": "region", "size": "size", "turnover": "size", "sector": "sector"}
OPEN, UNKNOWN, NONE = "open", "unknown", "none"
ABROAD = frozenset({"country"})
FRESHNESS_BUCKETS = ("checked within 6 months", "checked 6 to 12 months ago",
                     "checked over 12 months ago", "never checked")


def enough(firms: int) -> bool:
    """Whether a group is large enough to show figures for (the cohort minimum)."""
    return firms >= MIN_COHORT


@dataclass(frozen=True)
class PolicyFirm:
    """One assessed firm as the lens sees it: its latest credible profile and top priorities."""

    firm_id: int
    profile: FirmProfile
    top_priorities: tuple[str, ...] = ()  # dimension keys, first priority first


@dataclass(frozen=True)
class StatusCheck:
    """A status someone confirmed from a source on a day (a row of the programme's history)."""

    status: str
    checked_on: datetime.date


# Folding firms into classes --------------------------------------------------------------------


@dataclass(frozen=True)
class Thresholds:
    """Every headcount and turnover limit the programmes set (turnover per currency)."""

    employees: tuple[int, ...]
    turnover: Mapping[str, tuple[Decimal, ...]]

    @classmethod
    def of(cls, records: Iterable[ProgrammeRecord]) -> Thresholds:
        staff: set[int] = set()
        money: dict[str, set[Decimal]] = defaultdict(set)
        for record in records:
            staff.update(v for v in (record.min_employees, record.max_employees) if v is not None)
            if record.max_turnover is not None:
                money[record.max_turnover_currency.upper()].add(record.max_turnover)
            rule = record.sme_rule
            if rule is not None:
                limits = [(rule.max_employees, rule.max_turnover)] + [
                    (o.max_employees, o.max_turnover) for o in rule.sector_overrides]
                for max_staff, max_turnover in limits:
                    if max_staff is not None:
                        staff.add(max_staff)
                    if max_turnover is not None:
                        money[rule.turnover_currency.upper()].add(max_turnover)
        return cls(tuple(sorted(staff)),
                   {currency: tuple(sorted(values)) for currency, values in money.items()})

    def canonical(self, profile: FirmProfile) -> FirmProfile:
        """A profile that every eligibility rule treats as it treats ``profile``: headcount and
        turnover replaced by a representative of the interval between limits they fall in."""
        turnover, currency = self.canonical_turnover(profile.turnover, profile.turnover_currency)
        return FirmProfile(
            country=profile.country, region=profile.region, sector=profile.sector,
            employees=self.canonical_employees(profile.employees),
            turnover=turnover, turnover_currency=currency)

    def canonical_employees(self, employees: int) -> int:
        return int(_representative(employees, self.employees, 1))

    def canonical_turnover(self, turnover: Decimal | None, currency: str
                           ) -> tuple[Decimal | None, str]:
        currency = currency.upper()
        if turnover is not None:
            limits = self.turnover.get(currency, ())
            turnover = _representative(turnover, limits, Decimal(1)) if limits else Decimal(0)
        return turnover, currency


def _representative[N: (int, Decimal)](value: N, limits: Sequence[N], step: N) -> N:
    """The same value for every number that compares alike with each limit (<, = or >)."""
    if not limits:
        return step
    i = bisect.bisect_left(limits, value)
    if i < len(limits) and limits[i] == value:
        return value
    if i == 0:
        return limits[0] - step
    if i == len(limits):
        return limits[-1] + step
    low, high = limits[i - 1], limits[i]
    if isinstance(value, int):
        return low + step
    return (low + high) / 2


# The programme as it stood on a day ------------------------------------------------------------


def record_on(record: ProgrammeRecord, checks: Sequence[StatusCheck],
              day: datetime.date) -> ProgrammeRecord:
    """The record with the status that was in force on ``day``: the latest recorded check on or
    before it. With none, the record is left as it is, and matching then goes by its recorded
    dates (a check after ``day`` says nothing about it) or calls the status unknown."""
    earlier = [c for c in checks if c.checked_on <= day]
    if not earlier:
        return record
    latest = max(earlier, key=lambda c: c.checked_on)
    if latest.checked_on == record.status_checked_on and latest.status == record.status:
        return record
    return dataclasses.replace(record, status=latest.status, status_checked_on=latest.checked_on)


def offer_state(record: ProgrammeRecord, country: str, region: str, day: datetime.date) -> str:
    """``open`` (confirmed, or running by its dates before its first check), ``unknown``
    (running by its dates but not confirmed, or confirmed over a year ago) or ``none`` (closed,
    paused, suspended or outside its dates) for a firm of this place on ``day``."""
    place = FirmProfile(country=country, region=region, employees=1, sector="")
    if date_blockers(place, record, day):
        return NONE
    view = status_on(record, place, day)
    return OPEN if view.status == "open" and not view.stale else UNKNOWN


def months_between(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The day each month is seen on: its first day from ``start``'s month, and ``end`` itself
    for the last (a status confirmed this month counts for this month)."""
    months, day = [], start.replace(day=1)
    while day < end.replace(day=1):
        months.append(day)
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return [*months, end]


# The classes of firms --------------------------------------------------------------------------


@dataclass
class FirmClass:
    """Firms every rule treats alike: their profile (canonical), how many, and each programme's
    rule blockers for them (date and status blockers apart, as they change with the day)."""

    profile: FirmProfile
    firms: list[PolicyFirm] = field(default_factory=list)
    rule_codes: dict[str, frozenset[str]] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.firms)

    def eligible_on_rules(self) -> list[str]:
        return [slug for slug, codes in self.rule_codes.items() if not codes]


def firm_classes(firms: Iterable[PolicyFirm], records: Sequence[ProgrammeRecord],
                 *, day: datetime.date) -> list[FirmClass]:
    """Firms folded into classes, with each programme's rule blockers checked once a class."""
    thresholds = Thresholds.of(records)
    classes: dict[tuple[Any, ...], FirmClass] = {}
    # Headcounts and turnovers repeat from firm to firm: each folded once (as ``canonical``),
    # and the class looked up by a plain tuple of the canonical profile's fields.
    staff_of: dict[int, int] = {}
    money_of: dict[tuple[Decimal | None, str], tuple[Decimal | None, str]] = {}
    # Firms often share one profile object (``policy_firms``): its class is found once.
    class_of: dict[int, FirmClass] = {}
    for firm in firms:
        profile = firm.profile
        known = class_of.get(id(profile))
        if known is not None:
            known.firms.append(firm)
            continue
        staff = staff_of.get(profile.employees)
        if staff is None:
            staff = staff_of[profile.employees] = thresholds.canonical_employees(
                profile.employees)
        money = money_of.get((profile.turnover, profile.turnover_currency))
        if money is None:
            money = money_of[(profile.turnover, profile.turnover_currency)] = (
                thresholds.canonical_turnover(profile.turnover, profile.turnover_currency))
        fields = (profile.country, profile.region, profile.sector, staff, *money)
        found = classes.get(fields)
        if found is None:
            key = FirmProfile(country=profile.country, region=profile.region,
                              sector=profile.sector, employees=staff, turnover=money[0],
                              turnover_currency=money[1])
            found = classes[fields] = FirmClass(key)
        class_of[id(profile)] = found
        found.firms.append(firm)
    by_country: dict[str, list[FirmClass]] = defaultdict(list)
    for firm_class in classes.values():
        by_country[firm_class.profile.country.upper()].append(firm_class)
    for record in records:
        # One programme's own limits fold the classes further (the same argument as for all
        # programmes' limits together): its rules are checked once per coarser class.
        own = Thresholds.of([record])
        codes_of: dict[tuple[Any, ...], frozenset[str]] = {}
        here: list[FirmClass] = []
        for country, members in by_country.items():
            if record.eligible_countries and country not in record.eligible_countries:
                # As the programme index: a firm abroad gets the country blocker, which
                # every table here leaves out; no need to check its other rules.
                for firm_class in members:
                    firm_class.rule_codes[record.slug] = ABROAD
            else:
                here.extend(members)
        for firm_class in here:
            key = firm_class.profile
            coarse = (key.country, key.region, key.sector,
                      own.canonical_employees(key.employees),
                      *own.canonical_turnover(key.turnover, key.turnover_currency))
            codes = codes_of.get(coarse)
            if codes is None:
                found_codes = {b.code for b in check_eligibility(key, record, day)[0]}
                codes = codes_of[coarse] = frozenset(found_codes - DATE_CODES)
            firm_class.rule_codes[record.slug] = codes
    return list(classes.values())


def _support_kinds(record: ProgrammeRecord) -> tuple[str, ...]:
    """The kinds of support a programme offers; self-assessment tools are not support."""
    return tuple(k for k in record.kinds if k != "self_assessment")


# Coverage over time ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CoverageCell:
    month: datetime.date
    country: str
    region: str
    kind: str
    firms: int
    open: int  # firms with at least one open offer of this kind
    unknown: int  # firms whose only offers of this kind have an unknown status

    @property
    def shown(self) -> bool:
        return enough(self.firms)


def coverage_over_time(classes: Sequence[FirmClass], records: Sequence[ProgrammeRecord],
                       checks: Mapping[str, Sequence[StatusCheck]],
                       months: Sequence[datetime.date]) -> list[CoverageCell]:
    """Per month, country, region and kind of support: how many of the assessed firms had at
    least one open offer of that kind, and how many had only offers of unknown status."""
    by_slug = {r.slug: r for r in records}
    kinds_of = {r.slug: _support_kinds(r) for r in records}
    kinds = sorted({k for found in kinds_of.values() for k in found})
    # Classes with the same place and the same programmes open to them on their rules count
    # alike every month: group them once, with their programmes by kind.
    sizes: Counter[tuple[str, str, frozenset[str]]] = Counter()
    for firm_class in classes:
        place = (firm_class.profile.country, firm_class.profile.region)
        sizes[(*place, frozenset(firm_class.eligible_on_rules()))] += firm_class.size
    groups = [(country, region, size,
               [(kind, [s for s in slugs if kind in kinds_of[s]]) for kind in kinds])
              for (country, region, slugs), size in sizes.items()]
    totals: Counter[tuple[str, str]] = Counter()
    # And per kind: groups of one place with the same programmes of that kind count alike.
    alike: Counter[tuple[str, str, str, tuple[str, ...]]] = Counter()
    for country, region, size, by_kind in groups:
        totals[(country, region)] += size
        for kind, slugs in by_kind:
            if slugs:
                alike[(country, region, kind, tuple(sorted(slugs)))] += size
    cells = []
    for month in months:
        # Only a programme with statuses of its own per region answers differently by region.
        memo: dict[tuple[str, str, str], str] = {}
        in_force = {slug: record_on(record, checks.get(slug, ()), month)
                    for slug, record in by_slug.items()}

        def state(slug: str, country: str, region: str, month: datetime.date = month,
                  memo: dict[tuple[str, str, str], str] = memo,
                  in_force: dict[str, ProgrammeRecord] = in_force) -> str:
            record = in_force[slug]
            key = (slug, country, region) if record.regional_status else (slug, country, "")
            found = memo.get(key)
            if found is None:
                found = memo[key] = offer_state(record, country, region, month)
            return found

        counts: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
        for (country, region, kind, of_kind), size in alike.items():
            states = {state(s, country, region) for s in of_kind}
            if OPEN in states:
                counts[(country, region, kind)][0] += size
            elif UNKNOWN in states:
                counts[(country, region, kind)][1] += size
        for (country, region), firms in sorted(totals.items()):
            for kind in kinds:
                opened, unknown = counts.get((country, region, kind), (0, 0))
                cells.append(CoverageCell(month, country, region, kind, firms, opened, unknown))
    return cells


# Blocker decomposition -------------------------------------------------------------------------


@dataclass(frozen=True)
class BlockerRow:
    """One programme: of the firms in its countries, how many it serves, and how many it would
    serve but for one thing (its region, size or sector rule, or its dates and status)."""

    slug: str
    name: str
    country: str
    firms: int  # assessed firms in the programme's countries
    eligible: int
    only: Mapping[str, int]  # "region" | "size" | "sector" | "dates" -> firms blocked by it alone
    several: int  # blocked by more than one of these

    @property
    def shown(self) -> bool:
        return enough(self.firms)


def blocker_decomposition(classes: Sequence[FirmClass], records: Sequence[ProgrammeRecord],
                          *, day: datetime.date) -> list[BlockerRow]:
    rows = []
    for record in records:
        if record.is_tool:
            continue
        firms = eligible = several = 0
        only: Counter[str] = Counter()
        memo: dict[tuple[str, str], bool] = {}
        for firm_class in classes:
            rules = firm_class.rule_codes[record.slug]
            if "country" in rules:
                continue
            place = (firm_class.profile.country, firm_class.profile.region)
            if place not in memo:
                memo[place] = bool(date_blockers(
                    FirmProfile(country=place[0], region=place[1], employees=1, sector=""),
                    record, day))
            groups = {RULE_GROUPS[code] for code in rules} | ({"dates"} if memo[place] else set())
            firms += firm_class.size
            if not groups:
                eligible += firm_class.size
            elif len(groups) == 1:
                only[groups.pop()] += firm_class.size
            else:
                several += firm_class.size
        rows.append(BlockerRow(record.slug, record.name, record.country, firms, eligible,
                               {g: only[g] for g in ("region", "size", "sector", "dates")},
                               several))
    rows.sort(key=lambda r: (r.country, r.name))
    return rows


# The need-offer gap ----------------------------------------------------------------------------


@dataclass(frozen=True)
class GapRow:
    """Firms of one place whose top priorities find no open offer working on them."""

    country: str
    region: str
    firms: int  # with at least one priority
    first_uncovered: int  # no open offer works on their first priority
    any_uncovered: int  # on at least one of their top priorities
    only_unknown: int  # first priority met only by offers of unknown status
    by_dimension: Mapping[str, tuple[int, int]]  # dimension -> (firms with it on top, uncovered)

    @property
    def shown(self) -> bool:
        return enough(self.firms)


def _works_on(record: ProgrammeRecord, dimension: str) -> bool:
    """As matching's fit: a programme that names no dimensions works on all of them."""
    return not record.dimensions or dimension in record.dimensions


def need_offer_gap(classes: Sequence[FirmClass], records: Sequence[ProgrammeRecord],
                   *, day: datetime.date) -> list[GapRow]:
    by_slug = {r.slug: r for r in records}
    memo: dict[tuple[str, str, str], str] = {}
    acc: dict[tuple[str, str], dict[str, Any]] = {}
    # Classes of one place with the same programmes open to them on their rules have the same
    # offers: their firms are counted together, once per distinct ranking of top priorities.
    alike: dict[tuple[str, str, tuple[str, ...]], Counter[tuple[str, ...]]] = {}
    for firm_class in classes:
        group = (firm_class.profile.country, firm_class.profile.region,
                 tuple(firm_class.eligible_on_rules()))
        found = alike.get(group)
        if found is None:
            found = alike[group] = Counter()
        found.update(firm.top_priorities[:TOP_PRIORITIES] for firm in firm_class.firms)
    for (country, region, eligible), rankings in alike.items():
        offers: dict[str, list[ProgrammeRecord]] = {OPEN: [], UNKNOWN: []}
        for slug in eligible:
            record = by_slug[slug]
            if record.is_tool:
                continue
            if (slug, country, region) not in memo:
                memo[(slug, country, region)] = offer_state(record, country, region, day)
            state = memo[(slug, country, region)]
            if state in offers:
                offers[state].append(record)
        row = acc.setdefault((country, region), {"firms": 0, "first": 0, "any": 0,
                                                 "unknown": 0, "dims": defaultdict(lambda: [0, 0])})
        # Whether an open offer (or one of unknown status) works on a dimension: the same for
        # every firm of the group, so asked once a dimension.
        covered: dict[str, bool] = {}
        maybe: dict[str, bool] = {}
        for top, firms in rankings.items():
            if not top:
                continue
            row["firms"] += firms
            for d in top:
                if d not in covered:
                    covered[d] = any(_works_on(r, d) for r in offers[OPEN])
            uncovered = [d for d in top if not covered[d]]
            if top[0] in uncovered:
                row["first"] += firms
                if top[0] not in maybe:
                    maybe[top[0]] = any(_works_on(r, top[0]) for r in offers[UNKNOWN])
                row["unknown"] += firms * maybe[top[0]]
            if uncovered:
                row["any"] += firms
            for dimension in top:
                row["dims"][dimension][0] += firms
                row["dims"][dimension][1] += firms * (dimension in uncovered)
    return [GapRow(country, region, r["firms"], r["first"], r["any"], r["unknown"],
                   {d: (n, u) for d, (n, u) in sorted(r["dims"].items())})
            for (country, region), r in sorted(acc.items())]


# Policy transfer -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TransferRow:
    """Country Y's firms served per kind of support: by Y's own programmes, and by country X's
    national programmes as if Y ran them (X's rules of size, sector and dates; its status)."""

    kind: str
    firms: int
    served_at_home: int
    served_by_national: int  # X's programmes that serve the whole country
    served_with_regional: int  # also X's regional programmes, as if rolled out nationally

    @property
    def shown(self) -> bool:
        return enough(self.firms)


@dataclass(frozen=True)
class Transfer:
    source: str  # X
    target: str  # Y
    day: datetime.date
    rows: list[TransferRow]
    national: list[str]  # slugs of X's programmes transferred as they are
    regional: list[str]  # slugs of X's programmes limited to regions of X


def transferred(record: ProgrammeRecord, target: str, *, nationally: bool) -> ProgrammeRecord:
    """X's programme as country ``target`` would run it: for its firms, in every region when
    ``nationally`` (X's regions have no counterpart in Y); its other rules and status kept."""
    return dataclasses.replace(record, country=target, eligible_countries=(target,),
                               eligible_regions=() if nationally else record.eligible_regions,
                               regional_status=())


def policy_transfer(classes: Sequence[FirmClass], records: Sequence[ProgrammeRecord], *,
                    source: str, target: str, day: datetime.date) -> Transfer:
    """How many of ``target``'s assessed firms would have an open offer of each kind under
    ``source``'s programmes, against what they have under their own. ``classes`` are those of
    ``firm_classes`` over ``records``: a transferred programme keeps its limits, so the same
    classes hold for it."""
    own = [r for r in records if not r.is_tool
           and (target in r.eligible_countries or (not r.eligible_countries
                                                   and r.country == target))]
    theirs = [r for r in records if not r.is_tool and r.country == source
              and (not r.eligible_countries or source in r.eligible_countries)]
    national = [r for r in theirs if not r.eligible_regions]
    regional = [r for r in theirs if r.eligible_regions]
    as_national = [transferred(r, target, nationally=True) for r in national]
    as_rolled_out = as_national + [transferred(r, target, nationally=True) for r in regional]
    here = [c for c in classes if c.profile.country.upper() == target]
    firms = sum(c.size for c in here)
    kinds = sorted({k for r in own + theirs for k in _support_kinds(r)})

    # As in ``firm_classes``: a programme's rules are checked once per class its own limits
    # leave (a national programme is in both transferred groups), its state once per region.
    own_limits: dict[int, tuple[Thresholds, dict[tuple[Any, ...], bool]]] = {}
    states: dict[tuple[int, str], str] = {}

    def moved_eligible(record: ProgrammeRecord, profile: FirmProfile) -> bool:
        found = own_limits.get(id(record))
        if found is None:
            found = own_limits[id(record)] = (Thresholds.of([record]), {})
        limits, memo = found
        coarse = (profile.country, profile.region, profile.sector,
                  limits.canonical_employees(profile.employees),
                  *limits.canonical_turnover(profile.turnover, profile.turnover_currency))
        eligible = memo.get(coarse)
        if eligible is None:
            codes = {b.code for b in check_eligibility(profile, record, day)[0]}
            eligible = memo[coarse] = not codes - DATE_CODES
        return eligible

    def state(record: ProgrammeRecord, region: str) -> str:
        found = states.get((id(record), region))
        if found is None:
            found = states[(id(record), region)] = offer_state(record, target, region, day)
        return found

    def served(group: Sequence[ProgrammeRecord], *, moved: bool) -> Counter[str]:
        counts: Counter[str] = Counter()
        for firm_class in here:
            open_kinds: set[str] = set()
            for record in group:
                if moved:
                    if not moved_eligible(record, firm_class.profile):
                        continue
                elif firm_class.rule_codes.get(record.slug):
                    continue
                if state(record, firm_class.profile.region) == OPEN:
                    open_kinds.update(_support_kinds(record))
            for kind in open_kinds:
                counts[kind] += firm_class.size
        return counts

    home = served(own, moved=False)
    abroad = served(as_national, moved=True)
    rolled = served(as_rolled_out, moved=True)
    rows = [TransferRow(kind, firms, home[kind], abroad[kind], rolled[kind]) for kind in kinds]
    return Transfer(source, target, day, rows, [r.slug for r in national],
                    [r.slug for r in regional])


# Data freshness --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FreshnessRow:
    status: str
    buckets: Mapping[str, int]  # FRESHNESS_BUCKETS -> programmes

    @property
    def total(self) -> int:
        return sum(self.buckets.values())


def freshness_bucket(checked_on: datetime.date | None, day: datetime.date) -> str:
    if checked_on is None:
        return FRESHNESS_BUCKETS[3]
    age = (day - checked_on).days
    if age <= 183:
        return FRESHNESS_BUCKETS[0]
    if age <= 365:
        return FRESHNESS_BUCKETS[1]
    return FRESHNESS_BUCKETS[2]


def data_freshness(records: Iterable[ProgrammeRecord], *, day: datetime.date
                   ) -> list[FreshnessRow]:
    """Programme records by status and by how long ago that status was checked (programmes,
    not firms: no cohort minimum applies)."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for record in records:
        counts[record.status][freshness_bucket(record.status_checked_on, day)] += 1
    order = ("open", "closed", "paused", "suspended", "unknown")
    return [FreshnessRow(status, {b: counts[status][b] for b in FRESHNESS_BUCKETS})
            for status in sorted(counts, key=lambda s: (order.index(s) if s in order else 9, s))]


# Tables: what the page shows, the exports hold and the statistics endpoint serves --------------


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _place(country: str, region: str) -> dict[str, str]:
    return {"country": country, "region": region}


def coverage_frame(cells: Iterable[CoverageCell]) -> pd.DataFrame:
    """One row per month, place and kind; a group under the cohort minimum shows no figures."""
    rows = []
    for c in cells:
        shown = c.shown
        rows.append({
            "month": c.month.strftime("%Y-%m"), **_place(c.country, c.region), "kind": c.kind,
            "firms": c.firms if shown else None,
            "with_open_offer": c.open if shown else None,
            "only_unknown_status": c.unknown if shown else None,
            "share_with_open_offer": _share(c.open, c.firms) if shown else None,
            "suppressed": not shown})
    return pd.DataFrame(rows, columns=[
        "month", "country", "region", "kind", "firms", "with_open_offer", "only_unknown_status",
        "share_with_open_offer", "suppressed"])


def blockers_frame(rows: Iterable[BlockerRow], *, day: datetime.date) -> pd.DataFrame:
    out = []
    for r in rows:
        shown = r.shown
        figures: dict[str, object] = {"firms_in_its_countries": r.firms, "eligible": r.eligible,
                                      **{f"only_{g}": n for g, n in r.only.items()},
                                      "several_rules": r.several}
        if not shown:
            figures = dict.fromkeys(figures)
        out.append({"programme": r.slug, "name": r.name, "country": r.country, **figures,
                    "share_eligible": _share(r.eligible, r.firms) if shown else None,
                    "share_blocked_only_by_region": (_share(r.only["region"], r.firms)
                                                     if shown else None),
                    "suppressed": not shown, "as_of": day.isoformat()})
    return pd.DataFrame(out, columns=[
        "programme", "name", "country", "firms_in_its_countries", "eligible", "only_region",
        "only_size", "only_sector", "only_dates", "several_rules", "share_eligible",
        "share_blocked_only_by_region", "suppressed", "as_of"])


def gap_frames(rows: Iterable[GapRow], *, day: datetime.date
               ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The gap by place, and by place and priority dimension (each cell its own group)."""
    places, dimensions = [], []
    for r in rows:
        shown = r.shown
        places.append({
            **_place(r.country, r.region), "firms": r.firms if shown else None,
            "first_priority_without_open_offer": r.first_uncovered if shown else None,
            "of_which_only_unknown_status": r.only_unknown if shown else None,
            "a_top_priority_without_open_offer": r.any_uncovered if shown else None,
            "share_first_priority_without": _share(r.first_uncovered, r.firms) if shown else None,
            "suppressed": not shown, "as_of": day.isoformat()})
        for dimension, (firms, uncovered) in r.by_dimension.items():
            cell = enough(firms)
            dimensions.append({
                **_place(r.country, r.region), "dimension": dimension,
                "firms_with_it_as_top_priority": firms if cell else None,
                "without_open_offer": uncovered if cell else None,
                "share_without": _share(uncovered, firms) if cell else None,
                "suppressed": not cell, "as_of": day.isoformat()})
    return (pd.DataFrame(places, columns=[
                "country", "region", "firms", "first_priority_without_open_offer",
                "of_which_only_unknown_status", "a_top_priority_without_open_offer",
                "share_first_priority_without", "suppressed", "as_of"]),
            pd.DataFrame(dimensions, columns=[
                "country", "region", "dimension", "firms_with_it_as_top_priority",
                "without_open_offer", "share_without", "suppressed", "as_of"]))


def transfer_frame(transfer: Transfer) -> pd.DataFrame:
    rows = []
    for r in transfer.rows:
        shown = r.shown
        rows.append({
            "rules_of": transfer.source, "firms_of": transfer.target, "kind": r.kind,
            "firms": r.firms if shown else None,
            "served_by_own_programmes": r.served_at_home if shown else None,
            "served_by_national_programmes_of_rules_country": (r.served_by_national
                                                               if shown else None),
            "served_if_its_regional_programmes_ran_nationally": (r.served_with_regional
                                                                 if shown else None),
            "suppressed": not shown, "as_of": transfer.day.isoformat()})
    return pd.DataFrame(rows, columns=[
        "rules_of", "firms_of", "kind", "firms", "served_by_own_programmes",
        "served_by_national_programmes_of_rules_country",
        "served_if_its_regional_programmes_ran_nationally", "suppressed", "as_of"])


def freshness_frame(rows: Iterable[FreshnessRow], *, day: datetime.date) -> pd.DataFrame:
    return pd.DataFrame(
        [{"status": r.status, **r.buckets, "programmes": r.total, "as_of": day.isoformat()}
         for r in rows],
        columns=["status", *FRESHNESS_BUCKETS, "programmes", "as_of"])
