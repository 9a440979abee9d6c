"""The international view's pages in the PDF report, checked by their text (issue 15 item 1)."""

from __future__ import annotations

import io
import subprocess

from pypdf import PdfReader

from readiness.reports.rendering import ReportURLFetcher
from readiness.reports.services import report_render
from tests.factories import make_submitted
from tests.reports.test_reports import load_programmes


def _pages(content: bytes) -> list[str]:
    """Each page's text as a reader sees it: lines folded, a line broken after a hyphen joined."""
    return [" ".join((page.extract_text() or "").split()).replace("- ", "-")
            for page in PdfReader(io.BytesIO(content)).pages]


def test_the_report_compares_six_countries_today_and_on_the_notes_date(framework,
                                                                       artifacts_dir):
    load_programmes()
    assessment, _ = make_submitted(company_name="Pennine Pies", sector="10",
                                   region="North West")
    result = report_render(assessment=assessment, fetcher=ReportURLFetcher())
    path = artifacts_dir / "report-international.pdf"
    path.write_bytes(result.content)
    pages = _pages(result.content)
    text = " ".join(pages)
    today = next(i for i, p in enumerate(pages) if "Support in six countries as of" in p)
    then = next(i for i, p in enumerate(pages) if "Support in six countries on 30 November 2020"
                in p)
    assert today < then
    now_text = " ".join(pages[today:then])
    then_text = " ".join(pages[then:])
    for country in ("United Kingdom (the firm's)", "United States", "Germany",
                    "Singapore", "South Korea", "Taiwan"):  # headers are set in capitals
        assert country.upper() in now_text and country.upper() in then_text
    assert now_text.index("UNITED KINGDOM") < now_text.index("UNITED STATES")
    # Today: the England-wide programme, stale, never called open; 2020: the North West pilot.
    assert "Made Smarter Adoption Programme, England" in now_text
    assert "last confirmed open 26 Jun 2025" in now_text
    assert ("Made Smarter North West Adoption Pilot: grant up to £20k at 50 %; 1 of 12 regions;"
            " running by recorded dates") in then_text
    # At most two landscape pages for each date, with a summary line per country.
    assert then - today <= 2
    assert "Appendix" in pages[then + 1] or "Appendix" in pages[then + 2]
    assert "United Kingdom: running by recorded dates:" in then_text
    assert "Resilience Special Act: R&D transformation subsidy" in now_text
    assert "NT$5m" in now_text and "5 % tax credit" in now_text
    assert "No national offer found" in text
    # The pages as PNG, to look at (test-artifacts/).
    subprocess.run(  # noqa: S603 - our own file names
        ["pdftoppm", "-png", "-r", "60", "-f", str(today + 1), "-l",  # noqa: S607
         str(then + 1), str(path), str(artifacts_dir / "report-international")],
        check=True)
