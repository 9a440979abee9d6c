"""Helpers that build real assessments through ``readiness.services`` (no mocks, no raw inserts)
and read forms back out of rendered HTML the way a browser would submit them."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from django.http import HttpRequest
from django.test import Client
from django.urls import reverse

from readiness import services
from readiness.access import token_for
from readiness.models import Assessment

# The 16 canonical keys of DESIGN §2, in order, grouped by (block, pillar).
DESIGN_TABLE: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("process", "operations", ("vertical_integration",)),
    ("process", "supply_chain", ("horizontal_integration",)),
    ("process", "product_lifecycle", ("integrated_product_lifecycle",)),
    ("technology", "automation",
     ("shop_floor_automation", "enterprise_automation", "facility_automation")),
    ("technology", "connectivity",
     ("shop_floor_connectivity", "enterprise_connectivity", "facility_connectivity")),
    ("technology", "intelligence",
     ("shop_floor_intelligence", "enterprise_intelligence", "facility_intelligence")),
    ("organisation", "talent_readiness",
     ("workforce_learning_development", "leadership_competency")),
    ("organisation", "structure_management",
     ("inter_intra_company_collaboration", "strategy_governance")),
)
DIMENSION_KEYS: tuple[str, ...] = tuple(k for _, _, keys in DESIGN_TABLE for k in keys)
PILLAR_KEYS: tuple[str, ...] = tuple(p for _, p, _ in DESIGN_TABLE)
PILLAR_OF: dict[str, str] = {k: p for _, p, keys in DESIGN_TABLE for k in keys}
DIMENSIONS_OF: dict[str, tuple[str, ...]] = {p: keys for _, p, keys in DESIGN_TABLE}

PROFILE: dict[str, Any] = {
    "company_name": "Acme Widgets Ltd",
    "country": "GB",
    "region": "North West",
    "employees": 45,
    "turnover": None,
    "turnover_currency": "",
    "sector": "25",
    "contact_email": "",
}


def make_assessment(**profile: Any) -> tuple[Assessment, str]:
    """A new draft (and its private token) for a valid profile, through the service."""
    return services.assessment_start(profile={**PROFILE, **profile})


def answer(assessment: Assessment, bands: dict[str, int | None], evidence: str = "") -> None:
    services.answers_save(
        assessment=assessment, answers={k: (b, evidence) for k, b in bands.items()}
    )


def make_submitted(
    bands: dict[str, int | None] | None = None, **profile: Any
) -> tuple[Assessment, str]:
    """A submitted assessment: every dimension answered (``bands`` override the default 2)."""
    assessment, token = make_assessment(**profile)
    answer(assessment, dict.fromkeys(DIMENSION_KEYS, 2) | (bands or {}))
    services.assessment_submit(assessment=assessment)
    assessment.refresh_from_db()
    return assessment, token


def open_link(client: Client, token: str):
    """Open the private resume link in ``client`` (puts the token in its session)."""
    return client.get(reverse("readiness:resume", kwargs={"token": token}))


def session_token(client: Client, assessment: Assessment) -> str:
    """The private token ``client``'s session holds for ``assessment`` (it is kept encrypted)."""
    request = HttpRequest()
    request.session = client.session
    token = token_for(request, assessment)
    assert token is not None, "this client's session holds no link to the assessment"
    return token


def link_in(body: str, path: str) -> str:
    """The site-relative link starting with ``path`` in an email's body."""
    return body[body.index(path):].split()[0]


def url(name: str, assessment: Assessment, **kwargs: Any) -> str:
    return reverse(f"readiness:{name}", kwargs={"public_id": assessment.public_id, **kwargs})


def profile_post(**overrides: Any) -> dict[str, str]:
    """A valid profile as the browser posts it (strings), with overrides."""
    data = {
        "company_name": "Acme Widgets Ltd",
        "country": "GB",
        "region": "North West",
        "employees": "45",
        "turnover": "",
        "turnover_currency": "",
        "sector": "25",
        "contact_email": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- Reading rendered HTML --------------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr", "param"}


class _FormState(HTMLParser):
    """What a browser would submit from the page's form controls (name -> list of values)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.values: dict[str, list[str]] = {}
        self._select: str | None = None
        self._select_options: list[tuple[str, bool]] = []
        self._option: tuple[str | None, bool] | None = None
        self._option_text = ""
        self._textarea: str | None = None
        self._textarea_text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input":
            name = a.get("name")
            kind = (a.get("type") or "text").lower()
            if not name or kind in {"submit", "button", "reset", "image", "file"}:
                return
            if kind in {"radio", "checkbox"}:
                if "checked" in a:
                    self.values.setdefault(name, []).append(a.get("value") or "on")
                return
            self.values.setdefault(name, []).append(a.get("value") or "")
        elif tag == "select":
            self._select = a.get("name")
            self._select_options = []
        elif tag == "option" and self._select is not None:
            self._option = (a.get("value"), "selected" in a)
            self._option_text = ""
        elif tag == "textarea":
            self._textarea = a.get("name")
            self._textarea_text = ""

    def handle_data(self, data):
        if self._option is not None:
            self._option_text += data
        if self._textarea is not None:
            self._textarea_text += data

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None:
            value, selected = self._option
            self._select_options.append((self._option_text if value is None else value, selected))
            self._option = None
        elif tag == "select" and self._select is not None:
            chosen = [v for v, s in self._select_options if s] or [
                v for v, _ in self._select_options[:1]]
            self.values.setdefault(self._select, []).extend(chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = self._textarea_text
            if text.startswith("\n"):
                text = text[1:]
            self.values.setdefault(self._textarea, []).append(text)
            self._textarea = None


def form_values(html: str) -> dict[str, list[str]]:
    parser = _FormState()
    parser.feed(html)
    parser.close()
    return parser.values


def form_value(html: str, name: str) -> str | None:
    values = form_values(html).get(name)
    return values[0] if values else None


class _ElementText(HTMLParser):
    def __init__(self, element_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.element_id = element_id
        self.depth = 0
        self.found = False
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if self.depth:
            if tag not in VOID:
                self.depth += 1
        elif not self.found and dict(attrs).get("id") == self.element_id:
            self.found = True
            if tag not in VOID:
                self.depth = 1

    def handle_endtag(self, tag):
        if self.depth and tag not in VOID:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def element_text(html: str, element_id: str) -> str:
    """The text inside the element with this id (whitespace collapsed); AssertionError if absent."""
    parser = _ElementText(element_id)
    parser.feed(html)
    parser.close()
    assert parser.found, f"no element with id={element_id!r} in the page"
    return " ".join(" ".join(parser.parts).split())


def authenticator_code(user) -> str:
    """The code the user's authenticator app shows now (as a phone would compute it)."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user).latest("pk")
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def sign_in(client: Client, user) -> Client:
    """Sign an advisor or staff member in as the pages do: password, then the second factor.

    The session is marked as passed through a confirmed authenticator device of the user's, the
    state that the two-factor page leaves after a right code (tests/advisors/test_two_factor.py drives
    that page itself).
    """
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = (TOTPDevice.objects.filter(user=user, confirmed=True).first()
              or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True))
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def set_up_second_factor_in_browser(page, user) -> None:
    """On the page the first sign-in leads to: add the authenticator, type its code, go on."""
    from playwright.sync_api import expect

    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your second factor")
    page.get_by_label("Code").fill(authenticator_code(user))
    page.get_by_role("button", name="Confirm and continue").click()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="I have kept them: continue").click()
