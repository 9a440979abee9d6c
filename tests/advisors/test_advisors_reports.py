"""Advisors' notes in PDF reports: each organisation sees its own; the firm sees all of them."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from advisors import services
from advisors.models import Membership, Organisation
from reports.services import report_get_or_render
from tests.factories import make_submitted, open_link, sign_in

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_notes_reach_the_right_reports(framework):
    assessment, token = make_submitted(company_name="Noted Ltd")
    hub = Organisation.objects.create(name="North West Hub", slug="nw")
    other = Organisation.objects.create(name="Other Network", slug="other")
    share_hub = services.share_create(assessment=assessment, organisation=hub)
    share_other = services.share_create(assessment=assessment, organisation=other)
    user = get_user_model().objects.create_user("ann", first_name="Ann", last_name="Lee")
    Membership.objects.create(user=user, organisation=hub)

    before = report_get_or_render(assessment=assessment, organisation_id=hub.pk)
    services.note_add(share=share_hub, author=user, text="Hub advice: start with OEE.",
                      audience="firm")
    services.action_add(share=share_hub, author=user, text="Meter the compressors",
                        owner="Ops manager", due_date=None)
    services.note_add(share=share_other, author=None, text="Other network's private view.",
                      audience="firm")

    advisor = Client()
    sign_in(advisor, user)
    response = advisor.get(reverse("advisors:case_report", args=[share_hub.pk]))
    assert response.status_code == 200
    text = pdf_text(b"".join(response.streaming_content))
    assert "Hub advice: start with OEE." in text and "Meter the compressors" in text
    assert "Other network" not in text
    assert "Hub advice" not in pdf_text(before.content)  # re-rendered after the note

    firm = Client()
    open_link(firm, token)
    download = firm.get(reverse("readiness:report", args=[assessment.public_id]))
    text = pdf_text(b"".join(download.streaming_content))
    assert "Hub advice: start with OEE." in text and "Other network's private view." in text

    services.share_withdraw(assessment=assessment, organisation=other)
    text = pdf_text(report_get_or_render(assessment=assessment).content)
    assert "Other network's private view." not in text


@pytest.mark.django_db(transaction=True)
def test_advisor_bundle_through_the_worker(framework, settings, tmp_path):
    import zipfile

    from tests.reports.test_reports_bundle import run_worker

    settings.MEDIA_ROOT = tmp_path / "media"
    hub = Organisation.objects.create(name="North West Hub", slug="nw")
    other_hub = Organisation.objects.create(name="Elsewhere", slug="elsewhere")
    for name in ("Zip One Ltd", "Zip Two Ltd"):
        assessment, _ = make_submitted(company_name=name)
        share = services.share_create(assessment=assessment, organisation=hub)
    services.note_add(share=share, author=None, text="Only for the hub.", audience="internal")
    users = get_user_model().objects
    ann, bob = users.create_user("ann"), users.create_user("bob")
    Membership.objects.create(user=ann, organisation=hub)
    Membership.objects.create(user=bob, organisation=other_hub)
    advisor, outsider = Client(), Client()
    sign_in(advisor, ann)
    sign_in(outsider, bob)

    response = advisor.post(reverse("advisors:bundle_request"))
    assert response.status_code == 302
    status_url = response["Location"]
    assert "Waiting for a worker" in advisor.get(status_url).content.decode()
    assert outsider.get(status_url).status_code == 404

    run_worker()

    page = advisor.get(status_url).content.decode()
    assert "Ready to download" in page and 'id="bundle-download"' in page
    download_url = status_url + "download/"
    assert outsider.get(download_url).status_code == 404
    download = advisor.get(download_url)
    with zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))) as archive:
        names = sorted(archive.namelist())
        assert len(names) == 2 and names[0].startswith("zip-one-ltd")
        assert "Only for the hub." in pdf_text(archive.read(names[1]))


def test_report_of_a_reassessment_shows_progress(framework):
    from readiness import services as readiness_services

    first, token = make_submitted(company_name="Grower Ltd", bands={"vertical_integration": 1})
    second, _ = readiness_services.assessment_start(
        profile={"company_name": "Grower Ltd", "country": "GB", "region": "North West",
                 "employees": 45, "sector": "25"}, previous=first)
    readiness_services.answers_save(assessment=second, answers={"vertical_integration": (4, "")})
    readiness_services.assessment_submit(assessment=second)
    second.refresh_from_db()
    text = pdf_text(report_get_or_render(assessment=second).content)
    assert "Progress since" in text
    assert "Vertical Integration 1 4 +3" in text.replace("\n", " ")
    assert "Progress since" not in pdf_text(report_get_or_render(assessment=first).content)
    # An organisation that only has the new assessment does not see the old one's results.
    hub = Organisation.objects.create(name="Hub", slug="hub")
    services.share_create(assessment=second, organisation=hub)
    shared_only = report_get_or_render(assessment=second, organisation_id=hub.pk)
    assert "Progress since" not in pdf_text(shared_only.content)
