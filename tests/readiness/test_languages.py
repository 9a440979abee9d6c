"""Languages (issue 17): the browser's language, the switcher, the language kept with the
assessment, its PDF in that language and an advisor's choice of the PDF's language."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from advisors import services as advisor_services
from advisors.models import Coverage, Membership, Organisation
from readiness.framework import load_translation
from readiness.models import Assessment
from tests.factories import make_assessment, make_submitted, open_link, sign_in, url
from tests.reports.test_reports import load_programmes

pytestmark = pytest.mark.django_db

HANGUL = re.compile(r"[\uac00-\ud7a3]")
# One dimension name and one band description per language, from the translation files.
EXPECTED = {
    language: (load_translation(1, language)["dimensions.shop_floor_automation.name"],
               load_translation(1, language)["dimensions.shop_floor_automation.bands.2.title"])
    for language in ("de", "ko", "zh-hant")
}


def poppler(tool: str, *args: str) -> str:
    """The output of one of poppler's tools (pdftotext, pdffonts; CI installs poppler-utils)."""
    executable = shutil.which(tool)
    if executable is None:
        pytest.skip(f"needs poppler-utils ({tool}), installed by scripts/system-packages test")
    # Fixed arguments and a file this test wrote: no untrusted input reaches the command.
    return subprocess.run([executable, *args], check=True,  # noqa: S603
                          capture_output=True, text=True).stdout


def pdf_text(content: bytes, tmp_path) -> str:
    """The PDF's text as poppler's pdftotext reads it."""
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    return poppler("pdftotext", "-enc", "UTF-8", str(path), "-")


def download(response) -> bytes:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


@pytest.mark.parametrize("language, accept", [("ko", "ko-KR,ko;q=0.9,en;q=0.5"),
                                              ("de", "de-AT,de;q=0.9"),
                                              ("zh-hant", "zh-TW,zh;q=0.9")])
def test_the_browsers_language_shows_the_framework_in_it_and_is_kept_with_the_assessment(
        framework, language, accept):
    client = Client(headers={"accept-language": accept})
    response = client.post(reverse("readiness:start"), {
        "company_name": "Hanbit Precision", "country": "KR", "region": "KR-11",
        "employees": "40", "sector": "25", "turnover": "", "turnover_currency": "",
        "contact_email": ""})
    assert response.status_code == 302, response.content.decode()[:500]
    assessment = Assessment.objects.get(company_name="Hanbit Precision")
    assert assessment.language == language
    page = client.get(url("pillar", assessment, pillar_key="automation")).content.decode()
    name, band_title = EXPECTED[language]
    assert name in page and band_title in page
    assert f'<html lang="{language}">' in page


def test_the_switcher_changes_the_pages_and_the_assessments_language(framework, client):
    assessment, token = make_assessment()
    assert assessment.language == "en-gb"
    open_link(client, token)
    pillar = url("pillar", assessment, pillar_key="automation")
    page = client.get(pillar).content.decode()
    assert f'name="assessment" value="{assessment.public_id}"' in page
    assert "Shop Floor Automation" in page
    response = client.post(reverse("set_language"), {
        "language": "ko", "next": pillar, "assessment": str(assessment.public_id)})
    assert response.status_code == 302 and response["Location"] == pillar
    assessment.refresh_from_db()
    assert assessment.language == "ko"
    page = client.get(pillar).content.decode()
    assert EXPECTED["ko"][0] in page and "Shop Floor Automation" not in page


def test_a_switch_by_someone_without_the_link_changes_only_their_own_pages(framework, client):
    assessment, _ = make_assessment()
    response = client.post(reverse("set_language"), {
        "language": "de", "next": "/", "assessment": str(assessment.public_id)})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.language == "en-gb"
    cookie = client.cookies["django_language"]
    assert cookie.value == "de"
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    # The switcher's own words are translated (locale/, compiled by `make install`).
    assert "Sprache wechseln" in client.get("/").content.decode()


@pytest.mark.parametrize("post", [
    {"language": "fr", "next": "/"},
    {"language": "ko", "next": "/", "assessment": "not-a-uuid"},
    {"language": "x" * 5000, "next": "https://evil.example/"},
    {"next": "/"},
])
def test_bad_switches_change_nothing_and_never_fail(framework, client, post):
    assessment, token = make_assessment()
    open_link(client, token)
    post = {**post, **({"assessment": str(assessment.public_id)} if "assessment" not in post
                       else {})}
    response = client.post(reverse("set_language"), post)
    assert response.status_code == 302
    assert not response["Location"].startswith("https://evil")
    assessment.refresh_from_db()
    assert assessment.language == "en-gb"


def test_the_switcher_is_on_every_page_and_works_without_javascript(framework, client):
    for path in ("/", reverse("readiness:start"), reverse("programmes:directory")):
        page = client.get(path).content.decode()
        assert f'action="{reverse("set_language")}"' in page, path
        assert 'method="post"' in page and 'name="language"' in page
        assert 'type="submit"' in page


