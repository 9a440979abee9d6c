"""Accessibility of the real pages: axe-core in a real Chromium, against WCAG 2.2 AA.

Growth hubs are UK public-sector bodies bound by the Public Sector Bodies Accessibility
Regulations (WCAG 2.2 AA), so every key page of the firm's journey and of the advisor workspace
is checked with axe-core (an npm devDependency in node_modules/axe-core, never served to users),
and the questionnaire once with the keyboard alone. What axe cannot judge is listed in
docs/decisions.md.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import Page, expect

from advisors import services as advisor_services
from advisors.models import Coverage, Membership, Organisation, Share
from readiness import services
from readiness.models import Answer
from tests.factories import DIMENSION_KEYS, answer, make_assessment, make_submitted, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2 at levels A and AA, plus axe's best practices (one main landmark, heading
# order, content in landmarks...), which the pages also meet.
RULE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
# No page has a violation of any impact today; "moderate" is kept out too (it includes
# landmark and heading problems). Only "minor" would pass, and is printed.
FAILING_IMPACTS = {"critical", "serious", "moderate"}


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail("node_modules/axe-core is missing: run `npm ci` (`make install` does)")
    return AXE.read_text("utf-8")


def run_axe(page: Page, source: str) -> list[dict]:
    """Inject axe into the current page and return its violations, as plain data.

    The site's CSP allows only our own scripts and nonced ones, so `page.add_script_tag` (an
    inline <script> without the nonce) is refused by the browser, and the refusal fails the
    `page` fixture's console check. `page.evaluate` runs the source through the DevTools
    protocol, which the page's CSP does not govern, so axe runs under the real policy: no
    `bypass_csp` context, and the page is tested exactly as it is served.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(source)
    return page.evaluate(
        """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}}).then(result =>
            result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, url: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target.join(' '),
                                          html: n.html, summary: n.failureSummary})),
            })))""",
        RULE_TAGS,
    )


def duplicate_ids(page: Page) -> list[str]:
    """Ids used twice. WCAG 2.2 dropped 4.1.1 Parsing, and axe with it, but a duplicate id still
    sends a label, an aria reference or a skip link to the wrong element."""
    return page.evaluate("""() => {
        const seen = new Map();
        for (const el of document.querySelectorAll('[id]')) seen.set(el.id, (seen.get(el.id) || 0) + 1);
        return [...seen].filter(([, n]) => n > 1).map(([id, n]) => `#${id} (${n} times)`);
    }""")


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['url']})")
        for node in v["nodes"][:8]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    at {node['target']}  {node['html'][:120]}\n        {summary[:400]}")
        if len(v["nodes"]) > 8:
            lines.append(f"    ... and {len(v['nodes']) - 8} more elements")
    return "\n".join(lines)


# --- Data for each page, built through the services, and the way there -------------------------

def draft(page: Page) -> str:
    """A draft with a few answers, opened in the browser through its private link."""
    assessment, token = make_assessment(company_name="Pennine Precision Ltd")
    answer(assessment, {"vertical_integration": 2, "horizontal_integration": None})
    page.goto(f"/resume/{token}/")
    return str(assessment.public_id)


def submitted(page: Page) -> str:
    """A submitted assessment with objectives and costs, so priorities and matches are full."""
    call_command("load_programmes", verbosity=0)
    assessment, token = make_assessment(company_name="Pennine Precision Ltd")
    answer(assessment, dict.fromkeys(DIMENSION_KEYS, 2) | {
        "vertical_integration": 1, "shop_floor_intelligence": 0, "facility_automation": None})
    services.assessment_update_objectives(
        assessment=assessment, objectives=["productivity", "quality"],
        cost_profile={"labour": 50, "materials": 30, "energy": 20})
    services.assessment_submit(assessment=assessment)
    page.goto(f"/resume/{token}/")
    return str(assessment.public_id)


def advisor_case(page: Page, live_server) -> Share:
    """A hub with three shared firms, one of them re-assessed; its advisor signed in."""
    call_command("load_programmes", verbosity=0)
    hub = Organisation.objects.create(name="North West Hub", slug="nw-hub")
    Coverage.objects.create(organisation=hub, country="GB", region="North West")
    for name, sector in (("Mersey Foods", "10"), ("Bolton Bakers", "10")):
        other, _ = make_submitted(company_name=name, sector=sector)
        advisor_services.share_create(assessment=other, organisation=hub)
    first, _ = make_submitted(company_name="Pennine Metals",
                              bands={"vertical_integration": 1, "shop_floor_automation": 3})
    share = advisor_services.share_create(assessment=first, organisation=hub)
    profile = {field: getattr(first, field) for field in services.PROFILE_FIELDS}
    second, _ = services.assessment_start(profile=profile, previous=first)
    services.answers_save(assessment=second, answers={
        "vertical_integration": (3, ""), "shop_floor_automation": (2, "")})
    services.assessment_submit(assessment=second)
    advisor_services.share_create(assessment=second, organisation=hub)

    user = get_user_model().objects.create_user("ann", password="not-used-here",
                                                first_name="Ann", last_name="Advisor")
    Membership.objects.create(user=user, organisation=hub)
    client = Client()
    sign_in(client, user)  # the sign-in pages themselves are tested elsewhere
    page.context.add_cookies([{
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }])
    return share


def start_with_errors(page: Page, live_server) -> None:
    page.goto("/start/")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("alert").first).to_contain_text("Please correct the fields")


def with_programmes(path: str) -> Callable[[Page, object], None]:
    def go(page: Page, live_server) -> None:
        call_command("load_programmes", verbosity=0)
        page.goto(path)
    return go


