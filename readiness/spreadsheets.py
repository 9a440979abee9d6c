"""Spreadsheet safety for every CSV/XLSX the app writes.

A cell that starts like a formula (``=``, ``+``, ``-``, ``@``, tab, carriage return) would be
run by a spreadsheet that opens the file, so a firm named ``=HYPERLINK(...)`` could attack the
advisor who exports it. Such text is written with a leading apostrophe, which spreadsheets show
as plain text; files the app reads back (the programme import) drop that apostrophe again.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

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
