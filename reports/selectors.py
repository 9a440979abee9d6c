"""Reads for the results page and the PDF report: one context, built in one place.

``results_context`` is what the results page shows; ``report_context`` adds what only the report
has (plain-words summary, programme facts and sources, advisor notes, methodology). Both do a
fixed number of queries whatever the number of dimensions, priorities or programmes.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
from dataclasses import dataclass, fields
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language

from programmes.matching import MatchResult
from programmes.models import Programme
from programmes.planning import Plan, owner_summary
from programmes.usecases import load_usecases
from readiness.charts import RadarChart, radar_chart
from readiness.confidence import Confidence
from readiness.framework import BandSpec, BlockSpec, DimensionSpec, FrameworkSpec, PillarSpec
from readiness.models import Assessment
from readiness.prioritisation import Priority, explain
from readiness.scoring import Scores
from readiness.selectors import FirmPeers, peers_for_firm
from readiness.team_selectors import profile_confidence
from reports.pipeline import Evaluation, evaluation_for_assessment

# Priorities shown in full on the page and in the report; the rest are in the dimension table.
TOP_PRIORITIES = 5
SUMMARY_COUNT = 3
# Bump when the report's layout changes in a way that should replace stored PDFs.
REPORT_LAYOUT_VERSION = 5  # 3: the international view's pages (issue 15); 4: the peers' line;
# 5: the summary's support sentence gives the best fit's status instead of calling matches open
# What the report shows of an advisor's note (see ``advisor_notes_for``).

# What an answer rests on, as the results table and the PDF say it (issue 16).
EVIDENCE_KIND_SHORT = {"observed": "observed", "document": "a document", "estimate": "an estimate"}

# Where a firm stands, in plain words, by the whole band of its overall score.
STANDING: dict[int, str] = {
    0: "is at the very start: most work depends on people and paper, and few processes are "
       "written down",
    1: "has defined ways of working, but runs them mostly on paper and with stand-alone tools",
    2: "uses digital tools in most areas, but the systems work in silos and people copy data "
       "between them",
    3: "has integrated systems: data flows between the shop floor, planning and the business "
       "without re-typing",
    4: "runs largely automated processes in which one step triggers the next",
    5: "runs intelligent, self-optimising operations that learn from their own data",
}


def sector_band_spec(sector: str):
    """``dim.band_spec`` with the description in the words of the firm's sector family (a food
    firm reads about ovens and recipes, not lathes), where the use-case library has them."""
    library = load_usecases()
    family = library.family_of(sector)

    def band_spec(dim: DimensionSpec, band: int | None) -> BandSpec | None:
        spec = dim.band_spec(band)
        text = library.band_description(dim.key, band, family)
        return BandSpec(spec.band, spec.title, text) if spec is not None and text else spec

    return band_spec


@dataclass(frozen=True)
class DimensionRow:
    """One dimension as the results page and the report list it."""

    dim: DimensionSpec
    band: int | None
    current: BandSpec | None  # the band's description, in the words of the firm's trade
    next: BandSpec | None  # the band above, where there is one
    pillar: PillarSpec
    evidence: str
    answered: bool  # "not applicable" and "don't know" are answers too
    unknown: bool  # answered "don't know"
    verified: bool  # an advisor verified the answer
    evidence_kind: str  # what the answer rests on, in a word or two ("" when not said)


@dataclass(frozen=True)
class PriorityRow:
    """One of the top priorities, with why it ranks there and what the next band looks like."""

    priority: Priority
    dim: DimensionSpec
    why: list[str]  # sentences
    next: BandSpec | None
    source: str  # where the target came from: "peers" or "default"


def _template_context(context: object) -> dict[str, Any]:
    # Shallow, so that templates get the same objects (dataclasses.asdict would copy them all).
    return {f.name: getattr(context, f.name) for f in fields(context)}  # type: ignore[arg-type]


@dataclass(frozen=True)
class ResultsContext:
    """What the results page shows (and the advisor's case page, the plan and the report build
    on): one firm's evaluation (``results``, reports.pipeline) laid out for reading."""

    assessment: Assessment
    spec: FrameworkSpec
    scores: Scores
    results: Evaluation
    confidence: Confidence  # how sure the profile is (issue 16)
    dimension_rows: tuple[DimensionRow, ...]
    priorities: tuple[PriorityRow, ...]
    chart: RadarChart  # the profile chart (the peers' median dashed, where there are figures)
    peers: FirmPeers  # the firm's peers' medians and quartiles (issue 13)
    match_result: MatchResult
    plan: Plan
    owner_summary: list[str]
    # (block, its score, [(pillar, its score)]) in the framework's order.
    block_rows: tuple[tuple[BlockSpec, float | None, list[tuple[PillarSpec, float | None]]], ...]

    def template_context(self) -> dict[str, Any]:
        """The fields as a template's context (a template reads ``scores``, ``plan``, ...)."""
        return _template_context(self)


