"""The policy lens for programme managers (issue 15 item 3), its exports, and the open
statistics endpoint that serves the same suppressed aggregates as JSON."""

from __future__ import annotations

import datetime
import math

import pandas as pd
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from advisors import selectors
from advisors.access import MemberRequest, advisor_required
from advisors.cohorts import MIN_COHORT
from advisors.forms import PolicyLensForm
from advisors.policy import COVERAGE_FROM
from advisors.views.workspace import _download
from config.ratelimit import rate_limit, retry_after_seconds
from programmes.models import Kind
from readiness.reference import country_name, region_label
from readiness.services import framework_current

# Export names (in URLs) of the lens's tables.
TABLES = {"coverage": "coverage", "blockers": "blockers", "gap": "gap",
          "gap-by-priority": "gap by priority", "transfer": "transfer",
          "freshness": "freshness", "sources": "sources"}
LENS_CACHE_SECONDS = 600

ABOUT = (
    "Firms: each assessed firm once, its latest credible submission (a verified contact or a "
    "case an advisory organisation worked); synthetic demo firms are never counted.",
    f"Cohort minimum: a group of fewer than {MIN_COHORT} firms shows no figures (suppressed).",
    "Open offer: a programme the firm is eligible for on the day whose status was confirmed "
    "open from a source within a year, or, before its first check, whose recorded dates show it "
    "running. A status nobody confirmed is unknown and is never counted as open.",
    "Coverage over time places today's assessed firms in each month since January 2018, with "
    "the programme statuses and dates recorded for that month.",
    "Figures are self-assessed by firms that chose to use this tool: they describe them, not "
    "every manufacturer of a region.",
)


def _region(country: str, region: str) -> str:
    return region_label(country, region) or region or "(no region given)"


def _lens_for(chosen: dict) -> selectors.PolicyLens:
    """The lens for these choices, computed once in ``LENS_CACHE_SECONDS`` for the page, its
    exports and the open statistics alike (over 100,000 firms it takes seconds)."""
    demo = chosen["cohort"] == "demo"
    key = f"policy-lens:{chosen['as_of']}:{demo}:{chosen['source']}:{chosen['target']}"
    lens = cache.get(key)
    if lens is None:
        lens = selectors.policy_lens(day=chosen["as_of"], demo=demo, source=chosen["source"],
                                     target=chosen["target"])
        cache.set(key, lens, LENS_CACHE_SECONDS)
    return lens


def _lens(request: HttpRequest) -> tuple[PolicyLensForm, dict, selectors.PolicyLens]:
    form = PolicyLensForm(request.GET or None,
                          initial={**PolicyLensForm.DEFAULTS, "as_of": timezone.localdate()})
    chosen = form.choices()
    return form, chosen, _lens_for(chosen)


