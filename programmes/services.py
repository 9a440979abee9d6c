"""Writes to the programme database: fixture loading and bulk import, all-or-nothing."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from django.core.exceptions import ValidationError
from django.db import transaction

from programmes.forms import InstitutionRowForm, ProgrammeRowForm
from programmes.models import Institution, Programme, SupportKind
from readiness.reference_cache import PROGRAMMES_REFERENCE, reference_bump
from readiness.spreadsheets import restore, spreadsheet_bytes

FIXTURE_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "programmes"

# Columns of the CSV/XLSX import and export, in order; lists are ';'-separated.
COLUMNS: tuple[str, ...] = tuple(ProgrammeRowForm.base_fields)
REQUIRED_COLUMNS: tuple[str, ...] = tuple(
    name for name, f in ProgrammeRowForm.base_fields.items() if f.required
)
# Fixture formats the loader reads: programmes/2 adds the status model (docs/programmes.md);
# programmes/1 records load with its defaults (status unknown, never assumed open).
PROGRAMME_FORMATS = ("programmes/1", "programmes/2")
JSON_COLUMNS = frozenset({"other_sources", "status_source", "regional_status", "rounds", "tiers",
                          "delivery", "sources"})
MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 5000
# An XLSX is a ZIP: 5 MB of it can unpack to gigabytes of XML. What it unpacks to is read from
# the ZIP's directory and refused above this before any XML is parsed (F13).
MAX_IMPORT_UNPACKED_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class RowError:
    line: int  # the spreadsheet row (the header is row 1), or the fixture entry's position
    field: str
    message: str

    def __str__(self) -> str:
        return f"row {self.line}, {self.field}: {self.message}"


@dataclass
class ImportReport:
    rows: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = True

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run


def _form_errors(form, line: int) -> list[RowError]:
    return [
        RowError(line, name if name != "__all__" else "row", str(message))
        for name, messages in form.errors.items()
        for message in messages
    ]


def validate_rows(
    rows: Sequence[Mapping[str, Any]], *, first_line: int = 2, known_institutions=()
) -> tuple[list[dict[str, Any]], list[RowError]]:
    """Clean every row; errors name the row and the field. Duplicate slugs are errors too."""
    cleaned: list[dict[str, Any]] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for offset, row in enumerate(rows):
        line = first_line + offset
        form = ProgrammeRowForm(data=dict(row), known_institutions=known_institutions)
        if not form.is_valid():
            errors.extend(_form_errors(form, line))
            continue
        slug = form.cleaned_data["slug"]
        if slug in seen:
            errors.append(RowError(line, "slug", f"'{slug}' already appears on row {seen[slug]}."))
            continue
        seen[slug] = line
        cleaned.append(form.cleaned_data)
    return cleaned, errors


def programme_upsert(*, data: Mapping[str, Any]) -> tuple[Programme, bool]:
    """Create or refresh one programme from cleaned data (``ProgrammeRowForm``)."""
    values = {k: v for k, v in data.items() if k not in {"slug", "kinds", "institutions"}}
    for text in ("description", "amount_currency", "budget_note", "max_turnover_currency",
                 "how_to_apply", "apply_url", "source_url", "assumptions", "cost_to_firm",
                 "official_name", "predecessor", "successor", "sme_rule", "primary_kind"):
        values[text] = values.get(text) or ""
    programme, created = Programme.objects.update_or_create(slug=data["slug"], defaults=values)
    # get_or_create rather than relying on the seeding migration: a flushed test database or a
    # hand-made one may lack the rows.
    programme.kinds.set([SupportKind.objects.get_or_create(key=key)[0] for key in data["kinds"]])
    programme.institutions.set(Institution.objects.filter(slug__in=data["institutions"]))
    return programme, created


@transaction.atomic
def programmes_write(*, rows: Sequence[Mapping[str, Any]]) -> tuple[list[str], list[str]]:
    created: list[str] = []
    updated: list[str] = []
    for row in rows:
        programme, is_new = programme_upsert(data=row)
        (created if is_new else updated).append(programme.slug)
    # The model signals renew the per-process records too; said here so that a bulk write added
    # later cannot forget it.
    reference_bump(PROGRAMMES_REFERENCE)
    return created, updated


def programmes_load(*, data: Mapping[str, Any]) -> ImportReport:
    """Upsert the institutions and programmes of a fixture; nothing is written unless all valid.

    Idempotent: loading the same fixture twice changes nothing the second time. Programmes not
    in the fixture are left alone, since staff may have added them in the admin.
    """
    institutions = list(data.get("institutions", []))
    programmes = list(data.get("programmes", []))
    report = ImportReport(rows=len(programmes), dry_run=False)
    if data.get("format") not in PROGRAMME_FORMATS:
        report.errors.append(RowError(0, "format", f"The format must be one of "
                                                   f"{', '.join(PROGRAMME_FORMATS)}, not "
                                                   f"{data.get('format')!r}."))
        return report
    institution_rows = []
    for position, row in enumerate(institutions, start=1):
        existing = Institution.objects.filter(slug=row.get("slug")).first()
        form = InstitutionRowForm(data=row, instance=existing)
        # A fixture names institutions by slug, so an existing slug is an update, not a clash.
        if not form.is_valid():
            report.errors.extend(
                RowError(position, f"institutions.{name}", str(m))
                for name, messages in form.errors.items() for m in messages
            )
        institution_rows.append(form)
    cleaned, errors = validate_rows(
        programmes, first_line=1, known_institutions={r.get("slug") for r in institutions}
    )
    report.errors.extend(errors)
    if report.errors:
        return report
    with transaction.atomic():
        for form in institution_rows:
            form.save()
        report.created, report.updated = programmes_write(rows=cleaned)
    return report


def fixture_paths() -> list[Path]:
    """The programme fixtures; sme_rules.json beside them is reference data read by matching."""
    return sorted(p for p in FIXTURE_DIR.glob("*.json") if p.name != "sme_rules.json")


def read_fixture(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


# Bulk import and export -------------------------------------------------------------------------


def read_table(*, name: str, content: bytes) -> list[dict[str, str]]:
    """Rows of a CSV or XLSX file as dicts of strings; ValidationError if it is neither."""
    if len(content) > MAX_IMPORT_BYTES:
        raise ValidationError("The file is larger than 5 MB.", code="too_large")
    suffix = Path(name).suffix.lower()
    try:
        if suffix == ".xlsx":
            if not content.startswith(b"PK"):
                raise ValueError("not a zip container")
            _check_unpacked_size(content)
            # nrows: the parser stops one row past the cap instead of reading millions first.
            frame = pd.read_excel(io.BytesIO(content), dtype=str, keep_default_na=False,
                                  nrows=MAX_IMPORT_ROWS + 1)
        elif suffix == ".csv":
            text = content.decode("utf-8-sig")
            if "\x00" in text:
                raise ValueError("binary content")
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                                nrows=MAX_IMPORT_ROWS + 1)
        else:
            raise ValidationError(
                "Upload a .csv or .xlsx file (this one is %(suffix)s).", code="file_type",
                params={"suffix": suffix or "without an extension"},
            )
    except ValidationError:
        raise
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError, OSError) as error:
        kind = "an XLSX workbook" if suffix == ".xlsx" else "a UTF-8 CSV file"
        raise ValidationError("The file could not be read as %(kind)s.", code="unreadable",
                              params={"kind": kind}) from error
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    unknown = [c for c in frame.columns if c not in COLUMNS]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(f"missing columns: {', '.join(missing)}")
        if unknown:
            parts.append(f"unknown columns: {', '.join(unknown)}")
        raise ValidationError("Wrong columns (%(detail)s). Export the programmes to get a file "
                              "with the right columns.", code="columns",
                              params={"detail": "; ".join(parts)})
    if len(frame) > MAX_IMPORT_ROWS:
        raise ValidationError("At most %(max)s rows at once.", code="too_many_rows",
                              params={"max": MAX_IMPORT_ROWS})
    return [
        {k: (restore(v.strip()) if isinstance(v, str) else v) for k, v in row.items() if v != ""}
        for row in frame.to_dict(orient="records")
    ]


def _check_unpacked_size(content: bytes) -> None:
    """Refuse a workbook whose ZIP directory declares more than MAX_IMPORT_UNPACKED_BYTES.

    zipfile checks each member's CRC and length against the directory when it is read, so a
    member cannot unpack to more than it declares here.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile) as error:
        raise ValueError("not a readable zip container") from error
    if unpacked > MAX_IMPORT_UNPACKED_BYTES:
        raise ValidationError(
            "The workbook unpacks to %(size)s MB, more than the %(max)s MB allowed.",
            code="too_large_unpacked",
            params={"size": unpacked // (1024 * 1024),
                    "max": MAX_IMPORT_UNPACKED_BYTES // (1024 * 1024)},
        )


def programmes_import(*, name: str, content: bytes, dry_run: bool = True) -> ImportReport:
    """Validate a CSV/XLSX of programmes and, unless a dry run, upsert them all or none."""
    report = ImportReport(dry_run=dry_run)
    try:
        rows = read_table(name=name, content=content)
    except ValidationError as error:
        report.errors.append(RowError(1, "file", " ".join(error.messages)))
        return report
    report.rows = len(rows)
    cleaned, report.errors = validate_rows(rows)
    existing = set(
        Programme.objects.filter(slug__in=[r["slug"] for r in cleaned]).values_list("slug",
                                                                                      flat=True)
    )
    if report.errors:
        return report
    if dry_run:
        report.created = [r["slug"] for r in cleaned if r["slug"] not in existing]
        report.updated = [r["slug"] for r in cleaned if r["slug"] in existing]
        return report
    report.created, report.updated = programmes_write(rows=cleaned)
    return report


def programmes_frame(programmes) -> pd.DataFrame:
    """A table of programmes in the import's columns, so an export can be edited and re-imported."""
    records = []
    for p in programmes:
        row: dict[str, Any] = {}
        for column in COLUMNS:
            if column == "kinds":
                value = ";".join(k.key for k in p.kinds.all())
            elif column == "institutions":
                value = ";".join(i.slug for i in p.institutions.all())
            elif column in JSON_COLUMNS:
                stored = getattr(p, column)
                value = json.dumps(stored, ensure_ascii=False) if stored else ""
            else:
                value = getattr(p, column)
                if isinstance(value, list):
                    value = ";".join(str(v) for v in value)
            row[column] = "" if value is None else str(value)
        records.append(row)
    return pd.DataFrame(records, columns=list(COLUMNS))


def programmes_export(programmes, *, fmt: str) -> bytes:
    return spreadsheet_bytes({"programmes": programmes_frame(programmes)}, fmt=fmt)
