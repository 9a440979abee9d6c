"""`manage.py evaluate` (one firm as JSON, or many from CSV/XLSX) and `load_programmes`."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from readiness.framework import load_framework
from reports.bulk import table_columns

BODY = {
    "company": {"country": "GB", "region": "North West", "employees": 45, "sector": "25"},
    "answers": {"vertical_integration": 1, "shop_floor_automation": 0},
    "as_of": "2020-11-30",
}



def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("evaluate", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_evaluate_file_prints_the_same_json_as_the_api(loaded, tmp_path):
    path = tmp_path / "firm.json"
    path.write_text(json.dumps(BODY))
    printed = json.loads(run(str(path))[0])
    api = Client().post("/api/v1/evaluate", json.dumps(BODY),
                        content_type="application/json").json()
    assert printed == api
    assert "made-smarter-nw-adoption-pilot" in [m["programme"] for m in printed["matches"]]


def test_evaluate_reads_stdin(loaded, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(BODY)))
    assert json.loads(run("-")[0])["framework_version"] == 1


def test_evaluate_names_bad_fields(loaded, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({**BODY, "answers": {"vertical_integration": 7}}))
    with pytest.raises(CommandError, match="answers.vertical_integration"):
        run(str(path))
    path.write_text("{not json")
    with pytest.raises(CommandError, match="Malformed JSON"):
        run(str(path))


def rows_frame() -> pd.DataFrame:
    columns = table_columns(load_framework(1))
    good = {"company_name": "Bolton Brackets", "country": "GB", "region": "North West",
            "employees": "45", "sector": "25", "vertical_integration": "1",
            "objectives": "productivity;quality", "cost_labour": "60", "as_of": "2020-11-30"}
    bad = {"company_name": "Nowhere", "country": "XX", "employees": "0", "sector": "25",
           "vertical_integration": "9"}
    na = {"company_name": "Ohio Gears", "country": "US", "region": "oh", "employees": "120",
          "sector": "28", "vertical_integration": "na", "shop_floor_automation": "2",
          "facility_automation": "unknown"}
    return pd.DataFrame([{c: row.get(c, "") for c in columns} for row in (good, bad, na)],
                        columns=columns)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_bulk_evaluation_reports_bad_rows_and_keeps_the_good(loaded, tmp_path, fmt):
    source = tmp_path / f"firms.{fmt}"
    if fmt == "csv":
        rows_frame().to_csv(source, index=False)
    else:
        rows_frame().to_excel(source, index=False)
    output = tmp_path / "results.csv"
    _out, err = run(f"--{fmt}", str(source), "--output", str(output))
    # The API's words for the same faults (reports.schemas checks both).
    assert ("line 3: company.country: Give an ISO 3166-1 alpha-2 country code, e.g. GB, US, DE."
            in err) and "answers.vertical_integration: Give a band from 0 to 5" in err
    results = pd.read_csv(output, dtype=str, keep_default_na=False)
    assert list(results["company_name"]) == ["Bolton Brackets", "Ohio Gears"]
    assert list(results["line"]) == ["2", "4"]
    assert "made-smarter-nw-adoption-pilot" in results.loc[0, "matches"]
    # Evaluated today: MEP is suspended in Ohio (December 2025), so TechCred, not MEP.
    assert "us-ohio-techcred" in results.loc[1, "matches"].split(";")
    assert "us-mep" not in results.loc[1, "matches"].split(";")


def test_bulk_evaluation_refuses_a_file_that_is_not_a_table(loaded, tmp_path):
    source = tmp_path / "firms.xlsx"
    source.write_bytes(b"not a workbook")
    with pytest.raises(CommandError, match="Cannot read"):
        run("--xlsx", str(source))