def results_context(
    assessment: Assessment,
    *,
    as_of: datetime.date | None = None,
) -> ResultsContext:
    """What the results page shows: scores, chart, every dimension, top priorities, matches;
    all from the one evaluation pipeline (reports.pipeline)."""
    data = evaluation_for_assessment(assessment, as_of=as_of)
    spec = data.spec
    band_spec = sector_band_spec(assessment.sector)
    dimension_rows = []
    for key, dim in spec.dimensions.items():
        band = data.scores.dimensions[key]
        dimension_rows.append(DimensionRow(
            dim=dim,
            band=band,
            current=band_spec(dim, band),
            next=band_spec(dim, band + 1) if band is not None and band < 5 else None,
            pillar=spec.pillars[dim.pillar],
            evidence=data.evidence.get(key, ""),
            unknown=key in data.scores.unknown,
            verified=key in data.verified,
            evidence_kind=EVIDENCE_KIND_SHORT.get(data.evidence_kinds.get(key, ""), ""),
            # ``evidence`` has a key for every saved answer, "not applicable" included.
            answered=key in data.evidence,
        ))
    priorities = [
        PriorityRow(
            priority=p, dim=spec.dimensions[p.dimension], why=explain(spec, p),
            next=band_spec(spec.dimensions[p.dimension], p.band + 1) if p.band < 5 else None,
            source=data.target_source[p.dimension])
        for p in data.priorities[:TOP_PRIORITIES]
    ]
    peers = data.peers or peers_for_firm(spec=spec, sector=assessment.sector,
                                         employees=assessment.employees,
                                         bands=data.scores.dimensions)
    overall = data.scores.overall
    return ResultsContext(
        confidence=profile_confidence(assessment=assessment, results=data),
        assessment=assessment,
        spec=spec,
        scores=data.scores,
        results=data,
        dimension_rows=tuple(dimension_rows),
        priorities=tuple(priorities),
        chart=radar_chart(spec, data.scores.dimensions, **peers.on_chart()),
        peers=peers,
        match_result=data.match_result,
        plan=data.plan,
        owner_summary=owner_summary(
            firm_name=assessment.company_name, plan=data.plan, matches=data.match_result.matches,
            standing=STANDING[int(overall)] if overall is not None else None),
        block_rows=tuple((b, data.scores.blocks[b.key],
                          [(spec.pillars[p], data.scores.pillars[p]) for p in b.pillars])
                         for b in spec.blocks),
    )


@dataclass(frozen=True)
class ProgrammeFacts:
    """What the report says about a programme beyond matching: offer, delivery and source."""

    slug: str
    name: str
    institutions: tuple[str, ...]
    offer: str
    source_title: str
    source_url: str
    facts_as_of: datetime.date
    updated_at: datetime.datetime


@dataclass(frozen=True)
class AdvisorNote:
    author: str
    organisation: str
    created_at: datetime.datetime
    text: str
    actions: tuple[str, ...] = ()
    internal: bool = False


