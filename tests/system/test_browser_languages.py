"""The language switcher in a real Chromium (issue 17): a firm picks its language on the
questionnaire and the framework's texts (dimension names, band descriptions) change to it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from readiness.framework import load_translation
from readiness.models import Assessment
from tests.factories import make_assessment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KEY = "shop_floor_automation"


def test_a_firm_switches_the_questionnaire_to_each_language(page, framework, artifacts_dir):
    assessment, token = make_assessment(company_name="Hanbit Precision")
    page.goto(reverse("readiness:resume", kwargs={"token": token}))
    page.goto(reverse("readiness:pillar", kwargs={"public_id": assessment.public_id,
                                                  "pillar_key": "automation"}))
    expect(page.locator("main")).to_contain_text("Shop Floor Automation")
    page.screenshot(path=str(artifacts_dir / "i18n-questionnaire-en-gb.png"), full_page=True)

    for language in ("ko", "de", "zh-hant"):
        texts = load_translation(1, language)
        switcher = page.locator("form.language-switcher")
        switcher.get_by_label("Language").or_(switcher.locator("select")).first.select_option(
            language)
        switcher.locator("button[type=submit]").click()
        main = page.locator("main")
        # Still the same page of the questionnaire, now in the chosen language.
        expect(page).to_have_url(f"{page.url.split('/assessment/')[0]}/assessment/"
                                 f"{assessment.public_id}/pillar/automation/")
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(main).to_contain_text(texts[f"dimensions.{KEY}.name"])
        expect(main).to_contain_text(texts[f"dimensions.{KEY}.bands.3.description"][:40])
        expect(main).not_to_contain_text("Shop Floor Automation")
        page.screenshot(path=str(artifacts_dir / f"i18n-questionnaire-{language}.png"),
                        full_page=True)
        assessment = Assessment.objects.get(pk=assessment.pk)
        assert assessment.language == language


def test_a_korean_firm_goes_through_the_assessment_in_a_korean_browser(
        chromium, live_server, framework, artifacts_dir):
    """A browser set to Korean: the framework speaks Korean from the first question to the
    PDF, whose text has the dimension names in Hangul. (The pages' own sentences are English
    until the templates are translated: docs/i18n.md.)"""
    from django.core.management import call_command

    from readiness.framework import load_framework

    call_command("load_programmes", verbosity=0)
    korean = load_framework(1, "ko")
    context = chromium.new_context(base_url=live_server.url, locale="ko-KR",
                                   viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto("/start/")
        expect(page.locator("html")).to_have_attribute("lang", "ko")
        page.get_by_label("Firm name").fill("한빛정밀")
        page.get_by_label("Country").select_option("KR")
        region = page.get_by_label("Region")
        expect(region.locator("option[value='KR-11']")).to_have_count(1)
        region.select_option("KR-11")
        page.get_by_label("Sector").select_option("25")
        page.get_by_label("Employees (headcount)").fill("38")
        page.get_by_role("button", name="Save and continue").click()

        for pillar in korean.pillars.values():
            expect(page.get_by_role("heading", level=1)).to_have_text(pillar.name)
            for key in pillar.dimensions:
                expect(page.locator("main")).to_contain_text(korean.dimensions[key].name)
                page.locator(f"label[for='id_band_{key}_2']").click()
            page.get_by_role("button", name=re.compile("Save and continue")).click()

        productivity, labour = korean.objectives[0], korean.cost_categories[0]
        page.get_by_label(re.compile(f"{productivity.name}:")).check()
        page.get_by_label(f"{labour.name} (%)").fill("100")
        page.get_by_role("button", name=re.compile("Save and continue")).click()
        page.get_by_role("button", name="Submit and see my results").click()
        expect(page.locator("#dimension-table")).to_contain_text(
            korean.dimensions["shop_floor_automation"].name)
        page.screenshot(path=str(artifacts_dir / "i18n-results-ko.png"), full_page=True)

        assessment = Assessment.objects.get(company_name="한빛정밀")
        assert assessment.language == "ko" and not assessment.is_draft
        with page.expect_download() as download:
            page.locator("#download-report").click()
        text = subprocess_text(download.value.path())
        flat = re.sub(r"\s", "", text)
        for key in ("vertical_integration", "shop_floor_automation", "strategy_governance"):
            assert re.sub(r"\s", "", korean.dimensions[key].name) in flat
    finally:
        context.close()


def subprocess_text(path) -> str:
    import shutil
    import subprocess

    executable = shutil.which("pdftotext")
    if executable is None:
        pytest.skip("needs poppler-utils (pdftotext), installed by scripts/system-packages test")
    return subprocess.run([executable, "-enc", "UTF-8", str(path), "-"],  # noqa: S603
                          check=True, capture_output=True, text=True).stdout
