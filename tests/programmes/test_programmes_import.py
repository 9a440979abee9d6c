"""Bulk import and export of programmes (services and the admin's pages)."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from programmes.models import Programme
from programmes.services import COLUMNS, programmes_export, programmes_import
from tests.factories import sign_in

GOOD = {
    "slug": "test-digital-voucher",
    "name": "Test digital voucher",
    "country": "GB",
    "summary": "A voucher for a first digital project.",
    "kinds": "grant;advice",
    "eligible_countries": "GB",
    "eligible_regions": "north east; Wales",
    "eligible_sectors": "10-33",
    "max_employees": "249",
    "amount_max": "5000",
    "amount_currency": "gbp",
    "dimensions": "shop_floor_automation;vertical_integration",
    "opens_on": "2024-01-01",
    "source_title": "A test source",
    "facts_as_of": "2024-01-01",
}


def csv_bytes(rows: list[dict[str, str]], columns=None) -> bytes:
    columns = columns or list(COLUMNS)
    table = [{c: row.get(c, "") for c in columns} for row in rows]
    return pd.DataFrame(table, columns=columns).to_csv(index=False).encode()


def test_a_valid_file_is_checked_in_a_dry_run_and_then_imported(db):
    content = csv_bytes([GOOD, {**GOOD, "slug": "test-second", "name": "Second"}])
    dry = programmes_import(name="p.csv", content=content, dry_run=True)
    assert dry.ok and dry.created == ["test-digital-voucher", "test-second"]
    assert Programme.objects.count() == 0

    done = programmes_import(name="p.csv", content=content, dry_run=False)
    assert done.written
    programme = Programme.objects.get(slug="test-digital-voucher")
    assert programme.eligible_regions == ["North East", "Wales"]
    assert programme.eligible_sectors[0] == "10" and len(programme.eligible_sectors) == 24
    assert programme.amount_currency == "GBP"
    assert programme.kind_keys == ["advice", "grant"]

    again = programmes_import(name="p.csv", content=content, dry_run=False)
    assert again.updated == ["test-digital-voucher", "test-second"]
    assert Programme.objects.count() == 2


def test_bad_rows_are_reported_by_row_and_field_and_nothing_is_written(db):
    rows = [
        GOOD,
        {**GOOD, "slug": "bad-one", "country": "XX", "max_employees": "many"},
        {**GOOD, "slug": "bad-two", "kinds": "grant;magic", "opens_on": "2024-02-30"},
        {**GOOD, "slug": "test-digital-voucher"},  # duplicate slug
        {**GOOD, "slug": "bad-three", "eligible_regions": "Atlantis", "min_band": "4",
         "max_band": "2"},
    ]
    report = programmes_import(name="p.csv", content=csv_bytes(rows), dry_run=False)
    found = {(e.line, e.field) for e in report.errors}
    assert found == {
        (3, "country"), (3, "max_employees"),
        (4, "kinds"), (4, "opens_on"),
        (5, "slug"),
        (6, "eligible_regions"), (6, "max_band"),
    }
    assert "magic" in next(e.message for e in report.errors if e.field == "kinds")
    assert Programme.objects.count() == 0


def test_wrong_columns_are_named(db):
    content = csv_bytes([{"title": "x", "slug": "y"}], columns=["title", "slug"])
    report = programmes_import(name="p.csv", content=content, dry_run=False)
    assert len(report.errors) == 1
    message = report.errors[0].message
    assert "missing columns" in message and "name" in message
    assert "unknown columns: title" in message
    assert Programme.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("programmes.pdf", b"%PDF-1.7 binary", "Upload a .csv or .xlsx file"),
        ("programmes.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "UTF-8 CSV"),
        ("programmes.xlsx", b"slug,name\nnot,a workbook\n", "XLSX workbook"),
        ("programmes.csv", b"", "UTF-8 CSV"),
    ],
)
def test_files_that_are_not_tables_get_a_clear_message(db, name, content, expected):
    report = programmes_import(name=name, content=content, dry_run=False)
    assert [e.field for e in report.errors] == ["file"]
    assert expected in report.errors[0].message


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_imports_back_unchanged(db, fmt):
    call_command("load_programmes", verbosity=0)
    before = {p.slug: (p.eligible_regions, p.max_turnover, p.kind_keys, p.other_sources)
              for p in Programme.objects.prefetch_related("kinds")}
    content = programmes_export(Programme.objects.prefetch_related("kinds", "institutions"),
                                fmt=fmt)
    report = programmes_import(name=f"export.{fmt}", content=content, dry_run=False)
    assert report.ok, report.errors[:3]
    assert sorted(report.updated) == sorted(before)
    after = {p.slug: (p.eligible_regions, p.max_turnover, p.kind_keys, p.other_sources)
             for p in Programme.objects.prefetch_related("kinds")}
    assert after == before


@pytest.fixture
def staff_client(client, db):
    user = get_user_model().objects.create_superuser("staff", "staff@example.com", "pw-123456")
    sign_in(client, user)
    return client


def test_admin_import_page_dry_run_then_import(staff_client):
    url = reverse("admin:programmes_programme_import")
    assert staff_client.get(url).status_code == 200
    upload = SimpleUploadedFile("p.csv", csv_bytes([GOOD]), content_type="text/csv")
    dry = staff_client.post(url, {"file": upload, "dry_run": "on"})
    assert "Dry run: all 1 rows are valid" in dry.content.decode()
    assert not Programme.objects.exists()
    upload = SimpleUploadedFile("p.csv", csv_bytes([GOOD]), content_type="text/csv")
    done = staff_client.post(url, {"file": upload})
    assert "Imported: 1 added" in done.content.decode()
    assert Programme.objects.filter(slug=GOOD["slug"]).exists()


def test_admin_import_page_lists_bad_rows(staff_client):
    upload = SimpleUploadedFile("p.csv", csv_bytes([{**GOOD, "country": "XX"}]))
    page = staff_client.post(reverse("admin:programmes_programme_import"), {"file": upload})
    html = page.content.decode()
    assert 'id="import-errors"' in html and "XX is not an ISO 3166-1" in html
    assert not Programme.objects.exists()


def test_admin_changelist_filters_and_export(staff_client):
    call_command("load_programmes", verbosity=0)
    changelist = reverse("admin:programmes_programme_changelist")
    for query in ("", "?country=DE", "?open=yes", "?open=no", "?kinds__id__exact=1",
                  "?q=smarter"):
        assert staff_client.get(changelist + query).status_code == 200, query
    page = staff_client.get(changelist + "?country=DE").content.decode()
    assert "Mittelstand-Digital" in page and "Made Smarter" not in page
    detail = staff_client.get(reverse("admin:programmes_programme_change", args=[
        Programme.objects.get(slug="us-mep").pk]))
    assert "at most 499 employees" in detail.content.decode()
    export = staff_client.get(reverse("admin:programmes_programme_export", args=["xlsx"]))
    frame = pd.read_excel(io.BytesIO(export.content), dtype=str)
    assert list(frame.columns) == list(COLUMNS)
    assert len(frame) == Programme.objects.count()


def test_admin_import_needs_staff(client, db):
    response = client.get(reverse("admin:programmes_programme_import"))
    assert response.status_code == 302