def advisor_notes_for(assessment: Assessment, *, organisation_id: int | None = None
                      ) -> list[AdvisorNote]:
    """Advisors' notes and recommended actions on the assessment's active shares.

    The firm's own report (``organisation_id`` None) shows the notes written for the firm by every
    organisation it shares with, never an internal one; an advisor's report shows only their own
    organisation's notes, internal ones marked, so that no organisation reads another's advice.
    Part of the fingerprint: a new note or action replaces the stored report.
    """
    from advisors.models import Share  # the advisor workspace builds on readiness, not reverse

    shares = Share.objects.filter(assessment=assessment, withdrawn_at__isnull=True)
    if organisation_id is not None:
        shares = shares.filter(organisation_id=organisation_id)
    notes: list[AdvisorNote] = []
    for share in shares.select_related("organisation").prefetch_related(
            "notes__author", "actions").order_by("organisation__name"):
        for note in sorted(share.notes.all(), key=lambda n: n.created_at):
            if organisation_id is None and not note.is_for_firm:
                continue
            notes.append(AdvisorNote(note.author_name or "Advisor", share.organisation.name,
                                     note.created_at, note.text, internal=not note.is_for_firm))
        actions = tuple(
            f"{a.text} (owner: {a.owner}{f', due {a.due_date:%d %B %Y}' if a.due_date else ''}"
            f"{', done' if a.done else ''})" for a in share.actions.all())
        if actions:
            notes.append(AdvisorNote("Recommended actions", share.organisation.name,
                                     max(a.created_at for a in share.actions.all()), "",
                                     actions))
    return notes


@dataclass(frozen=True)
class Progress:
    previous_date: datetime.date
    previous_overall: float | None
    rows: list[tuple[Any, int | None, int | None, int | None]]  # (dimension, before, after, delta)
    chart: Any


def progress_since_previous(
    assessment: Assessment, spec: FrameworkSpec, *, organisation_id: int | None = None
) -> Progress | None:
    """The change since the firm's previous submitted assessment, if it has one.

    An organisation's report compares only with an assessment also shared with it, so a report
    never reveals results the firm did not share.
    """
    if assessment.submitted_at is None:
        return None
    earlier = Assessment.objects.filter(
        firm_id=assessment.firm_id, status=Assessment.Status.SUBMITTED,
        framework=assessment.framework, submitted_at__lt=assessment.submitted_at,
    )
    if organisation_id is not None:
        earlier = earlier.filter(shares__organisation_id=organisation_id,
                                 shares__withdrawn_at__isnull=True)
    previous = earlier.order_by("-submitted_at").first()
    if previous is None or not previous.scores:
        return None
    before = previous.scores.get("dimensions", {})
    after = (assessment.scores or {}).get("dimensions", {})
    rows = []
    for key, dim in spec.dimensions.items():
        b, a = before.get(key), after.get(key)
        rows.append((dim, b, a, None if a is None or b is None else a - b))
    label = f"assessment of {timezone.localdate(previous.submitted_at):%d %B %Y}"
    return Progress(timezone.localdate(previous.submitted_at), previous.overall_score, rows,
                    radar_chart(spec, after, comparison=before, comparison_label=label))


@dataclass(frozen=True)
class ReportContext(ResultsContext):
    """Everything the PDF report shows: the results page's context and what only the report
    has (plain-words summary, programme facts and sources, advisor notes, progress)."""

    # (block, its score, [(pillar, its score, its DimensionRows)]) in the framework's order.
    dimension_groups: list[tuple[BlockSpec, float | None,
                                 list[tuple[PillarSpec, float | None, list[DimensionRow]]]]]
    generated_on: datetime.date
    report_date: datetime.date
    is_draft: bool
    standing: str | None
    strongest: list[tuple[DimensionSpec, int]]
    weakest: list[tuple[DimensionSpec, int]]
    profile_is_level: bool
    strongest_block: tuple[BlockSpec, float] | None
    weakest_block: tuple[BlockSpec, float] | None
    answered_count: int
    not_applicable: list[DimensionSpec]
    not_known: list[DimensionSpec]  # answered "don't know"
    objective_names: list[str]
    cost_shares: list[tuple[str, float]]
    programme_facts: dict[str, ProgrammeFacts]
    sources: list[ProgrammeFacts]
    advisor_notes: list[AdvisorNote]
    progress: Progress | None
    framework: Any  # readiness.models.Framework


