"""Many reports as one ZIP, built by the real django-tasks-db worker (`db_worker --batch`)."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from reports.models import ReportBundle, StoredReport
from reports.services import report_bundle_request, report_get_or_render
from tests.factories import DIMENSION_KEYS, answer, make_assessment, make_submitted
from tests.reports.test_reports import load_programmes


def run_worker() -> None:
    """What `make run` starts, run until the queue is empty."""
    call_command("db_worker", "--batch", "--queue-name", "default", "--no-startup-delay",
                 "--no-reload")



@pytest.mark.django_db(transaction=True)
def test_bundle_is_built_by_the_worker_with_progress_and_reused_reports(framework):
    load_programmes()
    first, _ = make_submitted(company_name="Alpha Metal Ltd")
    second, _ = make_submitted(company_name="Beta Plastics Ltd")
    twin, _ = make_submitted(company_name="Beta Plastics Ltd")  # same name and date
    draft, _ = make_assessment(company_name="Gamma Draft Ltd")
    answer(draft, dict.fromkeys(DIMENSION_KEYS[:5], 1))
    report_get_or_render(assessment=first)  # already stored: must be reused, not re-rendered
    stored = StoredReport.objects.get(assessment=first)

    bundle = report_bundle_request(assessments=[first, second, twin, draft])
    bundle.refresh_from_db()
    assert bundle.status == ReportBundle.Status.PENDING
    assert bundle.total == 4 and bundle.task_id
    assert DBTaskResult.objects.filter(id=bundle.task_id, status="READY").exists()

    run_worker()

    bundle.refresh_from_db()
    assert bundle.status == ReportBundle.Status.READY, bundle.error
    assert (bundle.done, bundle.percent) == (4, 100)
    assert bundle.started_at <= bundle.finished_at
    task = DBTaskResult.objects.get(id=bundle.task_id)
    assert task.status == "SUCCESSFUL"
    with zipfile.ZipFile(bundle.file.open("rb")) as archive:
        names = sorted(archive.namelist())
        assert len(names) == 4
        assert any(n.startswith("alpha-metal-ltd-readiness-report-") for n in names)
        beta = [n for n in names if n.startswith("beta-plastics-ltd")]
        assert len(beta) == 2 and any(n.endswith("-2.pdf") for n in beta)
        draft_name = next(n for n in names if n.startswith("gamma-draft-ltd-readiness-report-draft"))
        draft_pdf = PdfReader(io.BytesIO(archive.read(draft_name)))
        assert all("DRAFT" in page.extract_text() for page in draft_pdf.pages)
        alpha = next(n for n in names if n.startswith("alpha"))
        assert archive.read(alpha) == stored.file.open("rb").read()
    assert StoredReport.objects.get(assessment=first).rendered_at == stored.rendered_at
    # Submitted reports rendered for the bundle are stored for the next download.
    assert StoredReport.objects.filter(assessment__in=[second, twin]).count() == 2
    assert not StoredReport.objects.filter(assessment=draft).exists()


@pytest.mark.django_db(transaction=True)
def test_a_failed_bundle_says_so_clearly(framework, settings, tmp_path):
    load_programmes()
    assessment, _ = make_submitted(company_name="Delta Ltd")
    bundle = report_bundle_request(assessments=[assessment])
    # The media volume is gone (a file where its directory should be): nothing can be saved.
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    settings.MEDIA_ROOT = blocker

    run_worker()

    bundle.refresh_from_db()
    assert bundle.status == ReportBundle.Status.FAILED
    assert bundle.error.startswith("The bundle could not be built")
    assert bundle.finished_at is not None
    assert not bundle.file
    assert DBTaskResult.objects.get(id=bundle.task_id).status == "FAILED"
