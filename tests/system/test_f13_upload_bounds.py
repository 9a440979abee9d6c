"""F13: programme uploads are bounded before parsing, and bad cells give messages, not 500s."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from programmes.models import Programme
from programmes.services import MAX_IMPORT_UNPACKED_BYTES, programmes_import
from tests.factories import sign_in
from tests.programmes.test_programmes_import import GOOD, csv_bytes


def xlsx_bytes(rows: list[dict[str, str]]) -> bytes:
    buffer = io.BytesIO()
    pd.DataFrame(rows).to_excel(buffer, index=False)
    return buffer.getvalue()


def padded_workbook(rows: list[dict[str, str]], padding: int) -> bytes:
    """A valid workbook whose sheet XML carries `padding` bytes of whitespace: it compresses to
    almost nothing and unpacks to more than the limit (the shape of a zip bomb)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(rows)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * padding, 1)
            target.writestr(member.filename, data)
    return out.getvalue()


def test_f13_xlsx_zip_bomb_is_refused_before_parsing(db):
    content = padded_workbook([GOOD], MAX_IMPORT_UNPACKED_BYTES + 1024)
    assert len(content) < 1024 * 1024  # passes the 5 MB check on the upload itself
    report = programmes_import(name="bomb.xlsx", content=content, dry_run=True)
    assert not report.ok
    assert "unpacks to" in report.errors[0].message
    assert report.rows == 0


def test_f13_a_padded_workbook_under_the_limit_still_imports(db):
    content = padded_workbook([GOOD], 1024 * 1024)
    report = programmes_import(name="fine.xlsx", content=content, dry_run=True)
    assert report.ok, report.errors
    assert report.created == ["test-digital-voucher"]


def test_f13_unbounded_sector_range_is_refused_at_once(db):
    report = programmes_import(name="p.csv", content=csv_bytes([
        {**GOOD, "eligible_sectors": "0-99999999"}]), dry_run=True)
    assert not report.ok
    assert [e.field for e in report.errors] == ["eligible_sectors"]


def test_f13_deeply_nested_other_sources_is_a_message(db):
    report = programmes_import(name="p.csv", content=csv_bytes([
        {**GOOD, "other_sources": "[" * 50000}]), dry_run=True)
    assert not report.ok
    assert [e.field for e in report.errors] == ["other_sources"]


@pytest.mark.parametrize("column", ["min_employees", "max_employees"])
def test_f13_employee_limits_beyond_the_column_are_refused_in_the_dry_run(db, column):
    row = {**GOOD, column: str(2**31)}
    dry = programmes_import(name="p.csv", content=csv_bytes([row]), dry_run=True)
    assert not dry.ok
    assert [e.field for e in dry.errors] == [column]
    real = programmes_import(name="p.csv", content=csv_bytes([row]), dry_run=False)
    assert not real.written and Programme.objects.count() == 0


@pytest.fixture
def staff_client(client, db):
    user = get_user_model().objects.create_superuser("curator", "c@example.com", "pw-curator-1")
    return sign_in(client, user)


def test_f13_export_of_an_unknown_format_is_404(staff_client):
    url = reverse("admin:programmes_programme_export", args=["xyz"])
    assert staff_client.get(url).status_code == 404
    good = staff_client.get(reverse("admin:programmes_programme_export", args=["csv"]))
    assert good.status_code == 200 and good["Content-Type"].startswith("text/csv")


def test_f13_export_needs_the_view_permission(client, db):
    user = get_user_model().objects.create_user("manager", "m@example.com", "pw-manager-1",
                                                is_staff=True)
    sign_in(client, user)
    response = client.get(reverse("admin:programmes_programme_export", args=["csv"]))
    assert response.status_code == 403


def test_f13_zip_bomb_through_the_admin_is_a_message_not_a_500(staff_client):
    upload = SimpleUploadedFile("bomb.xlsx", padded_workbook([GOOD], MAX_IMPORT_UNPACKED_BYTES + 1))
    response = staff_client.post(reverse("admin:programmes_programme_import"),
                                 {"file": upload, "dry_run": "on"})
    assert response.status_code == 200
    assert "unpacks to" in response.content.decode()