def report_context(
    assessment: Assessment, *, as_of: datetime.date | None = None,
    organisation_id: int | None = None,
) -> ReportContext:
    """Everything the PDF report shows, built with a fixed number of queries."""
    context = results_context(assessment, as_of=as_of)
    spec = context.spec
    data = context.results
    match_result = context.match_result

    answered = [(key, band) for key, band in data.scores.dimensions.items() if band is not None]
    order = {key: i for i, key in enumerate(spec.dimension_keys)}
    strongest = sorted(answered, key=lambda kb: (-kb[1], order[kb[0]]))[:SUMMARY_COUNT]
    weakest = sorted(answered, key=lambda kb: (kb[1], order[kb[0]]))[:SUMMARY_COUNT]
    level = bool(answered) and len({band for _, band in answered}) == 1

    shown = [m.slug for m in match_result.matches] + [
        n.slug for n in match_result.near_misses_here
    ]
    facts = programme_facts(shown)
    overall = data.scores.overall
    blocks = [(b, score) for b in spec.blocks if (score := data.scores.blocks[b.key]) is not None]
    rows_by_pillar: dict[str, list[DimensionRow]] = {}
    for row in context.dimension_rows:
        rows_by_pillar.setdefault(row.pillar.key, []).append(row)
    dimension_groups = [
        (block, block_score, [(pillar, score, rows_by_pillar.get(pillar.key, []))
                              for pillar, score in pillars])
        for block, block_score, pillars in context.block_rows
    ]
    return ReportContext(
        **_template_context(context),
        dimension_groups=dimension_groups,
        generated_on=timezone.localdate(),
        report_date=_report_date(assessment),
        is_draft=assessment.is_draft,
        standing=STANDING[int(overall)] if overall is not None else None,
        strongest=[(spec.dimensions[k], b) for k, b in strongest],
        weakest=[(spec.dimensions[k], b) for k, b in weakest],
        profile_is_level=level,
        **_block_contrast(blocks),
        answered_count=len(answered),
        not_applicable=[spec.dimensions[k] for k, b in data.scores.dimensions.items()
                        if b is None and k not in data.scores.unknown],
        not_known=[spec.dimensions[k] for k in data.scores.unknown],
        objective_names=[c.name for c in spec.objectives if c.key in assessment.objectives],
        cost_shares=_cost_shares(spec, assessment.cost_profile),
        programme_facts=facts,
        sources=[facts[slug] for slug in dict.fromkeys(shown) if slug in facts],
        advisor_notes=advisor_notes_for(assessment, organisation_id=organisation_id),
        progress=progress_since_previous(assessment, spec, organisation_id=organisation_id),
        framework=assessment.framework,
    )


# Blocks are called strongest and weakest only when they differ by at least half a band: a 0.1
# difference between self-rated means says nothing (user trial D12).
BLOCK_CONTRAST = 0.5


def _block_contrast(blocks: list[tuple[Any, float]]) -> dict[str, Any]:
    strongest = max(blocks, key=lambda bs: bs[1], default=None)
    weakest = min(blocks, key=lambda bs: bs[1], default=None)
    if strongest is None or weakest is None or strongest[1] - weakest[1] < BLOCK_CONTRAST:
        return {"strongest_block": None, "weakest_block": None}
    return {"strongest_block": strongest, "weakest_block": weakest}


def programme_facts(slugs: list[str]) -> dict[str, ProgrammeFacts]:
    """Offer, delivering institutions and source of the given programmes, in one query each."""
    if not slugs:
        return {}
    rows = Programme.objects.filter(slug__in=slugs).prefetch_related("institutions")
    return {p.slug: ProgrammeFacts(
        slug=p.slug,
        name=p.name,
        institutions=tuple(i.name for i in p.institutions.all()),
        offer=_offer(p),
        source_title=p.source_title,
        source_url=p.source_url,
        facts_as_of=p.facts_as_of,
        updated_at=p.updated_at,
    ) for p in rows}


