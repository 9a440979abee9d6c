"""The monthly KPI report of an organisation, on a page and as CSV/XLSX."""

from __future__ import annotations

import datetime

import pandas as pd
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from advisors import selectors
from advisors.access import advisor_required
from advisors.kpi import MonthlyKpis, monthly_kpis
from advisors.views.workspace import _download, _scope
from programmes.models import Kind


def _month(request: HttpRequest) -> datetime.date:
    """The month asked for (?month=2026-10), else this month so far; nonsense is ignored."""
    today = timezone.localdate()
    try:
        first = datetime.date.fromisoformat(request.GET.get("month", "") + "-01")
    except ValueError:
        first = today.replace(day=1)
    return min(first, today.replace(day=1))


def _report(request: HttpRequest) -> tuple[MonthlyKpis, object]:
    scope = _scope(request)
    start = _month(request)
    end = (start + datetime.timedelta(days=32)).replace(day=1)
    served, awards = selectors.monthly_kpi_inputs(scope, start, end)
    return monthly_kpis(start.strftime("%Y-%m"), served, awards), scope


def _tables(report: MonthlyKpis) -> dict[str, pd.DataFrame]:
    kinds = dict(Kind.choices)
    return {
        "firms served": pd.DataFrame([("All firms", report.firms_served),
                                      ("Re-assessed this month", report.reassessed)],
                                     columns=["Firms", "Number"]),
        "by size": pd.DataFrame(report.by_size, columns=["Size", "Firms"]),
        "by sector": pd.DataFrame(report.by_sector, columns=["Sector", "Firms"]),
        "by region": pd.DataFrame(report.by_region, columns=["Region", "Firms"]),
        "by kind of support": pd.DataFrame([(str(kinds.get(k, k)), n)
                                            for k, n in report.by_support_kind],
                                           columns=["Kind of support", "Firms"]),
        "investment": pd.DataFrame([(c, float(g), float(o), float(t))
                                    for c, g, o, t in report.investment],
                                   columns=["Currency", "Grants awarded", "Firms' own investment",
                                            "Investment triggered"]),
    }


@require_GET
@advisor_required
def kpi_page(request: HttpRequest) -> HttpResponse:
    report, scope = _report(request)
    return render(request, "advisors/kpi.html", {
        "report": report, "scope": scope or "all organisations",
        "to_date": report.month == timezone.localdate().strftime("%Y-%m"),
        "synthetic": scope is not None and scope.is_synthetic,
        "tables": {name: table for name, table in _tables(report).items() if name != "firms served"},
    })


@require_GET
@advisor_required
def kpi_export(request: HttpRequest, fmt: str) -> HttpResponse:
    report, scope = _report(request)
    name = f"kpis-{slugify(str(scope or 'all'))}-{report.month}"
    tables = _tables(report)
    if fmt == "csv":
        # One table in a CSV: every breakdown stacked, each row saying which breakdown it is.
        rows = [(sheet, *row) for sheet, table in tables.items() if sheet != "investment"
                for row in table.itertuples(index=False)]
        rows += [("investment triggered", f"{c} {label}", value)
                 for c, g, o, t in report.investment
                 for label, value in (("grants", g), ("own", o), ("total", t))]
        return _download(pd.DataFrame(rows, columns=["breakdown", "group", "value"]), name, fmt)
    return _download(tables, name, fmt)
