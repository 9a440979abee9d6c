"""The PDF's matches section shows each match's status and the day it was checked, the contact
for the firm's own region, and self-assessment tools apart (issue 12). The PDF is opened and its
text read; its pages are also written as PNG to test-artifacts/ for a person to look at."""

from __future__ import annotations

import io
import shutil
import subprocess

from pypdf import PdfReader

from reports.pipeline import evaluation_for_assessment
from reports.services import report_render
from tests.factories import make_submitted
from tests.reports.test_reports import load_programmes


def flat(content: bytes) -> str:
    return " ".join(" ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(content)).pages)
                    .split())


def test_the_report_gives_status_checked_on_and_the_regions_contact(framework, artifacts_dir):
    load_programmes()
    assessment, _ = make_submitted(company_name="Bolton Brackets Ltd", region="North West")
    result = evaluation_for_assessment(assessment).match_result
    assert result.matches, "a North West metal firm has matches"
    text = flat(report_render(assessment=assessment).content)

    for found in result.matches:
        assert found.status_text in text, found.slug
    england = next(m for m in result.matches if m.slug == "made-smarter-adoption-england")
    assert "Made Smarter: register for your region" in text
    assert [d.name for d in england.contacts] == ["Made Smarter: register for your region"]
    assert "Who to contact" in text
    assert '"Fit" weighs whether a programme works on the firm\'s top priorities' in text

    pdf = artifacts_dir / "report-trust.pdf"
    pdf.write_bytes(report_render(assessment=assessment).content)
    assert shutil.which("pdftoppm"), "poppler-utils must be installed"
    for old in artifacts_dir.glob("report-trust-page-*.png"):
        old.unlink()
    subprocess.run(  # noqa: S603
        ["pdftoppm", "-r", "70", "-png", str(pdf), str(artifacts_dir / "report-trust-page")],  # noqa: S607
        check=True,
    )
    assert list(artifacts_dir.glob("report-trust-page-*.png"))


def test_a_singapore_report_lists_siri_as_a_tool_not_a_match(framework):
    load_programmes()
    assessment, _ = make_submitted(company_name="Jurong Circuits Pte Ltd", country="SG",
                                   region="", employees=120, sector="26")
    result = evaluation_for_assessment(assessment).match_result
    assert "sg-siri" in [t.slug for t in result.tools]
    text = flat(report_render(assessment=assessment).content)
    assert "Tools to assess the firm" in text
    siri = next(t for t in result.tools if t.slug == "sg-siri")
    assert f"{siri.name} ({siri.status_text})" in text
