"""One validation for programmes (issue 10 item 3, issue 12): the rules live in Programme.clean()
and its constraints, and the admin, the CSV/XLSX import and the fixtures loader all refuse the same
records with the same message. Plus the format programmes/2 through the loader and a round trip
of every new field through export and import."""

from __future__ import annotations

import copy
import datetime
import json

import pandas as pd
import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from programmes.models import Institution, Programme, SupportKind
from programmes.services import (
    COLUMNS,
    fixture_paths,
    programmes_export,
    programmes_import,
    programmes_load,
)
from tests.factories import sign_in

INSTITUTIONS = [
    {"slug": "test-agency", "name": "Test Agency", "country": "GB", "url": "https://example.org/",
     "contact_url": "https://example.org/contact",
     "renamed": [{"name": "Old Test Agency", "until": "2025-05-05"}]},
    {"slug": "test-nw-hub", "name": "Test North West Hub", "country": "GB"},
]
RECORD = {
    "slug": "test-adoption", "name": "Test adoption programme", "country": "GB",
    "summary": "Advice and a grant for a first digital project.", "kinds": ["grant", "advice"],
    "institutions": ["test-agency"], "eligible_countries": ["GB"],
    "eligible_regions": ["North West", "London"], "max_employees": 249,
    "amount_max": "20000", "amount_currency": "GBP", "opens_on": "2025-04-01",
    "source_title": "Test source", "facts_as_of": "2026-06-01",
    "status": "open", "status_checked_on": "2026-06-01",
    "status_source": {"title": "Test status page", "url": "https://example.org/status"},
    "regional_status": [{"region": "London", "status": "paused",
                         "status_checked_on": "2026-06-01", "note": "Budget spent"}],
    "primary_kind": "advice", "cost_to_firm": "co_funding", "official_name": "Testprogramm",
    "rounds": [{"name": "2026 intake", "opens_on": "2026-04-01", "closes_on": "2027-03-31",
                "source": {"title": "Round page", "url": "https://example.org/round"}}],
    "predecessor": "test-pilot", "successor": None,
    "tiers": [{"size_band": "small", "valid_from": "2025-04-01", "valid_to": None,
               "amount_max": "20000", "currency": "GBP", "match_rate_percent": 50,
               "note": "Up to half the project"}],
    "delivery": [{"institution": "test-nw-hub", "regions": ["North West"],
                  "contact_label": "North West hub", "contact_url": "https://example.org/nw",
                  "contact_email": "nw@example.org", "contact_phone": "0161 000 0000"}],
    "sme_rule": "",
    "sources": [{"title": "Test source", "url": "https://example.org/", "read_on": "2026-06-01",
                 "supports": "everything"}],
}


def fixture(*records, fmt="programmes/2"):
    return {"format": fmt, "note": "test", "institutions": copy.deepcopy(INSTITUTIONS),
            "programmes": [copy.deepcopy(r) for r in records]}


@pytest.fixture
def staff_client(client, db):
    user = get_user_model().objects.create_superuser("staff", "staff@example.com", "pw-123456")
    sign_in(client, user)
    return client


def admin_post_data(programme: Programme, **changes) -> dict:
    """The admin change form as a browser would post it, with ``changes``."""
    data = {
        "slug": programme.slug, "name": programme.name, "country": programme.country,
        "summary": programme.summary, "source_title": programme.source_title,
        "facts_as_of": programme.facts_as_of.isoformat(), "min_band": 0, "max_band": 5,
        "size_rule": "all", "status": programme.status,
        "status_checked_on": (programme.status_checked_on.isoformat()
                              if programme.status_checked_on else ""),
        "kinds": [k.pk for k in programme.kinds.all()],
        "institutions": [i.pk for i in programme.institutions.all()],
        "eligible_countries": "GB", "primary_kind": programme.primary_kind,
        "cost_to_firm": programme.cost_to_firm,
    }
    for name in ("status_source", "regional_status", "rounds", "tiers", "delivery", "sources",
                 "other_sources"):
        data[name] = json.dumps(getattr(programme, name))
    data.update(changes)
    return data


# The loader -------------------------------------------------------------------------------------


