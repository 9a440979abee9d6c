"""Spreadsheet safety for every CSV/XLSX the app writes.

A cell that starts like a formula (``=``, ``+``, ``-``, ``@``, tab, carriage return) would be
run by a spreadsheet that opens the file, so a firm named ``=HYPERLINK(...)`` could attack the
advisor who exports it. Such text is written with a leading apostrophe, which spreadsheets show
as plain text; files the app reads back (the programme import) drop that apostrophe again.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

import pandas as pd
from django.http import HttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def defuse(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return f"'{value}"
    return value


def restore(value: Any) -> Any:
    """The text as it was before ``defuse``."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def defuse_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells cannot run as formulas."""
    frame = frame.copy()
    for column in frame.columns:
        if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
            frame[column] = frame[column].map(defuse)
    return frame


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def spreadsheet_bytes(frames: Mapping[str, pd.DataFrame], *, fmt: str,
                      index_sheets: frozenset[str] = frozenset()) -> bytes:
    """Every download the app writes: CSV of the first table, or an XLSX with a sheet a table.

    Formulas are defused here, so no export can forget it. The sheets named in
    ``index_sheets`` keep their index (a table whose rows are labelled, e.g. a distribution).
    """
    safe = {name: defuse_formulas(frame) for name, frame in frames.items()}
    if fmt == "xlsx":
        buffer = io.BytesIO()
        with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
            for sheet, frame in safe.items():
                frame.to_excel(writer, sheet_name=sheet[:31], index=sheet in index_sheets)
        return buffer.getvalue()
    return next(iter(safe.values())).to_csv(index=False).encode("utf-8")


def spreadsheet_response(frames: Mapping[str, pd.DataFrame], *, filename: str, fmt: str,
                         index_sheets: frozenset[str] = frozenset()) -> HttpResponse:
    """``spreadsheet_bytes`` as a download named ``filename.csv`` or ``filename.xlsx``."""
    extension = "xlsx" if fmt == "xlsx" else "csv"
    response = HttpResponse(spreadsheet_bytes(frames, fmt=fmt, index_sheets=index_sheets),
                            content_type=CONTENT_TYPES[extension])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{extension}"'
    return response
