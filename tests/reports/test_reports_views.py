"""Downloading the report: for the holder of the private link only, with a good file name."""

from __future__ import annotations

import io

from django.test import Client
from pypdf import PdfReader

from tests.factories import DIMENSION_KEYS, answer, make_assessment, make_submitted, open_link, url
from tests.reports.test_reports import load_programmes


def pdf_text(response) -> str:
    content = b"".join(response.streaming_content)
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


def test_holder_downloads_a_pdf_named_after_the_firm_and_date(framework, client):
    load_programmes()
    assessment, token = make_submitted(company_name="Acme Widgets Ltd")
    open_link(client, token)
    response = client.get(url("report", assessment))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    day = assessment.submitted_at.date().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="acme-widgets-ltd-readiness-report-{day}.pdf"')
    assert "no-store" in response["Cache-Control"]
    assert "Acme Widgets Ltd" in pdf_text(response)


def test_non_latin_names_keep_their_script_in_the_file_name(framework, client):
    load_programmes()
    assessment, token = make_submitted(company_name="삼성정밀 🚀")
    open_link(client, token)
    response = client.get(url("report", assessment))
    assert response.status_code == 200
    assert "filename*=utf-8''%EC%82%BC%EC%84%B1%EC%A0%95%EB%B0%80-readiness-report" in (
        response["Content-Disposition"])


def test_another_client_is_refused(framework, client):
    assessment, token = make_submitted()
    open_link(client, token)
    stranger = Client()
    response = stranger.get(url("report", assessment))
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")


def test_a_draft_downloads_with_a_watermark(framework, client):
    load_programmes()
    assessment, token = make_assessment(company_name="Halfway Ltd")
    answer(assessment, dict.fromkeys(DIMENSION_KEYS[:4], 2))
    open_link(client, token)
    response = client.get(url("report", assessment))
    assert response.status_code == 200
    assert "-draft-" in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    pages = PdfReader(io.BytesIO(content)).pages
    assert all("DRAFT" in p.extract_text() for p in pages)


def test_results_page_links_to_the_download(framework, client):
    load_programmes()
    assessment, token = make_submitted()
    open_link(client, token)
    page = client.get(url("results", assessment)).content.decode()
    assert f'href="{url("report", assessment)}"' in page
    assert "Download PDF report" in page


def test_a_rendering_failure_is_a_clear_page_not_a_500(framework, client, settings, tmp_path,
                                                        caplog):
    """A broken report template (a bad deploy) gives a message page and a log entry."""
    broken = tmp_path / "templates" / "reports"
    broken.mkdir(parents=True)
    (broken / "report.html").write_text('{% include "reports/no-such-part.html" %}')
    settings.TEMPLATES = [{**settings.TEMPLATES[0],
                           "DIRS": [tmp_path / "templates", *settings.TEMPLATES[0]["DIRS"]]}]
    assessment, token = make_submitted(company_name="Unlucky Ltd")
    open_link(client, token)
    response = client.get(url("report", assessment))
    assert response.status_code == 503
    body = response.content.decode()
    assert "could not produce the PDF report" in body
    assert "Unlucky Ltd" in body
    assert "Traceback" not in body
    assert any("Report download failed" in r.getMessage() for r in caplog.records)


def test_review_page_offers_the_draft_pdf(framework, client):
    assessment, token = make_assessment(company_name="Draft Offer Ltd")
    open_link(client, token)
    page = client.get(url("review", assessment)).content.decode()
    assert f'href="{url("report", assessment)}"' in page and "Download a draft PDF" in page
