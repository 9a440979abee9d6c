"""StoredReport and ReportBundle moved from readiness to reports in the migration state only:
a database migrated before the move keeps every stored report and bundle, with its links."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from reports.models import ReportBundle, StoredReport
from tests.factories import make_submitted

BEFORE = [("reports", None), ("readiness", "0015_benchmark_cohort_quartiles")]
AFTER = [("readiness", "0016_move_report_models")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


@pytest.mark.django_db(transaction=True)
def test_rows_made_before_the_move_are_read_after_it(framework):
    assessment, _ = make_submitted()
    advisor = User.objects.create(username="advisor-before-the-move")
    try:
        old = migrate(BEFORE)
        old_report = old.get_model("readiness", "StoredReport").objects.create(
            assessment_id=assessment.pk, audience="", file="reports/x/0123456789abcdef.pdf",
            fingerprint="f" * 64, pages=3, size=1000, render_seconds=1.5,
            rendered_at=timezone.now())
        old_bundle = old.get_model("readiness", "ReportBundle").objects.create(
            total=1, requested_by_id=advisor.pk, file="report-bundles/x.zip")
        old_bundle.assessments.add(assessment.pk)
        migrate(AFTER)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    report = StoredReport.objects.get(pk=old_report.pk)
    assert (report.assessment, report.file.name) == (assessment,
                                                      "reports/x/0123456789abcdef.pdf")
    assert list(assessment.reports.all()) == [report]
    bundle = ReportBundle.objects.get(pk=old_bundle.pk)
    assert list(bundle.assessments.all()) == [assessment]
    assert bundle.requested_by == advisor
