"""The firm's own progress: a re-assessment shows the change and offers to share it again."""

from __future__ import annotations

import pytest

from advisors.models import Organisation, Share
from advisors.services import share_create, share_withdraw
from readiness import services
from tests.factories import DIMENSION_KEYS, element_text, make_submitted, open_link, url


@pytest.fixture
def reassessed(framework, client):
    """A firm's first assessment shared with two hubs (one later withdrawn), and its
    re-assessment with two dimensions moved up and one now not applicable."""
    first, _ = make_submitted(company_name="Pennine Pies", sector="10")
    hub = Organisation.objects.create(slug="nw-hub", name="North West Growth Hub")
    mep = Organisation.objects.create(slug="other-hub", name="Other Hub")
    share_create(assessment=first, organisation=hub)
    share_create(assessment=first, organisation=mep)
    share_withdraw(assessment=first, organisation=mep)
    profile = {f: getattr(first, f) for f in services.PROFILE_FIELDS}
    second, token = services.assessment_start(profile=profile, previous=first)
    bands = dict.fromkeys(DIMENSION_KEYS, 2) | {
        "shop_floor_automation": 3, "vertical_integration": 4, "facility_intelligence": None}
    services.answers_save(assessment=second,
                          answers={k: (b, "") for k, b in bands.items()})
    services.assessment_submit(assessment=second)
    second.refresh_from_db()
    open_link(client, token)
    return second, hub


def test_the_re_assessment_shows_what_moved(reassessed, client):
    second, _hub = reassessed
    page = client.get(url("results", second)).content.decode()
    progress = element_text(page, "progress")
    assert "Your progress since" in progress
    # 16 dimensions at 2 before; now +1, +2 and one not applicable: (3 + 4 + 13 * 2) / 15.
    assert "2.0 then and 2.2 now (up 0.2)" in progress
    table = element_text(page, "progress-table")
    assert "Shop Floor Automation 2 3 +1" in table
    assert "Vertical Integration 2 4 +2" in table
    assert "Facility Intelligence 2 n/a –" in table
    assert "Enterprise Automation" not in table
    assert "13 of 16 dimensions are at the same band" in progress
    assert page.count('class="radar-comparison"') >= 1


def test_one_click_shares_with_the_organisations_of_the_previous_one(reassessed, client):
    second, hub = reassessed
    page = client.get(url("results", second)).content.decode()
    offer = element_text(page, "share-again")
    assert "North West Growth Hub" in offer and "Other Hub" not in offer
    response = client.post(f"/assessment/{second.public_id}/share-again/")
    assert response.status_code == 302
    assert Share.objects.filter(assessment=second, organisation=hub,
                                withdrawn_at__isnull=True).exists()
    assert not Share.objects.filter(assessment=second, organisation__slug="other-hub").exists()
    page = client.get(url("results", second)).content.decode()
    assert 'id="share-again"' not in page
    # Clicking again shares nothing twice.
    client.post(f"/assessment/{second.public_id}/share-again/")
    assert Share.objects.filter(assessment=second).count() == 1


def test_a_first_assessment_has_no_progress_or_share_again(framework, client):
    first, token = make_submitted()
    open_link(client, token)
    page = client.get(url("results", first)).content.decode()
    assert 'id="progress"' not in page and 'id="share-again"' not in page


def test_the_report_has_a_progress_page(reassessed, client, settings, tmp_path):
    import io

    from pypdf import PdfReader

    settings.MEDIA_ROOT = tmp_path / "media"
    second, _hub = reassessed
    response = client.get(url("report", second))
    pages = PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages
    progress = [p.extract_text() for p in pages if "Progress since" in p.extract_text()]
    assert len(progress) == 1
    assert "Vertical Integration 2 4 +2" in progress[0]
