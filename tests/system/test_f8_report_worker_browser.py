"""F8 in Chromium: a firm asks for its PDF, waits on the progress page while the reports worker
renders it, and downloads it when the page says it is ready (htmx polling, no reload)."""

from __future__ import annotations

import datetime
import io

import pytest
from pypdf import PdfReader

from tests.factories import make_submitted, url
from tests.reports.test_f8_report_worker import run_report_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def worker_backend(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {**settings.TASKS, "reports": {
        "BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def test_f8_firm_waits_on_the_progress_page_then_downloads(page, framework, artifacts_dir):
    assessment, token = make_submitted(company_name="Patient Presses Ltd")
    # The page's clock is ours: htmx polls only when the test moves it on, never while the
    # worker writes (the live server and this thread share one in-memory SQLite connection).
    page.clock.install()
    page.goto(f"/resume/{token}/")
    page.goto(url("report", assessment))  # queues the render and lands on the progress page
    assert page.url.endswith(url("report_progress", assessment))
    page.clock.pause_at(datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=5))
    page.get_by_text("Waiting for its turn").wait_for()
    page.screenshot(path=str(artifacts_dir / "report-progress-queued.png"), full_page=True)

    run_report_worker()

    page.clock.run_for(2500)  # the next poll
    download_link = page.locator("#report-download")
    download_link.wait_for(timeout=15000)  # the polled fragment swaps in the link
    page.screenshot(path=str(artifacts_dir / "report-progress-ready.png"), full_page=True)
    with page.expect_download() as download_info:
        download_link.click()
    download = download_info.value
    assert download.suggested_filename.startswith("patient-presses-ltd-readiness-report")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(
        open(download.path(), "rb").read())).pages)  # noqa: SIM115
    assert "Patient Presses Ltd" in text
