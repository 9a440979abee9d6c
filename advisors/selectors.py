"""Reads of the advisor workspace: caseload, peers, progress, analytics and exports."""

from __future__ import annotations

import dataclasses
import datetime
import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

import pandas as pd
from django.db import connection
from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery, TextField
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.utils import timezone

from advisors.cohorts import (
    MIN_COHORT,
    PeerComparison,
    compare_with_peers,
    size_band,
    size_band_label,
    size_band_range,
)
from advisors.impact import FirmJourney
from advisors.kpi import Award, ServedFirm
from advisors.models import Action, Organisation, Referral, Share
from advisors.policy import (
    COVERAGE_FROM,
    PolicyFirm,
    StatusCheck,
    Transfer,
    blocker_decomposition,
    blockers_frame,
    coverage_frame,
    coverage_over_time,
    data_freshness,
    firm_classes,
    freshness_frame,
    gap_frames,
    months_between,
    need_offer_gap,
    policy_transfer,
    transfer_frame,
)
from programmes.matching import TOP_PRIORITIES, FirmProfile, check_eligibility
from programmes.models import Programme
from programmes.selectors import profile_of, programme_records
from readiness.framework import FrameworkSpec
from readiness.models import Assessment
from readiness.prioritisation import TopDimensions
from readiness.reference import region_label, sector_label
from readiness.selectors import credible_submissions, priority_weights, sector_targets
from readiness.services import framework_current

CASELOAD_SORTS = {
    "shared": "shared_at",
    "firm": "assessment__company_name",
    "score": "assessment__overall_score",
    "employees": "assessment__employees",
    "status": "status",
}


@dataclass(frozen=True)
class CaseloadFilters:
    q: str = ""
    status: str = ""
    country: str = ""
    region: str = ""
    sector: str = ""
    size: str = ""
    assigned: str = ""  # "", "me", "none"
    sort: str = "shared"
    descending: bool = True
    shared_from: datetime.date | None = None
    shared_to: datetime.date | None = None
    overdue: bool = False


def active_shares(organisation: Organisation | None) -> QuerySet[Share]:
    """Active shares of submitted assessments; every organisation's when ``organisation`` is None."""
    # Only submitted assessments can be shared (services.share_create) and a submitted one stays
    # submitted, so no join to the assessment is needed here: the count of a large caseload
    # then runs on the share index alone.
    shares = Share.objects.filter(withdrawn_at__isnull=True)
    if organisation is not None:
        shares = shares.filter(organisation=organisation)
    return shares


def _same_case(**outer: str) -> dict:
    """Filters for the shares of one case: the same firm, organisation, still shared."""
    return {"organisation": OuterRef(outer.get("organisation", "organisation")),
            "assessment__firm_id": OuterRef(outer.get("firm", "assessment__firm_id")),
            "withdrawn_at__isnull": True}


def case_shares(share: Share) -> QuerySet[Share]:
    """Every active share of the firm's assessments with this organisation: one case."""
    return Share.objects.filter(organisation_id=share.organisation_id, withdrawn_at__isnull=True,
                                assessment__firm_id=share.assessment.firm_id)


def case_latest_share(share: Share) -> Share:
    """The case's row in the caseload: the share of the firm's latest submitted assessment."""
    return case_shares(share).order_by("-assessment__submitted_at", "-pk").first() or share


