"""Helpers that were written twice now have one home each (issue 10 item 7, code review
change 8): the list wording of every explanation and the spreadsheet writer of every export."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from readiness.spreadsheets import spreadsheet_bytes, spreadsheet_response
from readiness.wording import join_words
from tests.factories import sign_in


@pytest.mark.parametrize(("items", "word", "expected"), [
    ([], "and", ""),
    (["Korea"], "or", "Korea"),
    (["labour", "energy"], "and", "labour and energy"),
    (["GB", "US", "DE"], "or", "GB, US or DE"),
])
def test_join_words_lists_as_a_sentence_does(items, word, expected):
    assert join_words(items, word) == expected


def test_priority_reasons_and_match_reasons_share_the_list_wording():
    import programmes.matching
    import readiness.prioritisation

    assert programmes.matching.join_words is readiness.prioritisation.join_words is join_words


def frames() -> dict[str, pd.DataFrame]:
    firms = pd.DataFrame({"firm": ["=HYPERLINK(\"http://x\")", "Plain Ltd"], "score": [2.5, 3.0]})
    distribution = pd.DataFrame({"band 0": [1], "band 1": [4]}, index=["automation"])
    return {"assessments": firms, "band distribution": distribution}


def test_csv_download_is_the_first_table_with_formulas_defused():
    text = spreadsheet_bytes(frames(), fmt="csv").decode()
    assert text.splitlines() == ["firm,score", "\"'=HYPERLINK(\"\"http://x\"\")\",2.5",
                                 "Plain Ltd,3.0"]


def test_xlsx_download_has_a_sheet_a_table_and_keeps_only_the_labelled_rows_index():
    content = spreadsheet_bytes(frames(), fmt="xlsx", index_sheets=frozenset({"band distribution"}))
    sheets = pd.read_excel(io.BytesIO(content), sheet_name=None)
    assert list(sheets) == ["assessments", "band distribution"]
    assert list(sheets["assessments"].columns) == ["firm", "score"]
    assert sheets["assessments"]["firm"][0].startswith("'=")
    assert list(sheets["band distribution"].iloc[0]) == ["automation", 1, 4]


def test_spreadsheet_response_names_the_file_and_its_type():
    response = spreadsheet_response(frames(), filename="caseload-2026-11-30", fmt="xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="caseload-2026-11-30.xlsx"'
    assert response["Content-Type"].endswith("spreadsheetml.sheet")
    response = spreadsheet_response(frames(), filename="caseload", fmt="csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"


def test_admin_exports_selected_programmes_through_the_same_writer(client, db):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.urls import reverse

    from programmes.models import Programme

    call_command("load_programmes", verbosity=0)
    # The admin asks for the second factor too: sign in the way its tests do.
    sign_in(client, get_user_model().objects.create_superuser("staff", "s@example.com", "pw-1"))
    chosen = Programme.objects.get(slug="us-mep")
    response = client.post(reverse("admin:programmes_programme_changelist"), {
        "action": "export_xlsx", "_selected_action": [chosen.pk]})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="programmes-')
    (sheet,) = pd.read_excel(io.BytesIO(response.content), sheet_name=None).values()
    assert list(sheet["slug"]) == ["us-mep"]