def test_a_programmes_2_record_loads_with_every_field(db):
    report = programmes_load(data=fixture(RECORD))
    assert report.ok, report.errors
    p = Programme.objects.get(slug="test-adoption")
    assert (p.status, p.status_checked_on) == ("open", datetime.date(2026, 6, 1))
    assert p.status_source == RECORD["status_source"]
    assert p.regional_status == RECORD["regional_status"]
    assert (p.primary_kind, p.cost_to_firm, p.official_name) == ("advice", "co_funding",
                                                                 "Testprogramm")
    assert p.rounds == RECORD["rounds"] and p.tiers == RECORD["tiers"]
    assert p.delivery == RECORD["delivery"] and p.sources == RECORD["sources"]
    assert (p.predecessor, p.successor) == ("test-pilot", "")
    agency = Institution.objects.get(slug="test-agency")
    assert agency.renamed == [{"name": "Old Test Agency", "until": "2025-05-05"}]
    assert agency.contact_url == "https://example.org/contact"


def test_a_programmes_1_record_loads_with_an_unknown_status_and_its_first_kind_as_primary(db):
    old = {k: v for k, v in RECORD.items() if k in {
        "slug", "name", "country", "summary", "kinds", "institutions", "source_title",
        "facts_as_of"}}
    assert programmes_load(data=fixture(old, fmt="programmes/1")).ok
    p = Programme.objects.get(slug="test-adoption")
    assert (p.status, p.status_checked_on, p.primary_kind) == ("unknown", None, "grant")
    assert not p.is_open_on(datetime.date(2026, 6, 2))  # unknown is never open


def test_another_format_is_refused_and_nothing_is_written(db):
    report = programmes_load(data=fixture(RECORD, fmt="programmes/3"))
    assert [(e.field, e.message) for e in report.errors] == [
        ("format", "The format must be one of programmes/1, programmes/2, not 'programmes/3'.")
    ]
    assert not Programme.objects.exists()


def test_the_sme_rules_file_is_not_read_as_programmes():
    assert all(path.name != "sme_rules.json" for path in fixture_paths())


BAD = [
    ({"status": "open", "status_checked_on": None}, "status_checked_on",
     "A known status needs the date it was checked on."),
    ({"status_checked_on": "2999-01-01"}, "status_checked_on", "The check cannot be in the future."),
    ({"primary_kind": "training"}, "primary_kind",
     "The primary kind must be one of the programme's kinds."),
    ({"min_employees": 500, "max_employees": 10}, "max_employees",
     "The maximum must not be below the minimum."),
    ({"regional_status": [{"region": "Bavaria", "status": "open",
                           "status_checked_on": "2026-01-01"}]}, "regional_status",
     "Entry 1: give a region of GB."),
    ({"regional_status": [{"region": "London", "status": "open"}]}, "regional_status",
     "Entry 1: a known status needs status_checked_on."),
    ({"rounds": [{"name": "R", "opens_on": "2026-05-01", "closes_on": "2026-04-01"}]}, "rounds",
     "Round 1: it cannot close before it opens."),
    ({"tiers": [{"size_band": "huge"}]}, "tiers",
     "Tier 1: size_band must be one of micro, small, medium, large, any."),
    ({"delivery": [{"institution": "test-nw-hub", "regions": ["OH"]}]}, "delivery",
     "Entry 1: not a region of GB: OH."),
    ({"sources": [{"title": "Undated", "url": "https://example.org/"}]}, "sources",
     "Source 1: the source 'Undated' needs the date it was read (read_on)."),
    ({"sme_rule": "XX"}, "sme_rule", None),
    ({"successor": "test-adoption"}, "successor", "A programme cannot follow itself."),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD)
def test_the_loader_refuses_what_the_model_refuses(db, change, field, message):
    record = {**RECORD, **change}
    report = programmes_load(data=fixture(record))
    found = [(e.field, e.message) for e in report.errors]
    assert found and all(f == field for f, _m in found), found
    if message:
        assert (field, message) in found
    assert not Programme.objects.exists()


@pytest.mark.parametrize(("change", "field", "message"), BAD)
def test_the_model_itself_refuses_the_same(db, change, field, message):
    assert programmes_load(data=fixture(RECORD)).ok
    programme = Programme.objects.get(slug="test-adoption")
    for name, value in change.items():
        if name in {"status_checked_on"} and value:
            value = datetime.date.fromisoformat(value)
        setattr(programme, name, value if value is not None else (
            None if name.endswith("_on") else ""))
    programme.pending_kinds = ["grant", "advice"]
    with pytest.raises(ValidationError) as error:
        programme.full_clean()
    assert field in error.value.message_dict


# The same rule through the admin, the import and the loader -----------------------------------