def caseload(*, organisation: Organisation | None, filters: CaseloadFilters, user=None
             ) -> QuerySet[Share]:
    """One row per case (firm and organisation): the share of its latest assessment, with the
    previous shared score for the trend, the number of assessments and the next action due."""
    newer = Share.objects.filter(**_same_case(),
                                 assessment__submitted_at__gt=OuterRef("assessment__submitted_at"))
    earlier = Share.objects.filter(**_same_case(),
                                   assessment__submitted_at__lt=OuterRef("assessment__submitted_at"))
    open_actions = Action.objects.filter(
        **{f"share__{key}": value for key, value in _same_case().items()},
        done=False, due_date__isnull=False)
    shares = active_shares(organisation).filter(~Exists(newer))
    if filters.overdue:
        shares = shares.filter(Exists(open_actions.filter(due_date__lt=timezone.localdate())))
    shares = shares.annotate(
        previous_score=Subquery(earlier.order_by("-assessment__submitted_at")
                                .values("assessment__overall_score")[:1]),
        assessments_in_case=Subquery(earlier.values("organisation").annotate(n=Count("pk"))
                                     .values("n")[:1]),
        next_action_due=Subquery(open_actions.order_by("due_date").values("due_date")[:1]),
    )
    if filters.q:
        shares = shares.filter(assessment__company_name__icontains=filters.q.strip()[:100])
    if filters.status:
        shares = shares.filter(status=filters.status)
    if filters.country:
        shares = shares.filter(assessment__country=filters.country.upper())
    if filters.region:
        shares = shares.filter(assessment__region__iexact=filters.region)
    if filters.sector:
        shares = shares.filter(assessment__sector=filters.sector)
    if filters.size:
        low, high = size_band_range(filters.size)
        shares = shares.filter(assessment__employees__gte=low)
        if high is not None:
            shares = shares.filter(assessment__employees__lte=high)
    if filters.assigned == "me" and user is not None:
        shares = shares.filter(assigned_advisor=user)
    elif filters.assigned == "none":
        shares = shares.filter(assigned_advisor__isnull=True)
    if filters.shared_from:
        shares = shares.filter(shared_at__date__gte=filters.shared_from)
    if filters.shared_to:
        shares = shares.filter(shared_at__date__lte=filters.shared_to)
    field = CASELOAD_SORTS.get(filters.sort, "shared_at")
    order = f"-{field}" if filters.descending else field
    return shares.select_related("assessment", "assigned_advisor").order_by(order, "-pk")


def peer_comparison(assessment: Assessment, spec: FrameworkSpec) -> PeerComparison:
    """Peers: other firms' latest credible submitted assessments in the same sector, size band
    and country, narrowed to the firm's region when that still leaves enough of them."""
    band = size_band(assessment.employees)
    low, high = size_band_range(band)
    # Only credible submissions, never synthetic ones (docs/benchmarks.md; security review F6).
    peers = credible_submissions(framework_version=spec.version).filter(
        framework=assessment.framework,
        sector=assessment.sector, country=assessment.country, employees__gte=low,
    ).exclude(firm_id=assessment.firm_id)
    if high is not None:
        peers = peers.filter(employees__lte=high)
    rows = list(peers.order_by("firm_id", "-submitted_at")
                .values_list("firm_id", "region", "scores"))
    latest: dict[int, tuple[str, Any]] = {}
    for firm_id, region, scores in rows:
        latest.setdefault(firm_id, (region, scores))
    where = assessment.country_name
    chosen = list(latest.values())
    if assessment.region:
        in_region = [row for row in chosen if row[0].casefold() == assessment.region.casefold()]
        if len(in_region) >= MIN_COHORT:
            chosen, where = in_region, f"{assessment.region_name}, {assessment.country_name}"
    description = (f"{sector_label(assessment.sector)}, {size_band_label(band).lower()} "
                   f"employees, {where}")
    bands = (assessment.scores or {}).get("dimensions", {})
    return compare_with_peers(
        spec.dimension_keys, bands,
        [(scores or {}).get("dimensions", {}) for _, scores in chosen],
        description=description,
    )


def case_funnel(shares: QuerySet[Share]) -> list[tuple[str, str, int]]:
    """How many of these cases stand at each status, in the order a case moves through them."""
    cases = Share.objects.filter(pk__in=shares.values("pk"))
    counts = dict(cases.order_by().values_list("status").annotate(n=Count("pk")))
    return [(value, label, counts.get(value, 0)) for value, label in Share.Status.choices]


def firm_history(share: Share) -> list[Assessment]:
    """The firm's submitted assessments that are shared with this organisation, oldest first."""
    return list(
        Assessment.objects.filter(
            firm_id=share.assessment.firm_id, status=Assessment.Status.SUBMITTED,
            shares__organisation=share.organisation, shares__withdrawn_at__isnull=True,
        ).order_by("submitted_at")
    )


