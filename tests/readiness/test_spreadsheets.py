"""Exported spreadsheets cannot run formulas, and the programme export still re-imports as is."""

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from programmes.models import Programme
from programmes.services import programmes_export, programmes_import
from readiness.spreadsheets import defuse, defuse_formulas, restore


@given(st.text())
def test_restore_undoes_defuse(text):
    assert restore(defuse(text)) == text


def test_only_text_that_starts_like_a_formula_is_changed():
    frame = pd.DataFrame({"name": ["=1+1", "@SUM(A1)", "Plain", "-rf"], "n": [1, -2, 3, 4]})
    out = defuse_formulas(frame)
    assert list(out["name"]) == ["'=1+1", "'@SUM(A1)", "Plain", "'-rf"]
    assert list(out["n"]) == [1, -2, 3, 4]  # numbers stay numbers


@pytest.mark.django_db
def test_programme_export_is_defused_and_round_trips():
    from django.core.management import call_command

    call_command("load_programmes", verbosity=0)
    programme = Programme.objects.order_by("slug").first()
    programme.summary = "=HYPERLINK(\"http://evil.example\")"
    programme.save()
    csv = programmes_export(Programme.objects.filter(pk=programme.pk), fmt="csv").decode()
    assert "'=HYPERLINK" in csv
    report = programmes_import(name="p.csv", content=csv.encode(), dry_run=False)
    assert not report.errors, report.errors
    programme.refresh_from_db()
    assert programme.summary == "=HYPERLINK(\"http://evil.example\")"
