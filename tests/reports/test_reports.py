"""The PDF report: what it says, how it looks, what it fetches, and which scripts it can print."""

from __future__ import annotations

import io
import shutil
import socket
import subprocess

import pytest
from pypdf import PdfReader

from readiness.models import Assessment
from readiness.reports.rendering import ReportURLFetcher, html_to_pdf
from readiness.reports.selectors import report_context
from readiness.reports.services import report_filename, report_render
from tests.factories import DIMENSION_KEYS, answer, make_assessment, make_submitted

# A firm whose profile matches the Made Smarter programmes (GB, North West, metal products).
BANDS = {key: (i % 5) for i, key in enumerate(DIMENSION_KEYS)}


def load_programmes() -> None:
    from programmes.services import fixture_paths, programmes_load, read_fixture

    for path in fixture_paths():
        assert programmes_load(data=read_fixture(path)).ok


def pdf_pages(content: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages]


def flat(text: str) -> str:
    """Text with line breaks and repeated spaces folded, as a reader sees it."""
    return " ".join(text.split())


def pdf_fonts(content: bytes) -> set[str]:
    fonts: set[str] = set()
    for page in PdfReader(io.BytesIO(content)).pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            fonts.add(str(font.get_object().get("/BaseFont")))
    return fonts


@pytest.fixture
def network_guard(monkeypatch):
    """Fail on any attempt to open a network connection while rendering (records it first)."""
    attempts: list[object] = []

    def refuse(self, address, *args, **kwargs):
        attempts.append(address)
        raise OSError(f"network access during a report render: {address!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


@pytest.fixture
def submitted(framework):
    load_programmes()
    assessment, _ = make_submitted(
        BANDS, company_name="Acme Widgets Ltd",
    )
    assessment.objectives = ["productivity", "quality"]
    assessment.cost_profile = {"labour": 40, "materials": 35, "energy": 25}
    assessment.save()
    return assessment


@pytest.fixture
def rendered(submitted, network_guard):
    fetcher = ReportURLFetcher()
    result = report_render(assessment=submitted, fetcher=fetcher)
    return result, fetcher


def test_report_text_has_firm_dimensions_scores_priorities_and_programmes(submitted, rendered):
    result, _ = rendered
    pages = pdf_pages(result.content)
    text = flat("\n".join(pages))
    context = report_context(submitted)
    spec = context["spec"]
    assert "Acme Widgets Ltd" in text
    for dim in spec.dimensions.values():
        assert dim.name in text, dim.name
    for block in spec.blocks:
        assert block.name in text
    for pillar in spec.pillars.values():
        assert pillar.name in text
    assert f"{context['scores'].overall:.1f} out of 5" in text
    for block_score in context["scores"].blocks.values():
        assert f"{block_score:.1f}" in text
    top = context["priorities"]
    assert len(top) == 5
    for item in top:
        assert item["dim"].name in text
        assert f"impact {item['priority'].impact:.2f}" in text
        assert f"{item['priority'].components.gap:.2f}" in text
    matches = context["match_result"].matches
    assert matches, "a GB North West metal firm matches Made Smarter programmes"
    for match in matches:
        assert match.name in text
    for near in context["match_result"].near_misses_here:
        assert near.name in text
        assert flat(near.blockers[0].message) in text
    # Methodology appendix: framework version and the programmes' sources with their dates.
    assert f"version {spec.version}" in text
    for fact in context["sources"]:
        assert flat(fact.source_title)[:40] in text
    assert "Executive summary" in text
    assert "DRAFT" not in text


def test_page_count_is_sane_and_every_page_is_numbered(rendered):
    result, _ = rendered
    pages = pdf_pages(result.content)
    assert 8 <= len(pages) <= 20
    assert result.pages == len(pages)
    for number, page in enumerate(pages[1:], start=2):  # the cover has no running footer
        assert f"Page {number} of {len(pages)}" in page
        assert "Acme Widgets Ltd" in page  # the running header


def test_the_pdf_is_tagged_for_screen_readers(rendered):
    result, _ = rendered
    reader = PdfReader(io.BytesIO(result.content))
    catalog = reader.trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert catalog["/Lang"] == "en-gb"  # the assessment's language (docs/i18n.md)
    structure = catalog["/StructTreeRoot"]
    kinds: set[str] = set()

    def walk(node, depth=0) -> None:
        node = node.get_object()
        if depth > 40 or not hasattr(node, "get"):
            return
        if node.get("/S"):
            kinds.add(str(node["/S"]))
        children = node.get("/K")
        if children is not None:
            for child in (children if isinstance(children, list) else [children]):
                walk(child, depth + 1)

    walk(structure)
    # Headings, paragraphs and tables are marked as such, not only as loose text.
    assert {"/H1", "/H2", "/P", "/Table"} <= kinds, sorted(kinds)
    assert reader.metadata.title.startswith("Acme Widgets Ltd")


def test_radar_chart_is_in_the_pdf_as_real_text(submitted, rendered):
    result, _ = rendered
    pages = pdf_pages(result.content)
    profile = next(p for p in pages if "Readiness profile" in p and "Each spoke" in p)
    # The profile page's table lists only blocks and pillars, so dimension names on that page
    # can only come from the chart's axis labels.
    spec = report_context(submitted)["spec"]
    for dim in spec.dimensions.values():
        for word in dim.name.replace("-", " ").split():
            assert word in profile, (dim.name, word)


def test_rendering_fetches_only_our_own_static_files(rendered, network_guard):
    result, fetcher = rendered
    assert fetcher.requested, "the stylesheet comes through the fetcher"
    assert all(url.startswith(("file:///static/", "data:")) for url in fetcher.requested), (
        fetcher.requested)
    assert fetcher.refused == []
    assert network_guard == []
    assert set(result.requested) == set(fetcher.requested)


def test_fetcher_refuses_http_and_files_outside_static(network_guard, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    html = """<html><head>
      <link rel="stylesheet" href="http://127.0.0.1:9/evil.css">
      <link rel="stylesheet" href="https://example.com/x.css">
      <link rel="stylesheet" href="file:///etc/passwd">
      <link rel="stylesheet" href="file:///static/../../../etc/passwd">
      <link rel="stylesheet" href="file:///media/../../etc/passwd">
      </head><body><p>Hello</p><img src="ftp://example.com/x.png" alt=""></body></html>"""
    fetcher = ReportURLFetcher()
    result = html_to_pdf(html, fetcher=fetcher)
    assert "Hello" in pdf_pages(result.content)[0]
    assert len(fetcher.refused) == 6
    assert set(fetcher.refused) == set(fetcher.requested)
    assert network_guard == []


def test_user_text_cannot_smuggle_in_a_url(framework, network_guard):
    load_programmes()
    assessment, _ = make_assessment(company_name='<img src="http://127.0.0.1:9/x.png"> Evil Ltd')
    answer(assessment, {DIMENSION_KEYS[0]: 2},
           evidence='<link rel="stylesheet" href="http://127.0.0.1:9/x.css">')
    assessment.refresh_from_db()
    fetcher = ReportURLFetcher()
    result = report_render(assessment=assessment, fetcher=fetcher)
    assert all(url.startswith(("file:///static/", "data:")) for url in fetcher.requested)
    assert '<img src="http://127.0.0.1:9/x.png"> Evil Ltd' in flat(pdf_pages(result.content)[1])
    assert network_guard == []


@pytest.mark.parametrize(
    ("name", "font"),
    [
        ("삼성정밀 주식회사", "Noto-Sans-CJK"),
        ("深圳精密制造有限公司", "Noto-Sans-CJK"),
        ("Müller & Söhne Präzisionstechnik GmbH", "DejaVu-Sans"),
        ("Rocket Parts 🚀🏭 Ltd", "Noto-Color-Emoji"),
    ],
)
def test_firm_names_in_any_script_render_with_a_font_that_has_them(framework, name, font):
    load_programmes()
    assessment, _ = make_submitted(company_name=name)
    result = report_render(assessment=assessment)
    text = flat("\n".join(pdf_pages(result.content)))
    assert name.replace("🚀🏭", "").strip().split()[0] in text
    fonts = pdf_fonts(result.content)
    assert any(font in f for f in fonts), fonts
    if "🚀" in name:
        assert "🚀" in text  # the emoji went in as text, not as a missing-glyph box


def test_very_long_name_and_note_wrap_and_stay_whole(framework):
    load_programmes()
    name = ("Allerlängste Präzisionsmaschinenbau- und Oberflächenveredelungsgesellschaft mit "
            "beschränkter Haftung & Co. KG Niederlassung Nordrhein-Westfalen Werk Süd")[:200]
    note = "Wir haben viele Maschinen vernetzt und ein MES eingeführt. " * 30 + "X" * 150
    assessment, _ = make_assessment(company_name=name)
    answer(assessment, dict.fromkeys(DIMENSION_KEYS, 3), evidence=note[:2000])
    assessment.refresh_from_db()
    result = report_render(assessment=assessment)
    pages = pdf_pages(result.content)
    text = flat("\n".join(pages)).replace(" ", "")
    assert name.replace(" ", "") in text
    assert ("X" * 150) in text  # an unbreakable word is wrapped, not cut
    assert len(pages) < 40


def test_a_draft_says_draft_on_every_page(framework):
    load_programmes()
    assessment, _ = make_assessment(company_name="Draft Works Ltd")
    answer(assessment, dict.fromkeys(DIMENSION_KEYS[:8], 2))
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.DRAFT
    result = report_render(assessment=assessment)
    pages = pdf_pages(result.content)
    assert all("DRAFT" in page for page in pages)
    assert "Not answered yet" in flat("\n".join(pages))
    assert "-draft-" in report_filename(assessment)


def test_visual_check_pages_are_written_as_png(rendered, artifacts_dir):
    """Renders every page to PNG for a person to look at (docs/reports.md says how)."""
    result, _ = rendered
    assert shutil.which("pdftoppm"), "poppler-utils must be installed"
    pdf = artifacts_dir / "report.pdf"
    pdf.write_bytes(result.content)
    for old in artifacts_dir.glob("report-page-*.png"):
        old.unlink()
    subprocess.run(  # noqa: S603
        ["pdftoppm", "-r", "80", "-png", str(pdf), str(artifacts_dir / "report-page")],  # noqa: S607
        check=True,
    )
    pngs = sorted(artifacts_dir.glob("report-page-*.png"))
    assert len(pngs) == result.pages
    assert pngs[0].stat().st_size > 20_000  # a cover with colour and text, not a blank page


def test_filename_names_the_firm_and_date(submitted):
    name = report_filename(submitted)
    assert name == f"acme-widgets-ltd-readiness-report-{submitted.submitted_at.date()}.pdf"