def test_min_500_max_10_is_refused_by_the_admin_the_import_and_the_loader_alike(staff_client):
    assert programmes_load(data=fixture(RECORD)).ok
    programme = Programme.objects.get(slug="test-adoption")
    message = "The maximum must not be below the minimum."

    url = reverse("admin:programmes_programme_change", args=[programme.pk])
    page = staff_client.post(url, admin_post_data(programme, min_employees=500, max_employees=10))
    assert page.status_code == 200  # the form again, with the error; nothing saved
    assert message in page.content.decode()
    programme.refresh_from_db()
    assert programme.min_employees is None and programme.max_employees == 249

    row = dict.fromkeys(COLUMNS, "") | {
        "slug": "test-import", "name": "Imported", "country": "GB", "summary": "S",
        "kinds": "advice", "source_title": "T", "facts_as_of": "2026-01-01",
        "min_employees": "500", "max_employees": "10"}
    content = pd.DataFrame([row], columns=list(COLUMNS)).to_csv(index=False).encode()
    imported = programmes_import(name="p.csv", content=content, dry_run=True)
    assert [(e.field, e.message) for e in imported.errors] == [("max_employees", message)]

    loaded = programmes_load(data=fixture({**RECORD, "slug": "test-loaded", "min_employees": 500,
                                           "max_employees": 10}))
    assert [(e.field, e.message) for e in loaded.errors] == [("max_employees", message)]


def test_the_admin_saves_a_valid_change_and_keeps_its_history(staff_client):
    assert programmes_load(data=fixture(RECORD)).ok
    programme = Programme.objects.get(slug="test-adoption")
    url = reverse("admin:programmes_programme_change", args=[programme.pk])
    response = staff_client.post(url, admin_post_data(programme, status="suspended",
                                                      status_checked_on="2026-11-01"))
    assert response.status_code == 302, response.content.decode()[:2000]
    programme.refresh_from_db()
    assert programme.status == "suspended"
    statuses = [h.status for h in programme.history.order_by("history_id")]
    assert statuses[-2:] == ["open", "suspended"]
    history_page = staff_client.get(reverse("admin:programmes_programme_history",
                                            args=[programme.pk]))
    assert history_page.status_code == 200 and "staff" in history_page.content.decode()


def test_the_database_refuses_min_above_max_and_a_known_status_without_a_date(db):
    kind, _ = SupportKind.objects.get_or_create(key="advice")
    base = {"country": "GB", "summary": "S", "source_title": "T",
            "facts_as_of": datetime.date(2026, 1, 1)}
    with pytest.raises(IntegrityError), transaction.atomic():
        Programme.objects.create(slug="a", name="A", min_employees=500, max_employees=10, **base)
    with pytest.raises(IntegrityError), transaction.atomic():
        Programme.objects.create(slug="b", name="B", status="open", **base)


# Import and export carry every new field ------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_with_every_new_field_imports_back_unchanged(db, fmt):
    assert programmes_load(data=fixture(RECORD)).ok
    fields = ("status", "status_checked_on", "status_source", "regional_status", "primary_kind",
              "cost_to_firm", "official_name", "rounds", "predecessor", "successor", "tiers",
              "delivery", "sme_rule", "sources")
    before = Programme.objects.values(*fields).get(slug="test-adoption")
    content = programmes_export(Programme.objects.prefetch_related("kinds", "institutions"),
                                fmt=fmt)
    Programme.objects.all().delete()
    report = programmes_import(name=f"export.{fmt}", content=content, dry_run=False)
    assert report.ok, report.errors
    assert Programme.objects.values(*fields).get(slug="test-adoption") == before
    assert set(fields) <= set(COLUMNS)


def test_a_bad_json_cell_is_named_by_row_and_field(db):
    assert programmes_load(data=fixture(RECORD)).ok
    content = programmes_export(Programme.objects.all(), fmt="csv").decode()
    frame = pd.read_csv(pd.io.common.StringIO(content), dtype=str, keep_default_na=False)
    frame.loc[0, "rounds"] = "[{not json"
    report = programmes_import(name="p.csv", content=frame.to_csv(index=False).encode(),
                               dry_run=True)
    assert [(e.line, e.field, e.message) for e in report.errors] == [
        (2, "rounds", "Give valid JSON.")
    ]


def test_load_programmes_command_loads_the_shipped_fixtures(db):
    call_command("load_programmes", verbosity=0)
    assert Programme.objects.exists()
    # Every shipped record passes the model's own validation.
    for programme in Programme.objects.prefetch_related("kinds"):
        programme.pending_kinds = programme.kind_keys
        programme.full_clean()


def test_open_on_the_first_representable_day_is_not_an_error(db):
    assert programmes_load(data=fixture(RECORD)).ok
    assert list(Programme.objects.open_on(datetime.date.min)) == []
    assert [p.slug for p in Programme.objects.needs_checking_on(datetime.date.max)] == [
        "test-adoption"]  # checked in 2026: long stale by then