def _percent(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{value * 100:.0f} %"


def coverage_table(frame: pd.DataFrame, *, country: str, kind: str, day: datetime.date) -> dict:
    """Regions down, the January of each year and the latest month across: the share of firms
    with an open offer of ``kind``, or why there is none."""
    months = [f"{year}-01" for year in range(COVERAGE_FROM.year, day.year + 1)]
    if day.strftime("%Y-%m") not in months:
        months.append(day.strftime("%Y-%m"))
    chosen = frame[(frame["country"] == country) & (frame["kind"] == kind)]
    every_month = sorted(chosen["month"].unique())
    rows = []
    for region, cells in chosen.groupby("region", sort=True):
        by_month = {row.month: row for row in cells.itertuples(index=False)}
        # A line of every month (2 px each, 0 % at the bottom); suppressed months break it.
        segments: list[list[str]] = [[]]
        for x, month in enumerate(every_month):
            row = by_month.get(month)
            if row is None or row.suppressed:
                segments.append([])
                continue
            segments[-1].append(f"{x * 2},{22 - 20 * row.share_with_open_offer:.1f}")
        lines = [" ".join(points) for points in segments if points]
        values = []
        for month in months:
            row = by_month.get(month)
            if row is None or row.suppressed:
                values.append({"text": "suppressed", "title": f"fewer than {MIN_COHORT} firms",
                               "suppressed": True})
            else:
                values.append({"text": _percent(row.share_with_open_offer),
                               "title": f"{int(row.with_open_offer)} of {int(row.firms)} firms; "
                                        f"{int(row.only_unknown_status)} only with offers of "
                                        "unknown status", "suppressed": False})
        rows.append({"region": _region(country, region), "values": values, "lines": lines})
    return {"months": months, "rows": rows, "width": max(len(every_month) * 2, 2)}


@require_GET
@advisor_required
def policy_page(request: MemberRequest) -> HttpResponse:
    form, chosen, lens = _lens(request)
    spec = framework_current().spec
    country, kind = chosen["country"], chosen["kind"]
    kinds = dict(Kind.choices)
    tables = lens.tables
    blockers = tables["blockers"][tables["blockers"]["country"] == country]
    gap = tables["gap"][tables["gap"]["country"] == country].copy()
    gap["region"] = [_region(country, r) for r in gap["region"]]
    gap["share_first_priority_without"] = [_percent(v) for v in gap["share_first_priority_without"]]
    by_priority = tables["gap by priority"]
    by_priority = by_priority[(by_priority["country"] == country) & ~by_priority["suppressed"]]
    worst = (by_priority.assign(region=[_region(country, r) for r in by_priority["region"]],
                                dimension=[spec.dimensions[d].name if d in spec.dimensions else d
                                           for d in by_priority["dimension"]])
             .sort_values(["share_without", "firms_with_it_as_top_priority"],
                          ascending=[False, False]).head(10))
    freshness_columns = [c for c in tables["freshness"].columns if c not in ("status", "as_of")]
    transfer = tables["transfer"].copy()
    transfer["kind"] = [str(kinds.get(k, k)) for k in transfer["kind"]]
    return render(request, "advisors/policy.html", {
        "form": form, "lens": lens, "chosen": chosen, "min_cohort": MIN_COHORT,
        "country_name": country_name(country), "kind_label": kinds.get(kind, kind),
        "coverage": coverage_table(tables["coverage"], country=country, kind=kind, day=lens.day),
        "blockers": blockers.to_dict("records"), "gap": gap.to_dict("records"),
        "worst": worst.to_dict("records"), "transfer": transfer.to_dict("records"),
        "source_name": country_name(lens.source), "target_name": country_name(lens.target),
        "freshness": [(row["status"], [row[c] for c in freshness_columns])
                      for row in tables["freshness"].to_dict("records")],
        "freshness_columns": freshness_columns,
        "query": request.GET.urlencode(), "about": ABOUT,
        "exports": list(TABLES.items()),
    })


def _about(lens: selectors.PolicyLens) -> pd.DataFrame:
    computed = lens.computed_at or timezone.now()
    facts = [("Computed on", computed.strftime("%Y-%m-%d %H:%M UTC")),
             ("As of", lens.day.isoformat()),
             ("Firms", "the synthetic demo cohort: NOT statistics" if lens.demo
              else "assessed firms (credible submissions of real firms)"),
             ("Firms counted", str(lens.firms) if lens.firms >= MIN_COHORT
              else f"fewer than {MIN_COHORT}"),
             ("Programme sources", "the sheet 'sources': each programme's source, the date its "
                                   "facts were true, its status and the day it was checked")]
    facts += [("Note", line) for line in ABOUT]
    return pd.DataFrame(facts, columns=["about", "value"])


@require_GET
@advisor_required
def policy_export(request: MemberRequest, table: str, fmt: str) -> HttpResponse:
    if table not in TABLES:
        raise Http404("No such table.")
    _form, _chosen, lens = _lens(request)
    name = f"policy-{table}{'-demo' if lens.demo else ''}-{lens.day.isoformat()}"
    frame = lens.tables[TABLES[table]]
    if fmt == "csv":
        return _download(frame, name, fmt)
    sheets = {TABLES[table]: frame, "about": _about(lens)}
    if table != "sources":
        sheets["sources"] = lens.tables["sources"]
    return _download(sheets, name, fmt)


def _json_value(key: str, value):
    """A cell as JSON: None for an empty figure (JSON has no NaN), counts as whole numbers."""
    if hasattr(value, "item"):
        value = value.item()  # a numpy scalar
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer() and not key.startswith("share"):
            return int(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _json_rows(frame: pd.DataFrame) -> list[dict]:
    return [{key: _json_value(key, value) for key, value in row.items()}
            for row in frame.to_dict("records")]


def _too_many(request: HttpRequest, rate: str) -> JsonResponse:
    response = JsonResponse({"errors": {"rate": [f"Too many requests (limit {rate}); try again "
                                                 "shortly."]}}, status=429)
    response["Retry-After"] = str(retry_after_seconds(rate))
    return response


@require_GET
@rate_limit("api", response=_too_many)
def statistics(request: HttpRequest) -> JsonResponse:
    """GET /api/v1/statistics: the policy lens's suppressed aggregates of real assessed firms,
    open to anyone (no firm can be singled out from them). ``as_of``, ``source`` and
    ``target`` as on the page; a bad value is a 400 naming it."""
    form = PolicyLensForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return JsonResponse({"errors": {name: [str(m) for m in messages]
                                        for name, messages in form.errors.items()}}, status=400)
    chosen = form.choices()
    if chosen["cohort"] == "demo":
        return JsonResponse({"errors": {"cohort": ["The open statistics count real firms only; "
                                                   "the demo cohort is in the advisor pages."]}},
                            status=400)
    lens = _lens_for(chosen)
    body = {
        "as_of": lens.day.isoformat(),
        "computed_at": (lens.computed_at or timezone.now()).isoformat(timespec="seconds"),
        "cohort_minimum": MIN_COHORT,
        "firms": lens.firms if lens.firms >= MIN_COHORT else None,
        "notes": list(ABOUT),
        "tables": {TABLES_JSON.get(name, name): _json_rows(frame)
                   for name, frame in lens.tables.items()},
    }
    return JsonResponse(body)


TABLES_JSON = {"gap by priority": "gap_by_priority"}