def as_advisor(path: str) -> Callable[[Page, object], None]:
    """Sign the advisor in, then open `path` ({case} is the re-assessed firm's case)."""
    def go(page: Page, live_server) -> None:
        share = advisor_case(page, live_server)
        page.goto(path.format(case=share.pk))
    return go


PAGES: dict[str, Callable[[Page, object], None]] = {
    "home": lambda page, _: page.goto("/"),
    "start": lambda page, _: page.goto("/start/"),
    "start-with-errors": start_with_errors,
    "profile": lambda page, _: page.goto(f"/assessment/{draft(page)}/profile/"),
    "pillar": lambda page, _: page.goto(f"/assessment/{draft(page)}/pillar/automation/"),
    "objectives": lambda page, _: page.goto(f"/assessment/{draft(page)}/objectives/"),
    "review": lambda page, _: page.goto(f"/assessment/{draft(page)}/review/"),
    "results": lambda page, _: page.goto(f"/assessment/{submitted(page)}/results/"),
    "programme-directory": with_programmes("/programmes/"),
    "programme": with_programmes("/programmes/made-smarter-nw-adoption-pilot/"),
    "country": with_programmes("/programmes/countries/DE/"),
    "results-international": lambda page, _: page.goto(
        f"/assessment/{submitted(page)}/results/?intl=2020-11-30"),
    "resume": lambda page, _: page.goto("/resume/"),
    "advisor-login": lambda page, _: page.goto("/advisor/login/"),
    "caseload": as_advisor("/advisor/"),
    "advisor-review": as_advisor("/advisor/cases/{case}/"),
    "analytics": as_advisor("/advisor/analytics/"),
    "progress": as_advisor("/advisor/cases/{case}/progress/"),
}


@pytest.mark.parametrize("name", PAGES)
def test_page_meets_wcag_aa_in_axe(name, page, live_server, framework, axe_source,
                                   artifacts_dir):
    PAGES[name](page, live_server)
    expect(page.get_by_role("heading", level=1)).to_have_count(1)

    violations = run_axe(page, axe_source)
    failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    duplicates = duplicate_ids(page)
    if violations or duplicates:
        print(f"axe on {name} ({page.url}):\n{describe(violations)}")
        page.screenshot(path=str(artifacts_dir / f"a11y-{name}.png"), full_page=True)
    assert not failing, f"axe found on {name} ({page.url}):\n{describe(failing)}"
    assert not duplicates, f"duplicate ids on {name}: {', '.join(duplicates)}"

    # Reflow (WCAG 1.4.10): at 320 CSS pixels the page scrolls down, never sideways (wide
    # tables scroll inside their own box, which the criterion allows).
    page.set_viewport_size({"width": 320, "height": 900})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"{name} is {width}px wide at 320px: it scrolls sideways"


# --- The questionnaire with the keyboard alone ---------------------------------------------------

def focused(page: Page) -> dict:
    """The focused element, and whether a focus indicator is drawn for it (on it, or on the
    card that stands for a visually hidden radio button)."""
    return page.evaluate(r"""() => {
        const el = document.activeElement;
        const shown = el.matches('.btn-check') ? el.nextElementSibling : el;
        shown.getAnimations().forEach(a => a.finish());  // Bootstrap fades its focus rings in
        const style = getComputedStyle(shown);
        const ring = /^rgba?\((\d+), (\d+), (\d+)(?:, ([\d.]+))?\) 0px 0px 0px ([\d.]+)px$/
            .exec(style.boxShadow);
        return {
            tag: el.tagName.toLowerCase(), id: el.id, name: el.name || '', checked: !!el.checked,
            text: (el.innerText || '').trim(), inMain: !!el.closest('main'),
            focusVisible: el.matches(':focus-visible'),
            // A card's ring is its outline (its box-shadow marks the chosen band, not focus).
            indicator: (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2)
                       || (shown === el && ring !== null && parseFloat(ring[4] ?? 1) > 0
                           && parseFloat(ring[5]) >= 2),
            outline: style.outline, boxShadow: style.boxShadow,
        };
    }""")


def tab_until(page: Page, predicate: Callable[[dict], bool], limit: int = 40) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = focused(page)
        if predicate(state):
            return state
    raise AssertionError(f"not reached with {limit} presses of Tab; focus is on {state}")


def test_pillar_page_works_with_the_keyboard_alone(page, framework):
    assessment, token = make_assessment(company_name="Keyboard Only Ltd")
    page.goto(f"/resume/{token}/")  # no answers yet: the first pillar, Operations
    expect(page.get_by_role("heading", level=1)).to_have_text("Operations")

    # The first Tab reaches the skip link, shown when focused; following it skips the menus.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert focused(page)["inMain"], "after the skip link, Tab should land inside <main>"

    # Tab into the band choices; the focused radio's card shows a focus ring.
    band = tab_until(page, lambda s: s["name"] == "band_vertical_integration")
    assert band["id"] == "id_band_vertical_integration_0" and not band["checked"]
    assert band["focusVisible"] and band["indicator"], band
    page.keyboard.press("Space")  # choose band 0
    for _ in range(3):
        page.keyboard.press("ArrowRight")  # arrows move through the bands and choose them
    expect(page.locator("#id_band_vertical_integration_3")).to_be_checked()
    state = focused(page)
    assert state["id"] == "id_band_vertical_integration_3" and state["indicator"], state

    # On to the Save and continue button, with a visible focus ring, and Enter submits.
    button = tab_until(page, lambda s: s["tag"] == "button"
                       and s["text"].startswith("Save and continue"))
    assert button["focusVisible"] and button["indicator"], button
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Supply Chain")
    assert Answer.objects.get(assessment=assessment,
                              dimension_key="vertical_integration").band == 3