def _offer(programme: Programme) -> str:
    parts = []
    if programme.amount_max is not None:
        amount = f"{programme.amount_max:,.0f}"
        parts.append(f"up to {programme.amount_currency} {amount}".replace("  ", " "))
    if programme.match_rate_percent is not None:
        parts.append(f"{programme.match_rate_percent}% of eligible costs")
    text = ", ".join(parts)
    if programme.budget_note:
        text = f"{text}. {programme.budget_note}" if text else programme.budget_note
    return text[:1].upper() + text[1:] if text else ""


def _cost_shares(spec: FrameworkSpec, cost_profile: dict) -> list[tuple[str, float]]:
    positive = {k: float(v) for k, v in (cost_profile or {}).items()
                if k in spec.cost_keys and v and float(v) > 0}
    total = sum(positive.values())
    return [(c.name, positive[c.key] / total) for c in spec.cost_categories
            if c.key in positive] if total else []


def _report_date(assessment: Assessment) -> datetime.date:
    """The date a report is about: its submission, or today for a draft."""
    if assessment.submitted_at is not None:
        return timezone.localdate(assessment.submitted_at)
    return timezone.localdate()


def report_fingerprint(context: ReportContext) -> str:
    """A SHA-256 of everything the report shows, to know when a stored PDF is stale.

    The matching date itself is left out on purpose: a stored report says when programmes were
    checked, and it is replaced when a match, a near miss, a blocker or a programme's facts
    change, not merely because a day has passed.
    """
    assessment = context.assessment
    data = context.results
    match_result = context.match_result
    facts = context.programme_facts
    shown = {
        "layout": REPORT_LAYOUT_VERSION,
        # The same report in another language is another PDF (issue 17).
        "language": get_language(),
        "framework": data.spec.version,
        "status": assessment.status,
        "submitted_at": assessment.submitted_at.isoformat() if assessment.submitted_at else None,
        "profile": [assessment.company_name, assessment.country, assessment.region,
                    assessment.employees, str(assessment.turnover), assessment.turnover_currency,
                    assessment.sector, assessment.is_synthetic],
        "objectives": assessment.objectives,
        "cost_profile": assessment.cost_profile,
        "bands": data.scores.dimensions,
        "unknown": list(data.scores.unknown),
        "confidence": dataclasses.asdict(context.confidence) if context.confidence
        else None,
        "evidence": data.evidence,
        "evidence_kinds": data.evidence_kinds,
        "targets": data.targets,
        "target_source": data.target_source,
        "peers_enough": data.peer_count >= 10,
        "peers": ([context.peers.firms] + [r.quartiles.as_dict() if r.quartiles else None
                                           for r in context.peers.rows]
                  if context.peers else None),
        "weights": data.weights,
        "priorities": [p.as_dict() for p in data.priorities],
        "matches": [[m.slug, m.relevance, m.reasons] for m in match_result.matches],
        "near_misses": [[n.slug, [b.as_dict() for b in n.blockers]]
                        for n in match_result.near_misses_here],
        "programmes": {slug: [f.updated_at.isoformat(), f.offer, f.institutions]
                       for slug, f in sorted(facts.items())},
        "progress": ([str(context.progress.previous_date),
                      [[r[0].key, r[1], r[2]] for r in context.progress.rows]]
                     if context.progress else None),
        "plan": context.plan.as_list(),
        "plan_targets": assessment.plan_targets,
        "notes": [[n.author, n.organisation, n.created_at.isoformat(), n.text, list(n.actions),
                   n.internal]
                  for n in context.advisor_notes],
    }
    # Reasons quote the matching date ("open as of 3 March"); drop it so that days passing alone
    # do not invalidate a stored report.
    as_of = match_result.as_of
    encoded = json.dumps(shown, sort_keys=True, default=str)
    for text in {f"{as_of.day} {as_of:%B %Y}", as_of.isoformat()}:
        encoded = encoded.replace(text, "AS_OF")
    return hashlib.sha256(encoded.encode()).hexdigest()
