"""Country SME rules as reference data (DESIGN §6), read from fixtures/programmes/sme_rules.json.

A programme with ``sme_rule = "KR"`` is for firms that are SMEs under Korea's rule; matching asks
the rule instead of the record's own limits. Plain Python: the rules are dataclasses, loaded once
per process from the fixture (format ``sme_rules/1``), so matching stays free of the database.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

SME_RULES_PATH = Path(__file__).resolve().parent.parent / "fixtures" / "programmes" / "sme_rules.json"
SME_RULES_FORMAT = "sme_rules/1"


@dataclass(frozen=True)
class SectorLimit:
    """A limit that replaces the rule's general one for some ISIC divisions (Korea's sales caps)."""

    sectors: tuple[str, ...]
    max_employees: int | None = None
    max_turnover: Decimal | None = None


@dataclass(frozen=True)
class SmeRule:
    key: str
    country: str
    description: str
    max_employees: int | None = None
    max_turnover: Decimal | None = None
    turnover_currency: str = ""
    combine: str = "all"  # "all": every limit; "any": one limit met is enough
    sector_overrides: tuple[SectorLimit, ...] = ()
    # Tests we cannot run because the profile does not ask for them: a firm over the turnover
    # limit may still qualify on its balance sheet (the EU rule); total assets (Korea's) are
    # always something the firm must check itself.
    max_balance_sheet: Decimal | None = None
    max_total_assets: Decimal | None = None
    turnover_basis: str = ""
    source_title: str = ""
    source_url: str = ""
    source_read_on: str = ""

    def covers(self, sector: str) -> bool:
        """Whether we know any limit for this sector: Korea's ceilings exist for every industry,
        but our sources give only some."""
        staff, turnover = self.limits_for(sector)
        return staff is not None or turnover is not None

    def limits_for(self, sector: str) -> tuple[int | None, Decimal | None]:
        """The headcount and turnover limits that apply to a firm of this ISIC division."""
        for override in self.sector_overrides:
            if sector in override.sectors:
                return (
                    override.max_employees if override.max_employees is not None
                    else self.max_employees,
                    override.max_turnover if override.max_turnover is not None
                    else self.max_turnover,
                )
        return self.max_employees, self.max_turnover


class SmeRulesError(ValueError):
    """The SME rules file is not in the agreed format; the message names the entry."""


def _decimal(value: Any, where: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation as error:
        raise SmeRulesError(f"{where}: {value!r} is not a number") from error


def _int(value: Any, where: str) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or value < 1:
        raise SmeRulesError(f"{where}: {value!r} is not a positive whole number")
    return value


def _sectors(value: Any) -> tuple[str, ...]:
    """ISIC divisions, where "10-33" stands for a range."""
    found: list[str] = []
    for item in value or []:
        text = str(item).strip()
        low, dash, high = text.partition("-")
        if dash and low.isdigit() and high.isdigit():
            found.extend(f"{n:02d}" for n in range(int(low), int(high) + 1))
        elif text:
            found.append(text.zfill(2))
    return tuple(found)


def parse_sme_rules(data: Mapping[str, Any]) -> dict[str, SmeRule]:
    """The rules of an ``sme_rules/1`` document by key; SmeRulesError names what is wrong."""
    if data.get("format") != SME_RULES_FORMAT:
        raise SmeRulesError(f"format must be {SME_RULES_FORMAT!r}, not {data.get('format')!r}")
    rules: dict[str, SmeRule] = {}
    for position, entry in enumerate(data.get("rules") or [], start=1):
        where = f"rule {position}"
        key = str(entry.get("key") or "").strip()
        if not key:
            raise SmeRulesError(f"{where}: give its key")
        combine = entry.get("combine") or "all"
        if combine not in ("all", "any"):
            raise SmeRulesError(f"{where}: combine must be 'all' or 'any'")
        overrides = tuple(
            SectorLimit(
                sectors=_sectors(o.get("sectors")),
                max_employees=_int(o.get("max_employees"), f"{where} override"),
                max_turnover=_decimal(o.get("max_turnover"), f"{where} override"),
            )
            for o in entry.get("sector_overrides") or []
            if isinstance(o, Mapping)
        )
        source = entry.get("source") or {}
        rules[key] = SmeRule(
            key=key,
            country=str(entry.get("country") or "").upper(),
            description=str(entry.get("description") or ""),
            max_employees=_int(entry.get("max_employees"), where),
            max_turnover=_decimal(entry.get("max_turnover"), where),
            turnover_currency=str(entry.get("turnover_currency") or "").upper(),
            combine=combine,
            sector_overrides=overrides,
            max_balance_sheet=_decimal(entry.get("max_balance_sheet"), where),
            max_total_assets=_decimal(entry.get("max_total_assets"), where),
            turnover_basis=str(entry.get("turnover_basis") or ""),
            source_title=str(source.get("title") or ""),
            source_url=str(source.get("url") or ""),
            source_read_on=str(source.get("read_on") or ""),
        )
    return rules


@cache
def sme_rules(path: Path = SME_RULES_PATH) -> dict[str, SmeRule]:
    """The shipped rules, read once per process; none when the file is absent."""
    if not path.exists():
        return {}
    return parse_sme_rules(json.loads(path.read_text(encoding="utf-8")))
