"""The plan (DESIGN §7 ``plan``): from priorities to first projects, sequenced and costed.

For the firm's top priorities, the plan takes each dimension one band up (or up to the target
band the firm set itself) with projects from the use-case library, worded for the firm's sector
family and priced in its currency. Projects that need another dimension first (intelligence
needs connectivity) bring that dimension's steps into the plan ahead of them. Steps fall into
three horizons: a step starts one horizon after the steps it depends on.

Each project lists the matched programmes whose kinds of support fit it, and the net cost after
a programme's funding. A programme's match rate is used as published; its cap only when it is in
the plan's currency: we keep no live exchange rates, so a cap in another currency is shown but not
applied, and then no net cost is given.

Plain Python over plain data: no ORM, request or settings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from programmes.matching import Match
from programmes.usecases import CostRange, UseCase, UseCaseLibrary

HORIZONS = ("0-6 months", "6-12 months", "12-24 months")
TOP_DIMENSIONS = 3
MAX_FUNDERS = 4
FUNDING_KINDS = frozenset({"grant", "rnd_funding"})
TOP_BAND = 5


@dataclass(frozen=True)
class FundingOffer:
    """What the plan needs of a matched programme: its kinds, focus and money."""

    slug: str
    name: str
    kinds: tuple[str, ...]
    dimensions: tuple[str, ...] = ()  # empty: any dimension
    match_rate_percent: int | None = None
    amount_max: Decimal | None = None
    amount_currency: str = ""


@dataclass(frozen=True)
class Funding:
    programme: str
    name: str
    kinds: tuple[str, ...]  # the programme's kinds that fit the project
    share: float | None  # the share of the cost it pays, 0..1
    cap: int | None
    cap_currency: str
    net_cost: CostRange | None
    note: str

    def as_dict(self) -> dict:
        return {
            "programme": self.programme,
            "name": self.name,
            "kinds": list(self.kinds),
            "share": self.share,
            "cap": self.cap,
            "cap_currency": self.cap_currency or None,
            "net_cost": self.net_cost.as_dict() if self.net_cost else None,
        }


@dataclass(frozen=True)
class PlanProject:
    key: str
    title: str
    summary: str
    cost: CostRange
    cost_basis: str
    effort: str
    effort_label: str
    time_to_value: str
    prerequisites: tuple[str, ...]  # plain sentences
    support_kinds: tuple[str, ...]
    funded_by: tuple[Funding, ...]

    @property
    def best_net_cost(self) -> CostRange | None:
        nets = [f.net_cost for f in self.funded_by if f.net_cost is not None]
        return min(nets, key=lambda c: (c.low, c.high), default=None)

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "title": self.title,
            "summary": self.summary,
            "cost": self.cost.as_dict(),
            "effort": self.effort,
            "time_to_value": self.time_to_value,
            "funded_by": [f.as_dict() for f in self.funded_by],
        }


@dataclass(frozen=True)
class PlanStep:
    dimension: str
    dimension_name: str
    from_band: int
    to_band: int
    horizon: str
    reason: str  # "priority", "target" or "prerequisite"
    priority_rank: int | None
    projects: tuple[PlanProject, ...]
    needed_for: tuple[str, ...] = ()  # dimension names this step is a prerequisite of

    def as_dict(self) -> dict:
        return {
            "dimension": self.dimension,
            "from_band": self.from_band,
            "to_band": self.to_band,
            "horizon": self.horizon,
            "reason": self.reason,
            "projects": [p.as_dict() for p in self.projects],
        }


@dataclass(frozen=True)
class Plan:
    currency: str
    family: str | None
    family_name: str
    steps: tuple[PlanStep, ...] = field(default=())
    # The matched programmes the plan was built with, best-ranked first (the summary names the
    # best-ranked one that fits the first step, not the one with the lowest net cost).
    offers: tuple[FundingOffer, ...] = field(default=())

    def head(self, count: int) -> Plan:
        """The first ``count`` steps (the one-page plan), in the same order."""
        return Plan(self.currency, self.family, self.family_name, self.steps[:count],
                    self.offers)

    def by_horizon(self) -> list[tuple[str, list[PlanStep]]]:
        return [(h, [s for s in self.steps if s.horizon == h]) for h in HORIZONS
                if any(s.horizon == h for s in self.steps)]

    @property
    def first_project(self) -> tuple[PlanStep, PlanProject] | None:
        for step in self.steps:
            if step.projects:
                return step, step.projects[0]
        return None

    def as_list(self) -> list[dict]:
        return [s.as_dict() for s in self.steps]


@dataclass(frozen=True)
class _Wanted:
    dimension: str
    from_band: int
    reason: str
    rank: int | None


def build_plan(
    library: UseCaseLibrary,
    *,
    bands: Mapping[str, int | None],
    priorities: Sequence,  # readiness.prioritisation.Priority (dimension, rank, impact, band)
    sector: str,
    currency: str,
    offers: Sequence[FundingOffer] = (),
    targets: Mapping[str, int] | None = None,
    dimension_names: Mapping[str, str] | None = None,
    top: int = TOP_DIMENSIONS,
) -> Plan:
    """The plan for one firm: steps one band up on its top priorities, prerequisites first.

    ``targets`` are the bands the firm set itself: a dimension with a target above its band is
    planned up to that target, and one with a target at or below its band is left out.
    """
    names = dict(dimension_names or {})
    family = library.family_of(sector)
    own = {k: int(v) for k, v in (targets or {}).items() if v is not None}

    def goal(dimension: str, band: int) -> int:
        return min(own.get(dimension, band + 1), TOP_BAND)

    wanted: list[_Wanted] = []
    chosen: list[tuple[str, int | None, str]] = []
    ranked = sorted(priorities, key=lambda p: p.rank)
    for p in ranked:
        if len(chosen) >= top:
            break
        if p.band >= TOP_BAND or goal(p.dimension, p.band) <= p.band or p.impact <= 0:
            continue
        chosen.append((p.dimension, p.rank, "priority"))
    rank_of = {p.dimension: p.rank for p in ranked}
    for dimension in own:
        band = bands.get(dimension)
        if (band is not None and goal(dimension, band) > band
                and dimension not in [c[0] for c in chosen]):
            chosen.append((dimension, rank_of.get(dimension), "target"))
    for dimension, rank, reason in chosen:
        band = bands.get(dimension)
        if band is None:
            continue
        for step in range(band, goal(dimension, band)):
            wanted.append(_Wanted(dimension, step, reason, rank))

    # Steps by (dimension, from_band); prerequisites added as they are found.
    steps: dict[tuple[str, int], _Wanted] = {(w.dimension, w.from_band): w for w in wanted}
    needed_for: dict[tuple[str, int], list[str]] = {}
    level: dict[tuple[str, int], int] = {}

    def depends_on(key: tuple[str, int]) -> list[tuple[str, int]]:
        dimension, step = key
        before = [(dimension, step - 1)] if (dimension, step - 1) in steps else []
        for use_case in library.for_step(dimension, step):
            for req in use_case.prerequisites:
                have = bands.get(req.dimension)
                if have is None or have >= req.band:
                    continue  # met, or not applicable / not known: said in the project
                for s in range(have, req.band):
                    if (req.dimension, s) not in steps:
                        steps[(req.dimension, s)] = _Wanted(
                            req.dimension, s, "prerequisite", rank_of.get(req.dimension))
                    needed_for.setdefault((req.dimension, s), [])
                    label = names.get(dimension, dimension)
                    if label not in needed_for[(req.dimension, s)]:
                        needed_for[(req.dimension, s)].append(label)
                    before.append((req.dimension, s))
        return before

    def level_of(key: tuple[str, int], trail: frozenset = frozenset()) -> int:
        if key in level:
            return level[key]
        if key in trail:  # a cycle in the data: break it rather than loop
            return 0
        value = max((level_of(k, trail | {key}) + 1 for k in depends_on(key)), default=0)
        level[key] = value
        return value

    for key in list(steps):
        level_of(key)
    for key in list(steps):  # prerequisites found late
        level_of(key)

    reason_order = {"prerequisite": 0, "priority": 1, "target": 1}
    ordered = sorted(
        steps.values(),
        key=lambda w: (min(level[(w.dimension, w.from_band)], len(HORIZONS) - 1),
                       reason_order[w.reason], w.rank or 99, w.dimension, w.from_band),
    )
    plan_steps = []
    for w in ordered:
        projects = tuple(
            _project(library, u, family=family, currency=currency, bands=bands,
                     offers=offers, names=names)
            for u in library.for_step(w.dimension, w.from_band)
        )
        plan_steps.append(PlanStep(
            dimension=w.dimension,
            dimension_name=names.get(w.dimension, w.dimension),
            from_band=w.from_band,
            to_band=w.from_band + 1,
            horizon=HORIZONS[min(level[(w.dimension, w.from_band)], len(HORIZONS) - 1)],
            reason=w.reason,
            priority_rank=w.rank,
            projects=projects,
            needed_for=tuple(needed_for.get((w.dimension, w.from_band), ())),
        ))
    return Plan(currency=currency, family=family, family_name=library.family_name(family),
                steps=tuple(plan_steps), offers=tuple(offers))


def _project(library: UseCaseLibrary, use_case: UseCase, *, family: str | None, currency: str,
             bands: Mapping[str, int | None], offers: Sequence[FundingOffer],
             names: Mapping[str, str]) -> PlanProject:
    title, summary = use_case.wording(family)
    cost = library.cost(use_case, currency)
    prerequisites = []
    for req in use_case.prerequisites:
        name = names.get(req.dimension, req.dimension)
        have = bands.get(req.dimension)
        if have is None:
            prerequisites.append(f"Needs {name} at band {req.band}; you did not rate it, so "
                                 "check this first.")
        elif have >= req.band:
            prerequisites.append(f"Needs {name} at band {req.band}; you are at {have}.")
        else:
            prerequisites.append(f"Needs {name} at band {req.band} first; you are at {have}, "
                                 "so the plan takes that step earlier.")
    funders = [fund(offer, use_case, cost) for offer in offers
               if _fits(offer, use_case.dimension, use_case.support_kinds)]
    # Money first (lowest net cost), then advice and other help in match order.
    funders.sort(key=lambda f: (f.net_cost is None, f.net_cost.low if f.net_cost else 0))
    return PlanProject(
        key=use_case.key, title=title, summary=summary, cost=cost,
        cost_basis=library.cost_bases[use_case.cost_basis], effort=use_case.effort,
        effort_label=library.effort_levels[use_case.effort],
        time_to_value=use_case.time_to_value, prerequisites=tuple(prerequisites),
        support_kinds=use_case.support_kinds, funded_by=tuple(funders[:MAX_FUNDERS]),
    )


def _fits(offer: FundingOffer, dimension: str, support_kinds: Sequence[str]) -> bool:
    if offer.dimensions and dimension not in offer.dimensions:
        return False
    if "self_assessment" in offer.kinds:
        # Diagnostic tools (SIRI and the like) are listed apart, not as help with a project
        # (DESIGN §6); they fit only a use case that is itself a diagnostic.
        return "self_assessment" in support_kinds
    return bool(set(offer.kinds) & set(support_kinds))


def fund(offer: FundingOffer, use_case: UseCase, cost: CostRange) -> Funding:
    """How one programme could help with one project, and the net cost where we can say it."""
    return _fund(offer, use_case.support_kinds, cost)


def _fund(offer: FundingOffer, support_kinds: Sequence[str], cost: CostRange) -> Funding:
    kinds = tuple(k for k in offer.kinds if k in support_kinds)
    pays = bool(set(kinds) & FUNDING_KINDS) and offer.match_rate_percent is not None
    if not pays:
        return Funding(offer.slug, offer.name, kinds, None, None, "", None,
                       "offers help, not money, for this project")
    share = offer.match_rate_percent / 100
    cap_currency = (offer.amount_currency or "").upper()
    cap = int(offer.amount_max) if offer.amount_max is not None else None
    if cap is not None and cap_currency and cap_currency != cost.currency:
        return Funding(offer.slug, offer.name, kinds, share, cap, cap_currency, None,
                       f"its cap is in {cap_currency}, not {cost.currency}, so we do not work "
                       "out a net cost")

    def net(amount: int) -> int:
        grant = amount * share
        if cap is not None:
            grant = min(grant, cap)
        return int(round(amount - grant))

    return Funding(offer.slug, offer.name, kinds, share, cap, cap_currency if cap else "",
                   CostRange(net(cost.low), net(cost.high), cost.currency),
                   "net of its published match rate" + (" and cap" if cap is not None else ""))


# Words for owners --------------------------------------------------------------------------------

CURRENCY_SYMBOLS = {"GBP": "£", "USD": "$", "EUR": "€", "SGD": "S$", "KRW": "₩", "TWD": "NT$"}


def money(amount: int, currency: str) -> str:
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{symbol}{amount:,}" if symbol else f"{currency} {amount:,}"


def cost_text(cost: CostRange) -> str:
    """A cost range as an owner reads it: "£3,000 to £15,000"."""
    if cost.high == 0:
        return "staff time only"
    if cost.low == cost.high:
        return money(cost.low, cost.currency)
    if cost.low == 0:
        return f"up to {money(cost.high, cost.currency)}"
    return f"{money(cost.low, cost.currency)} to {money(cost.high, cost.currency)}"


def funding_text(funding: Funding) -> str:
    """What one programme would do for a project, in a phrase."""
    if funding.share is None:
        kinds = [KIND_WORDS.get(k, k) for k in funding.kinds]
        return f"{funding.name} offers {_join(kinds)}"
    part = f"{funding.name} could pay {funding.share:.0%}"
    if funding.cap is not None:
        part += f" up to {money(funding.cap, funding.cap_currency)}"
    if funding.net_cost is not None:
        part += f", leaving about {cost_text(funding.net_cost)} for you to pay"
    return part


KIND_WORDS = {
    "grant": "a grant", "advice": "advice", "training": "training",
    "demonstration": "a place to see it working", "rnd_funding": "R&D funding",
    "network": "a network of peers", "self_assessment": "a self-assessment",
}


def owner_summary(*, firm_name: str, standing: str | None, plan: Plan,
                  matches: Sequence[Match] = ()) -> list[str]:
    """Three sentences for the top of the results: where you stand, what first, what help.

    The help sentence names the best-ranked matched programme (``matches`` in match order) that
    fits the first step: one confirmed open first, then one last confirmed open (said so), then
    one whose status nobody confirmed (said so); never the first funder of a project, which is
    merely the one with the lowest net cost.
    """
    sentences = []
    if standing:
        sentences.append(f"{firm_name} {standing}.")
    else:
        sentences.append(f"{firm_name} marked every dimension not applicable, so we cannot say "
                         "where it stands.")
    first = plan.first_project
    if first is None:
        sentences.append("There is no next step to plan: you are at the top band, or at your "
                         "own target, on every dimension you rated.")
        sentences.append("The support section still lists the programmes open to you.")
        return sentences
    step, project = first
    sentences.append(
        f"Start with “{project.title}” ({step.dimension_name}, band {step.from_band} to "
        f"{step.to_band}): typically {cost_text(project.cost)}, with results in "
        f"{project.time_to_value}.")
    sentences.append(help_sentence(plan, step, project, matches))
    return sentences


def help_sentence(plan: Plan, step: PlanStep, project: PlanProject,
                  matches: Sequence[Match]) -> str:
    """Who could help with the first step: the best-ranked match that fits it, honestly."""
    offers = {o.slug: o for o in plan.offers}

    def sureness(match: Match) -> int:
        if match.status == "open" and not match.stale:
            return 0
        return 1 if match.status == "open" else 2

    candidates = []
    for rank, match in enumerate(matches):
        offer = offers.get(match.slug)
        if offer is None:
            continue
        # The first project if the programme fits it, else the step's next one it fits.
        fitting = [p for p in step.projects if _fits(offer, step.dimension, p.support_kinds)]
        if fitting:
            candidates.append((sureness(match), rank, match, offer, fitting[0]))
    if not candidates:
        return ("None of the programmes matched to you funds or advises on this step; the "
                "support section lists what else is open to you.")
    sure, _rank, match, offer, fitted = min(candidates, key=lambda c: (c[0], c[1]))
    text = _capital(funding_text(_fund(offer, fitted.support_kinds, fitted.cost)))
    if fitted is not project:
        text += f" for “{fitted.title}”, another first project for this step"
    if sure == 1:
        text += (f" (it was {match.status_text[0].lower()}{match.status_text[1:]}: check that it"
                 " still is)")
    elif sure == 2:
        text += " (nobody has confirmed that it is open: check with them first)"
    return text + "."


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _join(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
