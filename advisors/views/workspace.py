"""The advisor's workspace: caseload, review of one case, progress, analytics and exports."""

from __future__ import annotations

import io

import pandas as pd
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST

from advisors import selectors, services
from advisors.access import MemberRequest, advisor_required, share_for_member
from advisors.charts import BAND_COLOURS, bar_chart, heatmap
from advisors.cohorts import progress_between
from advisors.forms import (
    CaseloadFilterForm,
    ProgressForm,
)
from advisors.models import Action, Membership, Organisation
from readiness.charts import radar_chart
from readiness.services import framework_current
from readiness.spreadsheets import defuse_formulas

PAGE_SIZE = 25
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _scope(request: MemberRequest) -> Organisation | None:
    """Programme managers who are staff see every organisation's shares; others their own."""
    membership: Membership = request.membership
    if request.user.is_staff and membership.role == Membership.Role.MANAGER:
        return None
    return membership.organisation


@require_GET
@advisor_required
def caseload(request: MemberRequest) -> HttpResponse:
    shares = selectors.member_caseload(request)
    page = Paginator(shares, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "advisors/caseload.html", {
        "page": page, "filter_form": CaseloadFilterForm(request.GET or None),
        "query": query.urlencode(), "organisation": request.membership.organisation,
        "funnel": selectors.case_funnel(shares), "today": timezone.localdate(),
    })


@require_POST
@advisor_required
def toggle_action(request: MemberRequest, share_id: int, action_id: int) -> HttpResponse:
    share = share_for_member(request, share_id)
    action = get_object_or_404(Action, pk=action_id, share__in=selectors.case_shares(share))
    services.action_set_done(action=action, done=not action.done)
    return redirect(share.get_absolute_url() + "#actions")


@require_GET
@advisor_required
def progress(request: MemberRequest, share_id: int) -> HttpResponse:
    share = share_for_member(request, share_id)
    history = selectors.firm_history(share)
    spec = share.assessment.framework.spec
    default = {"before": str(history[0].public_id), "after": str(history[-1].public_id)}
    form = ProgressForm(request.GET or default, assessments=history)
    by_id = {str(a.public_id): a for a in history}
    changes = chart = None
    before = after = None
    if len(history) >= 2 and form.is_valid():
        before, after = by_id[form.cleaned_data["before"]], by_id[form.cleaned_data["after"]]
        before_bands = (before.scores or {}).get("dimensions", {})
        after_bands = (after.scores or {}).get("dimensions", {})
        changes = [(spec.dimensions[c.dimension], c)
                   for c in progress_between(spec.dimension_keys, before_bands, after_bands)]
        chart = radar_chart(spec, after_bands, comparison=before_bands,
                            comparison_label=f"assessment of {before.submitted_at:%d %B %Y}")
    return render(request, "advisors/progress.html", {
        "share": share, "assessment": share.assessment, "history": history, "form": form,
        "changes": changes, "chart": chart, "before": before, "after": after,
    })


def _analytics(request: MemberRequest, spec) -> tuple[pd.DataFrame, selectors.Analytics]:
    """The assessments the user may analyse (as one table) and their analytics."""
    shares = selectors.member_caseload(request, organisation=_scope(request))
    frame = selectors.assessments_frame(shares, spec)
    return frame, selectors.analytics(frame, spec)


@require_GET
@advisor_required
def analytics(request: MemberRequest) -> HttpResponse:
    spec = framework_current().spec
    _, data = _analytics(request, spec)
    return render(request, "advisors/analytics.html", {
        "data": data, "spec": spec, "filter_form": CaseloadFilterForm(request.GET or None),
        "query": request.GET.urlencode(), "scope": _scope(request) or "all organisations",
        **analytics_charts(data, spec),
    })


