"""F8: PDF reports are rendered by the reports worker, never in a web request; a client's renders
are budgeted; the firm (and the advisor) wait on a progress page; a stored, current report is
served at once.

These tests put the production task backend (django-tasks-db) back for reports and run the
worker (`manage.py task_worker --backend reports`) in-process until its queue is empty.
"""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from advisors import services as advisor_services
from advisors.models import Membership, Organisation
from reports.models import StoredReport
from tests.factories import DIMENSION_KEYS, answer, make_assessment, make_submitted, open_link, sign_in, url

# The worker runs outside the test's transaction, as a real one does (on PostgreSQL its
# check of old connections would otherwise close the connection the test holds open).
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def worker_backend(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {**settings.TASKS, "reports": {
        "BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def run_report_worker() -> None:
    call_command("task_worker", "--batch", "--backend", "reports", "--queue-name", "default",
                 "--no-startup-delay", "--no-reload")


def queued_renders() -> int:
    return DBTaskResult.objects.filter(backend_name="reports", status="READY").count()


def pdf_text(response) -> str:
    content = b"".join(response.streaming_content)
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_f8_pdf_is_queued_for_the_worker_and_the_firm_sees_progress(framework, client):
    assessment, token = make_submitted(company_name="Queued Widgets Ltd")
    open_link(client, token)

    response = client.get(url("report", assessment))
    assert response.status_code == 302
    assert response["Location"] == url("report_progress", assessment)
    assert StoredReport.objects.count() == 0  # nothing was rendered in the request
    assert queued_renders() == 1

    page = client.get(response["Location"])
    assert page.status_code == 200
    body = page.content.decode()
    assert "Waiting for its turn" in body
    assert f'hx-get="{url("report_progress", assessment)}"' in body
    assert "no-store" in page["Cache-Control"]

    run_report_worker()

    polled = client.get(url("report_progress", assessment), headers={"HX-Request": "true"})
    fragment = polled.content.decode()
    assert "Your report is ready" in fragment and 'id="report-download"' in fragment
    assert "<html" not in fragment and "hx-get" not in fragment  # the polling stops

    download = client.get(url("report", assessment))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert "Queued Widgets Ltd" in pdf_text(download)


def test_f8_asking_again_while_queued_queues_nothing_more(framework, client):
    assessment, token = make_submitted()
    open_link(client, token)
    for _ in range(5):
        assert client.get(url("report", assessment)).status_code == 302
    assert queued_renders() == 1


def test_f8_a_clients_renders_are_budgeted(framework, client, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "pdf_render": "2/h"}
    firms = [make_submitted(company_name=f"Budget {n} Ltd") for n in range(3)]
    for _, token in firms:
        open_link(client, token)
    statuses = [client.get(url("report", assessment)).status_code for assessment, _ in firms]
    assert statuses == [302, 302, 429]
    assert queued_renders() == 2

    run_report_worker()
    # Stored, current reports are served at once, whatever the budget says.
    for assessment, _ in firms[:2]:
        assert client.get(url("report", assessment)).status_code == 200


def test_f8_a_draft_changed_after_rendering_is_rendered_again(framework, client):
    assessment, token = make_assessment(company_name="Moving Draft Ltd")
    answer(assessment, dict.fromkeys(DIMENSION_KEYS[:4], 2))
    open_link(client, token)
    assert client.get(url("report", assessment)).status_code == 302
    run_report_worker()
    first = client.get(url("report", assessment))
    assert first.status_code == 200 and "DRAFT" in pdf_text(first)

    answer(assessment, dict.fromkeys(DIMENSION_KEYS[4:8], 3))
    assert client.get(url("report", assessment)).status_code == 302  # stale: queued again
    page = client.get(url("report_progress", assessment)).content.decode()
    assert "Waiting for its turn" in page


def test_f8_a_failed_render_says_so_and_offers_a_retry(framework, client, settings, tmp_path):
    broken = tmp_path / "templates" / "reports"
    broken.mkdir(parents=True)
    (broken / "report.html").write_text('{% include "reports/no-such-part.html" %}')
    settings.TEMPLATES = [{**settings.TEMPLATES[0],
                           "DIRS": [tmp_path / "templates", *settings.TEMPLATES[0]["DIRS"]]}]
    assessment, token = make_submitted(company_name="Unlucky Queue Ltd")
    open_link(client, token)
    client.get(url("report", assessment))
    run_report_worker()
    page = client.get(url("report_progress", assessment)).content.decode()
    assert "could not produce the PDF report" in page
    assert f'href="{url("report", assessment)}"' in page
    assert "Traceback" not in page


def test_f8_an_advisor_waits_on_the_case_progress_page(framework, client):
    hub = Organisation.objects.create(name="North West Hub", slug="nw")
    assessment, _ = make_submitted(company_name="Shared Queue Ltd")
    share = advisor_services.share_create(assessment=assessment, organisation=hub)
    advisor_services.note_add(share=share, author=None, text="Hub note for the PDF.",
                              audience="internal")
    ann = get_user_model().objects.create_user("ann")
    Membership.objects.create(user=ann, organisation=hub)
    advisor = Client()
    sign_in(advisor, ann)

    response = advisor.get(reverse("advisors:case_report", args=[share.pk]))
    progress = reverse("advisors:case_report_progress", args=[share.pk])
    assert response.status_code == 302 and response["Location"] == progress
    assert "Back to the case" in advisor.get(progress).content.decode()
    run_report_worker()
    download = advisor.get(reverse("advisors:case_report", args=[share.pk]))
    assert download.status_code == 200
    assert "Hub note for the PDF." in pdf_text(download)
