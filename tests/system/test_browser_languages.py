"""The language switcher in a real Chromium (issue 17): a firm picks its language on the
questionnaire and the framework's texts (dimension names, band descriptions) change to it."""

from __future__ import annotations

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