def assessments_frame(shares: QuerySet[Share], spec: FrameworkSpec) -> pd.DataFrame:
    """One row per shared assessment with its profile, status and every band and pillar score."""
    rows = shares.values_list(
        "pk", "status", "shared_at", "assigned_advisor__username",
        "assessment__public_id", "assessment__company_name", "assessment__country",
        "assessment__region", "assessment__sector", "assessment__employees",
        "assessment__turnover", "assessment__turnover_currency",
        "assessment__submitted_at", "assessment__overall_score", "assessment__scores",
        "assessment__is_synthetic",
    )
    records = []
    for (pk, status, shared_at, advisor, public_id, name, country, region, sector, employees,
         turnover, currency, submitted_at, overall, scores,
         synthetic) in rows.iterator(chunk_size=2000):
        scores = scores or {}
        record = {
            "share_id": pk, "assessment": str(public_id), "firm": name,
            "synthetic": synthetic, "country": country, "region": region,
            "region_name": region_label(country, region), "sector": sector,
            "employees": employees, "size_band": size_band(employees),
            "turnover": turnover, "turnover_currency": currency, "status": status,
            "assigned_advisor": advisor or "", "shared_at": shared_at,
            "submitted_at": submitted_at, "overall": overall,
        }
        for key in spec.dimension_keys:
            record[key] = (scores.get("dimensions") or {}).get(key)
        for key in spec.pillar_keys:
            record[f"pillar_{key}"] = (scores.get("pillars") or {}).get(key)
        records.append(record)
    columns = ["share_id", "assessment", "firm", "synthetic", "country", "region", "region_name",
               "sector", "employees", "size_band", "turnover", "turnover_currency", "status",
               "assigned_advisor", "shared_at",
               "submitted_at", "overall", *spec.dimension_keys,
               *[f"pillar_{k}" for k in spec.pillar_keys]]
    frame = pd.DataFrame.from_records(records, columns=columns)
    for column in ("shared_at", "submitted_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True).dt.tz_localize(None)
    return frame


@dataclass(frozen=True)
class Analytics:
    count: int
    synthetic: int
    distribution: pd.DataFrame  # rows: dimensions; columns: band 0..5 and "n/a"
    pillars_by_region: pd.DataFrame
    pillars_by_sector: pd.DataFrame
    programme_matches: pd.DataFrame  # programme, name, firms eligible
    counted: int = 0  # the assessments the figures are drawn from (synthetic ones left out)


def analytics(frame: pd.DataFrame, spec: FrameworkSpec, *, as_of: datetime.date | None = None
              ) -> Analytics:
    """Band distribution, pillar averages by region and sector, and programme eligibility
    counts, all from the frame of ``assessments_frame`` (no further query per assessment)."""
    # Synthetic (demo) firms never count beside real ones (docs/benchmarks.md): they are counted
    # apart and left out of every figure. A caseload of demo firms only (the demo hub) is shown
    # as it is, under the page's "synthetic" banner.
    everything = frame
    if not frame.empty and (~frame["synthetic"].astype(bool)).any():
        frame = frame[~frame["synthetic"].astype(bool)]
    dims = list(spec.dimension_keys)
    distribution = pd.DataFrame(
        {str(band): [(frame[d] == band).sum() for d in dims] for band in range(6)}, index=dims)
    distribution["n/a"] = [frame[d].isna().sum() for d in dims]
    pillar_columns = [f"pillar_{k}" for k in spec.pillar_keys]
    renamed = {f"pillar_{k}": p.name for k, p in spec.pillars.items()}

    def by(column: str) -> pd.DataFrame:
        if frame.empty:
            return pd.DataFrame(columns=["firms", *renamed.values()])
        grouped = frame.groupby(column)[pillar_columns].mean().rename(columns=renamed)
        grouped.insert(0, "firms", frame.groupby(column).size())
        return grouped.sort_index()

    by_region = by("region_name")
    by_sector = by("sector")
    if not by_sector.empty:
        by_sector.index = [sector_label(s) for s in by_sector.index]

    records = programme_records()
    day = as_of or timezone.localdate()
    counts = dict.fromkeys((r.slug for r in records), 0)
    for row in frame.itertuples(index=False):  # a row has the profile fields of an assessment
        profile = profile_of(row)
        for record in records:
            blockers = check_eligibility(profile, record, day)[0]
            if not blockers:
                counts[record.slug] += 1
    programme_matches = pd.DataFrame(
        [{"programme": r.slug, "name": r.name, "country": r.country, "firms": counts[r.slug]}
         for r in records],
        columns=["programme", "name", "country", "firms"],
    ).sort_values(["firms", "name"], ascending=[False, True])
    return Analytics(len(everything),
                     int(everything["synthetic"].sum()) if not everything.empty else 0,
                     distribution, by_region, by_sector, programme_matches,
                     counted=len(frame))


def sharing_options(assessment: Assessment) -> dict:
    """Organisations the firm can share with (those covering its region first), and its shares."""
    organisations = list(Organisation.objects.prefetch_related("coverage").order_by("name"))
    active = set(
        Share.objects.filter(assessment=assessment, withdrawn_at__isnull=True)
        .values_list("organisation_id", flat=True))
    local = [o for o in organisations if o.covers(assessment.country, assessment.region)]
    others = [o for o in organisations if o not in local]
    return {"local": local, "others": others, "active": active,
            "shared": [o for o in organisations if o.pk in active],
            "share_again": previous_share_organisations(assessment)}


def previous_share_organisations(assessment: Assessment) -> list[Organisation]:
    """Organisations the firm's previous assessment is still shared with and this one is not:
    a re-assessment offers to share with them in one click (user trial D7)."""
    if assessment.is_draft or assessment.previous_id is None:
        return []
    already = Share.objects.filter(assessment=assessment, withdrawn_at__isnull=True
                                   ).values("organisation_id")
    return list(Organisation.objects.filter(
        shares__assessment_id=assessment.previous_id, shares__withdrawn_at__isnull=True,
    ).exclude(pk__in=already).distinct().order_by("name"))


def member_caseload(request, *, organisation: Organisation | None | Literal[True] = True
                    ) -> QuerySet[Share]:
    """The caseload a signed-in member asked for with the request's query parameters.

    ``organisation=True`` (the default) scopes it to the member's organisation; pass an
    organisation or None (every organisation) for a programme manager's wider view.
    """
    scope = request.membership.organisation if organisation is True else organisation
    filters = filters_from(request.GET, allowed_statuses=Share.Status.values)
    return caseload(organisation=scope, filters=filters, user=request.user)


def filters_from(params, *, allowed_statuses) -> CaseloadFilters:
    """Caseload filters from query parameters; anything unknown is ignored, never an error."""
    def date(value: str | None) -> datetime.date | None:
        try:
            return datetime.date.fromisoformat(value) if value else None
        except ValueError:
            return None

    def text(name: str, limit: int) -> str:
        # NUL cannot be stored or compared in PostgreSQL text; no real filter contains one.
        return params.get(name, "").replace("\x00", "")[:limit]

    status = params.get("status", "")
    size = params.get("size", "")
    return CaseloadFilters(
        q=text("q", 100),
        status=status if status in allowed_statuses else "",
        country=text("country", 2),
        region=text("region", 64),
        sector=text("sector", 2),
        size=size if size in {"micro", "small", "medium", "large"} else "",
        assigned=params.get("assigned", "") if params.get("assigned") in {"me", "none"} else "",
        sort=params.get("sort", "shared") if params.get("sort") in CASELOAD_SORTS else "shared",
        descending=params.get("dir", "desc") != "asc",
        shared_from=date(params.get("date_from")),
        shared_to=date(params.get("date_to")),
        overdue=params.get("due") == "overdue",
    )


def referral_steps(case: QuerySet[Share]) -> dict[int, list]:
    """Each referral's recorded steps, oldest first, for one case in one query."""
    steps: dict[int, list] = defaultdict(list)
    for record in Referral.history.filter(share_id__in=case.values("pk")).order_by("history_date"):
        steps[record.id].append(record)
    return steps


# A referral counts as support received once the programme said yes (or went further).
SUPPORT_RECEIVED = ("awarded", "project_done", "adopted")


def impact_journeys(organisation: Organisation | None) -> list[FirmJourney]:
    """Each firm of the scope as the impact estimate needs it: its first and latest shared
    overall score, and the programmes whose support it received through a referral.

    Synthetic firms count only in a synthetic (demo) organisation's own view, which says so.
    """
    shares = active_shares(organisation)
    if organisation is None or not organisation.is_synthetic:
        shares = shares.filter(assessment__is_synthetic=False)
    rows = (shares.order_by("assessment__submitted_at")
            .values_list("assessment__firm_id", "assessment_id", "assessment__submitted_at",
                         "assessment__overall_score", "organisation__name"))
    scores: dict[int, dict[int, tuple[datetime.datetime, float]]] = defaultdict(dict)
    organisations: dict[int, set[str]] = defaultdict(set)
    for firm_id, assessment_id, submitted_at, overall_score, organisation_name in rows:
        if overall_score is not None:
            scores[firm_id][assessment_id] = (submitted_at, overall_score)
            organisations[firm_id].add(organisation_name)
    supported: dict[int, set[str]] = defaultdict(set)
    for firm_id, programme in (Referral.objects.filter(share__in=shares,
                                                        status__in=SUPPORT_RECEIVED)
                               .values_list("share__assessment__firm_id", "programme_name")):
        supported[firm_id].add(programme)
    journeys = []
    for firm_id, by_assessment in scores.items():
        ordered = sorted(by_assessment.values())
        journeys.append(FirmJourney(
            firm_id=firm_id, supported=firm_id in supported,
            first_score=ordered[0][1],
            latest_score=ordered[-1][1] if len(ordered) > 1 else None,
            programmes=tuple(sorted(supported.get(firm_id, ()))),
            organisations=tuple(sorted(organisations[firm_id])),
            cohort=str(ordered[0][0].year)))
    return journeys


def caseload_labels(frame: pd.DataFrame, spec: FrameworkSpec) -> pd.DataFrame:
    """The caseload table as people read it: names instead of keys and codes."""
    readable = frame.copy()
    if "status" in readable:
        readable["status"] = readable["status"].map(dict(Share.Status.choices)).fillna(
            readable["status"])
    if "size_band" in readable:
        readable["size_band"] = readable["size_band"].map(size_band_label)
    if "sector" in readable:
        readable["sector"] = [sector_label(code) for code in readable["sector"]]
    names = {"share_id": "Case", "assessment": "Assessment", "firm": "Firm",
             "synthetic": "Synthetic", "country": "Country", "region": "Region code",
             "region_name": "Region", "sector": "Sector", "employees": "Employees",
             "size_band": "Size", "turnover": "Turnover", "turnover_currency": "Currency",
             "status": "Case status", "assigned_advisor": "Advisor", "shared_at": "Shared",
             "submitted_at": "Submitted", "overall": "Overall score"}
    names |= {key: dim.name for key, dim in spec.dimensions.items()}
    names |= {f"pillar_{key}": f"{pillar.name} (pillar)" for key, pillar in spec.pillars.items()}
    return readable.rename(columns=names)


def monthly_kpi_inputs(organisation: Organisation | None, start: datetime.date,
                       end: datetime.date) -> tuple[list[ServedFirm], list[Award]]:
    """The firms an organisation served in [start, end) and the awards recorded in it.

    Served: a case opened or renewed (a share), or a referral made, in the month. Synthetic firms
    count only in a synthetic (demo) organisation's own view.
    """
    shares = active_shares(organisation)
    if organisation is None or not organisation.is_synthetic:
        shares = shares.filter(assessment__is_synthetic=False)
    new_shares = shares.filter(shared_at__date__gte=start, shared_at__date__lt=end)
    referrals = Referral.objects.filter(share__in=shares, created_at__date__gte=start,
                                        created_at__date__lt=end)
    kinds: dict[int, set[str]] = defaultdict(set)
    for firm_id, kind in referrals.values_list("share__assessment__firm_id",
                                               "programme__kinds__key"):
        if kind:
            kinds[firm_id].add(kind)
    awarded = {}
    for record in (Referral.history.filter(share_id__in=shares.values("pk"), status="awarded",
                                           status_date__gte=start, status_date__lt=end)
                   .order_by("history_date")):
        awarded[record.id] = record  # the last word on each referral's award
    awards = [Award(r.currency, r.grant_amount or Decimal(0), r.own_investment or Decimal(0))
              for r in awarded.values()]
    firm_ids = (set(new_shares.values_list("assessment__firm_id", flat=True))
                | set(referrals.values_list("share__assessment__firm_id", flat=True))
                | set(Share.objects.filter(pk__in=[r.share_id for r in awarded.values()])
                      .values_list("assessment__firm_id", flat=True)))
    history: dict[int, list[tuple]] = defaultdict(list)
    for row in (shares.filter(assessment__firm_id__in=firm_ids)
                .order_by("assessment__submitted_at")
                .values_list("assessment__firm_id", "assessment__submitted_at",
                             "assessment__overall_score", "assessment__employees",
                             "assessment__sector", "assessment__country", "assessment__region")):
        history[row[0]].append(row)
    served = []
    for firm_id, rows in history.items():
        latest = rows[-1]
        reassessed_now = (len(rows) > 1 and start <= latest[1].date() < end
                          and latest[2] is not None and rows[-2][2] is not None)
        served.append(ServedFirm(
            firm_id=firm_id, size=size_band_label(size_band(latest[3])),
            sector=sector_label(latest[4]), region=region_label(latest[5], latest[6]),
            support_kinds=tuple(sorted(kinds.get(firm_id, ()))),
            score_change=latest[2] - rows[-2][2] if reassessed_now else None))
    return served, awards


# The policy lens (issue 15 item 3) -------------------------------------------------------------


def policy_firms(*, demo: bool = False) -> list[PolicyFirm]:
    """Each assessed firm once (its latest submission) with its profile and top priorities, in
    one query: credible submissions of real firms, or with ``demo`` the labelled synthetic demo
    cohort (shared with the demo organisations) and nothing else."""
    framework = framework_current()
    spec = framework.spec
    if demo:
        assessments = Assessment.objects.filter(
            status=Assessment.Status.SUBMITTED, is_synthetic=True, framework=framework,
            shares__organisation__is_synthetic=True)
    else:
        assessments = credible_submissions(framework_version=spec.version)
    latest = assessments.order_by("firm_id", "-submitted_at", "-pk")
    if connection.features.can_distinct_on_fields:
        latest = latest.distinct("firm_id")  # PostgreSQL: older submissions stay in the database
    # Each submission's top priorities are stored with the basis they were ranked on
    # (readiness's benchmark refresh): where that basis is today's, they are read as they are.
    # Only the others are ranked here, from their bands (read as text, decoded only for them)
    # and their objectives and cost profiles (which repeat: decoded once each).
    rows = latest.annotate(
        bands_text=KeyTextTransform("dimensions", "scores"),
        objectives_text=Cast("objectives", TextField()),
        cost_profile_text=Cast("cost_profile", TextField()),
    ).values_list("firm_id", "country", "region", "employees", "sector", "turnover",
                  "turnover_currency", "top_dimensions", "top_dimensions_basis", "bands_text",
                  "objectives_text", "cost_profile_text")
    decoded: dict[str | None, Any] = {None: None}
    ranker = TopDimensions(spec, priority_weights())
    by_band: dict[tuple[str, str], tuple[dict[str, int], str]] = {}
    targets_of: dict[tuple[str, int], tuple[dict[str, int], str]] = {}
    stored_tops: dict[str, tuple[str, ...]] = {"": ()}
    profiles: dict[tuple[Any, ...], FirmProfile] = {}
    firms: list[PolicyFirm] = []
    unranked: list[int] = []  # positions in ``firms`` whose stored ranking is out of date
    answers: list[tuple[Any, Any, Any, dict[str, int]]] = []
    last = None
    for (firm_id, country, region, employees, sector, turnover, currency, top, basis, bands,
         objectives, cost_profile) in rows:
        if firm_id == last:
            continue  # an older submission of the same firm
        last = firm_id
        found = targets_of.get((sector, employees))
        if found is None:
            # Targets are per sector and size band: read once a band, kept per headcount.
            found = by_band.get((sector, size_band(employees)))
            if found is None:
                targets = sector_targets(spec, sector, employees)[0]
                found = by_band[(sector, size_band(employees))] = (targets, ranker.basis(targets))
            targets_of[(sector, employees)] = found
        targets, current = found
        # Firms of the same profile share one (immutable) object: fewer to build, and
        # ``firm_classes`` folds each profile once.
        place = (country, region, employees, sector, turnover, currency)
        profile = profiles.get(place)
        if profile is None:
            profile = profiles[place] = FirmProfile(
                country=country, region=region or "", employees=employees, sector=sector,
                turnover=turnover, turnover_currency=currency or "")
        if basis == current:
            ranked = stored_tops.get(top)
            if ranked is None:
                ranked = stored_tops[top] = tuple(top.split(","))
            firms.append(PolicyFirm(firm_id, profile, ranked))
            continue
        unranked.append(len(firms))
        firms.append(PolicyFirm(firm_id, profile))
        if objectives not in decoded:
            decoded[objectives] = json.loads(objectives)
        if cost_profile not in decoded:
            decoded[cost_profile] = json.loads(cost_profile)
        answers.append((json.loads(bands) if bands else {}, decoded[objectives] or (),
                        decoded[cost_profile], targets))
    for position, ranked in zip(unranked, ranker.top_many(answers, limit=TOP_PRIORITIES),
                                strict=True):
        firms[position] = dataclasses.replace(firms[position], top_priorities=ranked)
    return firms


def programme_status_checks() -> dict[str, list[StatusCheck]]:
    """Every status confirmed from a source that a programme's history records, by programme
    (one query): the status timeline the lens reads month by month."""
    checks: dict[str, set[StatusCheck]] = defaultdict(set)
    for slug, status, checked_on in (Programme.history.filter(status_checked_on__isnull=False)
                                     .exclude(status="unknown")
                                     .values_list("slug", "status", "status_checked_on")
                                     .distinct()):
        checks[slug].add(StatusCheck(status, checked_on))
    return {slug: sorted(found, key=lambda c: c.checked_on) for slug, found in checks.items()}


def programme_sources() -> list[dict[str, Any]]:
    """Each programme's sources and dates as the lens's exports cite them (one query)."""
    rows = []
    for values in Programme.objects.order_by("country", "name").values(
            "slug", "name", "country", "status", "status_checked_on", "status_source",
            "source_title", "source_url", "facts_as_of", "sources"):
        status_source = values.pop("status_source") or {}
        read = [s.get("read_on") for s in values.pop("sources") or [] if isinstance(s, dict)]
        rows.append({**values,
                     "status_source": status_source.get("title", ""),
                     "status_source_url": status_source.get("url", ""),
                     "sources_read": len(read),
                     "latest_source_read_on": max((r for r in read if r), default="")})
    return rows


@dataclass(frozen=True)
class PolicyLens:
    """Every table of the policy lens, suppressed, with the sources they rest on."""

    day: datetime.date
    demo: bool
    firms: int
    source: str
    target: str
    tables: dict[str, pd.DataFrame]
    transfer: Transfer
    unknown: list[tuple[str, str, str]]  # slug, name, country of programmes of unknown status
    computed_at: datetime.datetime | None = None


def policy_lens(*, day: datetime.date, demo: bool = False, source: str = "US",
                target: str = "GB") -> PolicyLens:
    """The policy lens on ``day`` (coverage runs monthly from 2018 to it): a few queries (the
    firms, the status history, the sources; the programme index when not already in hand),
    whatever the number of firms and programmes."""
    firms = policy_firms(demo=demo)
    records = programme_records()
    checks = programme_status_checks()
    classes = firm_classes(firms, records, day=day)
    months = months_between(COVERAGE_FROM, day)
    places, by_dimension = gap_frames(need_offer_gap(classes, records, day=day), day=day)
    transfer = policy_transfer(classes, records, source=source, target=target, day=day)
    tables = {
        "coverage": coverage_frame(coverage_over_time(classes, records, checks, months)),
        "blockers": blockers_frame(blocker_decomposition(classes, records, day=day), day=day),
        "gap": places,
        "gap by priority": by_dimension,
        "transfer": transfer_frame(transfer),
        "freshness": freshness_frame(data_freshness(records, day=day), day=day),
        "sources": pd.DataFrame(programme_sources()),
    }
    unknown = [(r.slug, r.name, r.country) for r in records if r.status == "unknown"]
    return PolicyLens(day, demo, len(firms), source, target, tables, transfer, unknown,
                      timezone.now())