@pytest.mark.parametrize("language", ["ko", "de", "zh-hant"])
def test_the_pdf_comes_in_the_assessments_language(framework, client, tmp_path, language):
    load_programmes()
    with translation.override(language):
        assessment, token = make_submitted(company_name="Hanbit Precision")
    assert assessment.language == language
    open_link(client, token)
    content = download(client.get(url("report", assessment)))
    # Screen readers read the PDF in its language (the tagged PDF's /Lang).
    assert PdfReader(io.BytesIO(content)).trailer["/Root"]["/Lang"] == language
    text = pdf_text(content, tmp_path)
    name, _ = EXPECTED[language]
    # Names can wrap in a table cell: compare without white space.
    assert re.sub(r"\s", "", name) in re.sub(r"\s", "", text)
    if language == "ko":
        assert len(HANGUL.findall(text)) > 200
    assert "Shop Floor Automation" not in text
    # Han characters in the glyph forms of the language: Taiwan's (TC), Korea's (KR).
    fonts = poppler("pdffonts", str(tmp_path / "report.pdf"))
    wanted = {"ko": "Noto-Sans-CJK-KR", "zh-hant": "Noto-Sans-CJK-TC", "de": "DejaVu-Sans"}
    assert wanted[language] in fonts
    if language == "zh-hant":
        assert "Noto-Sans-CJK-KR" not in fonts


@pytest.fixture
def hub(framework):
    organisation = Organisation.objects.create(name="Seoul Hub", slug="seoul-hub")
    Coverage.objects.create(organisation=organisation, country="GB", region="North West")
    return organisation


@pytest.fixture
def advisor(hub):
    user = get_user_model().objects.create_user("min", password="x-unused-x")
    Membership.objects.create(user=user, organisation=hub)
    client = Client()
    sign_in(client, user)
    return client


def test_an_advisor_chooses_the_language_of_a_cases_pdf(hub, advisor, tmp_path):
    load_programmes()
    with translation.override("ko"):
        assessment, _ = make_submitted(company_name="Hanbit Precision")
    share = advisor_services.share_create(assessment=assessment, organisation=hub)
    review = advisor.get(reverse("advisors:review", args=[share.pk])).content.decode()
    assert 'name="lang"' in review and '<option value="ko" lang="ko" selected>' in review
    report = reverse("advisors:case_report", args=[share.pk])
    korean = pdf_text(download(advisor.get(report)), tmp_path)
    assert EXPECTED["ko"][0].replace(" ", "") in korean.replace(" ", "").replace("\n", "")
    german = pdf_text(download(advisor.get(report, {"lang": "de"})), tmp_path)
    assert "Automatisierung der Fertigung" in german.replace("\n", " ")
    assert HANGUL.findall(german) == []
    # The firm's own language is untouched by the advisor's choice.
    assessment.refresh_from_db()
    assert assessment.language == "ko"


@pytest.mark.parametrize("lang", ["fr", "x" * 300, "../de"])
def test_an_unknown_pdf_language_is_a_message_not_an_error(hub, advisor, lang):
    assessment, _ = make_submitted()
    share = advisor_services.share_create(assessment=assessment, organisation=hub)
    response = advisor.get(reverse("advisors:case_report", args=[share.pk]), {"lang": lang},
                           follow=True)
    assert response.status_code == 200
    assert "Reports come in English, German, Korean or Traditional Chinese" in (
        response.content.decode())


def test_the_one_page_plan_comes_in_the_assessments_language_not_the_pages(
        framework, client, tmp_path):
    load_programmes()
    with translation.override("ko"):
        assessment, token = make_submitted(company_name="Hanbit Precision")
    open_link(client, token)  # this browser asks for no language: its pages are English
    assert "Shop Floor Automation" in client.get(url("results", assessment)).content.decode()
    text = pdf_text(download(client.get(url("plan_pdf", assessment))), tmp_path)
    assert HANGUL.search(text), text[:500]


def test_a_programme_page_names_its_dimensions_in_the_visitors_language(framework, loaded):
    from programmes.models import Programme

    programme = next(p for p in Programme.objects.all() if "shop_floor_automation" in
                     (p.dimensions or []))
    path = reverse("programmes:detail", args=[programme.slug])
    german = Client(headers={"accept-language": "de"}).get(path).content.decode()
    assert EXPECTED["de"][0] in german
    english = Client().get(path).content.decode()
    assert "Shop Floor Automation" in english and EXPECTED["de"][0] not in english


def test_the_firms_data_download_includes_its_language(framework, client):
    with translation.override("de"):
        assessment, token = make_assessment()
    open_link(client, token)
    data = client.get(url("data_export", assessment)).json()
    assert data["assessment"]["language"] == "de"


def test_the_results_page_follows_the_visitors_language_and_its_cache_keeps_them_apart(
        framework, client):
    load_programmes()
    assessment, token = make_submitted(company_name="Hanbit Precision")
    open_link(client, token)
    results = url("results", assessment)
    english = client.get(results).content.decode()
    assert "Shop Floor Automation" in english
    # The results body is cached per assessment: a Korean visit must not get the English one.
    korean = client.get(results, headers={"accept-language": "ko"}).content.decode()
    assert EXPECTED["ko"][0] in korean and "Shop Floor Automation" not in korean
    again = client.get(results).content.decode()
    assert "Shop Floor Automation" in again and EXPECTED["ko"][0] not in again
