"""Bulk evaluation: one firm a row of a CSV/XLSX table (``manage.py evaluate --csv/--xlsx``).

Each row becomes the body ``POST /api/v1/evaluate`` takes and is checked by the same schema, so
a bad row is named with the API's words: ``line 3: company.country: Give an ISO 3166-1 ...``.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from programmes.evaluation import evaluate_for_table
from readiness.framework import CURRENT_VERSION, FrameworkSpec, load_framework
from readiness.reference_cache import reference_pinned
from reports.evaluate import evaluation_request
from reports.schemas import InputError, evaluation_body

COMPANY_COLUMNS = ("company_name", "country", "region", "employees", "turnover",
                   "turnover_currency", "sector")
NOT_APPLICABLE = {"na", "n/a", "null", "none", "not applicable"}
DONT_KNOW = {"unknown", "dk", "don't know", "dont know", "?"}


def _cell_number(value: Any, kind: type) -> Any:
    """A number from a spreadsheet cell; the raw text when it is not one, so that the checks
    name the field instead of failing here."""
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        try:
            number = float(text)
        except ValueError:
            return value
        if kind is int:
            return int(number) if number.is_integer() else number
        return number
    return value


def _band(value: Any) -> Any:
    text = str(value).strip().lower().replace("’", "'")
    if text in NOT_APPLICABLE:
        return None
    if text in DONT_KNOW:
        return "unknown"
    return _cell_number(value, int)


def payload_from_row(row: dict[str, Any], spec: FrameworkSpec) -> dict[str, Any]:
    """An API body from a flat row: profile columns, one column per dimension key, an
    ``objectives`` column (';'-separated), ``cost_<category>`` columns and ``as_of``."""
    cells = {str(k).strip(): (v.strip() if isinstance(v, str) else v) for k, v in row.items()}
    company: dict[str, Any] = {}
    for name in COMPANY_COLUMNS:
        value = cells.get(name)
        if value in (None, ""):
            continue
        if name == "employees":
            value = _cell_number(value, int)
        elif name == "turnover":
            value = _cell_number(value, float)
        elif name == "sector" and isinstance(value, str) and value.isdigit():
            value = value.zfill(2)
        company[name] = value
    answers = {key: _band(cells[key]) for key in spec.dimension_keys
               if cells.get(key) not in (None, "")}
    payload: dict[str, Any] = {"company": company, "answers": answers}
    if cells.get("objectives"):
        payload["objectives"] = [o.strip() for o in str(cells["objectives"]).split(";")
                                 if o.strip()]
    costs = {key: _cell_number(cells[f"cost_{key}"], float) for key in spec.cost_keys
             if cells.get(f"cost_{key}") not in (None, "")}
    if costs:
        payload["cost_profile"] = costs
    if cells.get("as_of"):
        payload["as_of"] = str(cells["as_of"])[:10]
    return payload


def table_columns(spec: FrameworkSpec) -> list[str]:
    return [*COMPANY_COLUMNS, *spec.dimension_keys, "objectives",
            *(f"cost_{key}" for key in spec.cost_keys), "as_of"]


def evaluate_rows(
    rows: list[dict[str, Any]], spec: FrameworkSpec | None = None, *, first_line: int = 2
) -> tuple[list[dict[str, Any]], list[str]]:
    """One result row per good input row, and one message per bad row naming its line.

    The rows are evaluated as the API does, against one copy of the reference data (read at the
    first row) and without what the table does not show: the plan, the fit sentences and the
    programmes of other countries."""
    spec = spec or load_framework(CURRENT_VERSION)
    known = set(table_columns(spec))
    names = {key: dim.name for key, dim in spec.dimensions.items()}
    today = timezone.localdate()
    results: list[dict[str, Any]] = []
    problems: list[str] = []
    with reference_pinned():
        for offset, row in enumerate(rows):
            line = first_line + offset
            unknown = sorted(str(k) for k in row if str(k).strip() not in known)
            try:
                if unknown:
                    raise InputError({name: ["Unknown column."] for name in unknown})
                body = evaluation_body(payload_from_row(row, spec))
            except InputError as error:
                detail = "; ".join(f"{field}: {' '.join(messages)}"
                                   for field, messages in error.errors.items())
                problems.append(f"line {line}: {detail}")
                continue
            scores, priorities, found = evaluate_for_table(evaluation_request(body), spec,
                                                           names, today)
            results.append({
                "line": line,
                "company_name": row.get("company_name", ""),
                "overall": scores.overall,
                "percent": scores.percent,
                "top_priorities": ";".join(p.dimension for p in priorities[:3]),
                "matches": ";".join(m.slug for m in found.matches),
                "best_match_relevance": found.matches[0].relevance if found.matches else None,
                "near_misses_in_country": ";".join(
                    n.slug for n in found.near_misses_here
                    if all(b.code != "country" for b in n.blockers)
                ),
            })
    return results, problems
