"""The caseload's firm-name search: case-insensitive substring, index-backed on PostgreSQL.

The trigram index (readiness/migrations/0006) exists on PostgreSQL only: there the plan must
read it; on SQLite the migration must leave the database alone, and the search is the same
``icontains`` over a small table. Both passes of CI run both tests.
"""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection

from advisors import services
from advisors.models import Organisation, Share
from advisors.selectors import CaseloadFilters, caseload
from readiness.models import Assessment, Firm
from tests.factories import make_submitted

pytestmark = pytest.mark.django_db

INDEX = "assessment_company_name_trgm"
FILLER = 2000
MATCHING = {"Kestrel Tooling Ltd", "KESTREL TOOLING (North)", "Old kestrel toolings"}
OTHERS = {"Kestrel Castings", "Apex Tooling", "Kestrel  Tooling"}  # last: two spaces


@pytest.fixture
def hub(framework):
    organisation = Organisation.objects.create(name="North West Hub", slug="nw-hub")
    for name in sorted(MATCHING | OTHERS):
        assessment, _ = make_submitted(company_name=name)
        services.share_create(assessment=assessment, organisation=organisation)
    return organisation


def add_filler(organisation: Organisation, framework, count: int) -> None:
    """Shared assessments that never match, enough for the planner to prefer an index."""
    firms = Firm.objects.bulk_create(Firm(name=f"Filler Foods {i:05d}") for i in range(count))
    assessments = Assessment.objects.bulk_create(
        Assessment(framework=framework, firm=firm, company_name=firm.name, status="submitted",
                   token_hash=hashlib.sha256(f"filler-{firm.pk}".encode()).hexdigest(),
                   country="GB", region="North West", employees=20, sector="10")
        for firm in firms)
    Share.objects.bulk_create(Share(assessment=a, organisation=organisation) for a in assessments)


def names(organisation: Organisation, q: str) -> set[str]:
    shares = caseload(organisation=organisation, filters=CaseloadFilters(q=q))
    return {share.assessment.company_name for share in shares}


def test_name_search_is_a_case_insensitive_substring(hub):
    assert names(hub, "kestrel tooling") == MATCHING
    assert names(hub, "  KESTREL TOOLING  ") == MATCHING  # the selector strips the input
    assert names(hub, "estrel tool") == MATCHING
    assert names(hub, "castings") == {"Kestrel Castings"}
    assert names(hub, "no such firm") == set()


def test_name_search_reads_the_trigram_index_on_postgresql_and_sqlite_is_left_alone(
        hub, framework):
    if connection.vendor != "postgresql":
        # SQLite has no pg_trgm: migration 0006 must not touch it (the search above still works).
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE name = %s", [INDEX])
            assert cursor.fetchall() == []
        return
    add_filler(hub, framework, FILLER)
    with connection.cursor() as cursor:
        # New GIN entries wait in the index's pending list until (auto)vacuum merges them, and
        # the planner prices a long pending list as a slow index; merge them as autovacuum would.
        cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [INDEX])
        cursor.execute("ANALYZE readiness_assessment")
        cursor.execute("ANALYZE advisors_share")
        # Inside the test's transaction, so it ends with it.
        cursor.execute("SET LOCAL enable_seqscan = off")
    shares = caseload(organisation=hub, filters=CaseloadFilters(q="Kestrel Tooling"))
    assert 'UPPER("readiness_assessment"."company_name"::text) LIKE UPPER(' in str(shares.query)
    plan = shares.explain()
    assert INDEX in plan, plan
    # What the caseload page counts and shows, read through the index.
    assert shares.count() == len(MATCHING)
    assert {share.assessment.company_name for share in shares} == MATCHING