def analytics_charts(data, spec) -> dict:
    """Chart geometry and data tables for the analytics page."""
    label_width, bar_width, row = 260, 480, 26
    distribution_rows = []
    for i, (key, dim) in enumerate(spec.dimensions.items()):
        counts = [int(data.distribution.loc[key, str(b)]) for b in range(6)]
        na = int(data.distribution.loc[key, "n/a"])
        total = sum(counts) + na
        bars, x = [], float(label_width)
        for band, count in enumerate(counts):
            width = bar_width * count / total if total else 0
            bars.append({"band": band, "count": count, "x": x, "width": width,
                         "fill": BAND_COLOURS[band]})
            x += width
        distribution_rows.append({"dim": dim, "counts": counts, "na": na, "bars": bars,
                                  "y": i * row})
    legend_y = len(distribution_rows) * row + 8
    pillar_names = [p.name for p in spec.pillars.values()]
    columns = [(name, 260 + i * 86 + 43) for i, name in enumerate(pillar_names)]
    heatmaps = []
    for title, table in (("Pillar averages by region", data.pillars_by_region),
                         ("Pillar averages by sector", data.pillars_by_sector)):
        rows = [(f"{label} ({int(r['firms'])})", [r[name] for name in pillar_names])
                for label, r in table.iterrows()]
        cells, height = heatmap(rows)
        table_rows = [(label, int(r["firms"]), [r[name] for name in pillar_names])
                      for label, r in table.iterrows()]
        heatmaps.append({"title": title, "cells": cells, "height": height + 40,
                         "columns": columns, "rows": table_rows})
    matches = data.programme_matches
    match_bars, match_height = bar_chart(
        [(r["name"], int(r["firms"])) for _, r in matches.iterrows()], width=400)
    return {
        "distribution_rows": distribution_rows, "dist_height": legend_y + 24,
        "legend": [{"band": b, "fill": BAND_COLOURS[b], "x": label_width + b * 80}
                   for b in range(6)],
        "legend_y": legend_y, "bands": range(6), "heatmaps": heatmaps,
        "heat_width": 260 + 86 * len(pillar_names), "pillar_names": pillar_names,
        "match_bars": match_bars, "match_height": match_height,
        "programme_rows": matches.to_dict("records"),
    }


def _download(frame_or_frames, filename: str, fmt: str, labels=None) -> HttpResponse:
    """CSV of the first table (stable keys, for machines), or an XLSX for people: one sheet per
    table, ``labels`` applied, figures rounded, header row frozen, columns wide enough."""
    frames = frame_or_frames if isinstance(frame_or_frames, dict) else {"data": frame_or_frames}
    # A table indexed by its labels (a region, a sector) gets them as an ordinary first column.
    frames = {name: defuse_formulas(frame if isinstance(frame.index, pd.RangeIndex)
                                    else frame.reset_index(names=frame.index.name or "label"))
              for name, frame in frames.items()}
    if fmt == "xlsx":
        buffer = io.BytesIO()
        with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
            for sheet, frame in frames.items():
                readable = labels(frame) if labels else frame.copy()
                numbers = readable.select_dtypes("number").columns
                readable[numbers] = readable[numbers].round(2)
                readable.to_excel(writer, sheet_name=sheet[:31], index=False)
                worksheet = writer.sheets[sheet[:31]]
                worksheet.freeze_panes = "A2"
                for number, column in enumerate(readable.columns, start=1):
                    longest = max([len(str(column)), *(len(str(v)) for v in readable[column].head(200))])
                    letter = worksheet.cell(row=1, column=number).column_letter
                    worksheet.column_dimensions[letter].width = min(60, longest + 2)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
        extension = "xlsx"
    else:
        first = next(iter(frames.values()))
        response = HttpResponse(first.to_csv(index=False), content_type="text/csv; charset=utf-8")
        extension = "csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}.{extension}"'
    return response


@require_GET
@advisor_required
def export_caseload(request: MemberRequest, fmt: str) -> HttpResponse:
    spec = framework_current().spec
    frame = selectors.assessments_frame(selectors.member_caseload(request), spec)
    name = f"caseload-{slugify(request.membership.organisation.name)}-{timezone.localdate()}"
    return _download(frame, name, fmt, labels=lambda f: selectors.caseload_labels(f, spec))


@require_GET
@advisor_required
def export_analytics(request: MemberRequest, fmt: str) -> HttpResponse:
    spec = framework_current().spec
    frame, data = _analytics(request, spec)
    name = f"analytics-{timezone.localdate()}"
    # The analytics export is the page's aggregates; the firms themselves are the caseload's.
    distribution = data.distribution.rename_axis("dimension")
    if fmt == "csv":
        return _download(distribution, name, fmt)
    return _download({"band distribution": distribution.rename(
                          index=lambda key: spec.dimensions[key].name).rename_axis("Dimension"),
                      "pillars by region": data.pillars_by_region,
                      "pillars by sector": data.pillars_by_sector,
                      "programme matches": data.programme_matches}, name, fmt)
