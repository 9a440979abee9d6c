"""Notes with an audience (issue 14, D2): an internal note never reaches the firm."""

from __future__ import annotations

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from advisors import services
from advisors.models import Membership, Note, Organisation
from reports.services import report_get_or_render
from tests.factories import make_submitted, open_link, sign_in

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def case(framework):
    assessment, token = make_submitted(company_name="Audience Ltd")
    hub = Organisation.objects.create(name="North West Hub", slug="nw")
    share = services.share_create(assessment=assessment, organisation=hub)
    user = get_user_model().objects.create_user("ann", first_name="Ann", last_name="Lee")
    Membership.objects.create(user=user, organisation=hub)
    advisor = Client()
    sign_in(advisor, user)
    return share, token, advisor


def test_the_note_form_makes_the_advisor_choose_an_audience(case):
    share, _, advisor = case
    response = advisor.post(reverse("advisors:add_note", args=[share.pk]), {"text": "Met the MD."})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    # What the advisor typed is still in the form.
    assert "Met the MD." in response.content.decode()
    assert not Note.objects.exists()


def test_the_review_page_shows_each_notes_audience(case):
    share, _, advisor = case
    for text, audience in (("Colleagues only: cash is tight.", "internal"),
                           ("Start with the compressors.", "firm")):
        response = advisor.post(reverse("advisors:add_note", args=[share.pk]),
                                {"text": text, "audience": audience}, follow=True)
        assert response.status_code == 200
    page = response.content.decode()
    assert "Note added for the firm to read." in page
    assert page.count(">Internal</span>") == 1 and page.count(">For the firm</span>") == 1


def test_the_firms_report_and_data_export_leave_internal_notes_out(case):
    share, token, advisor = case
    services.note_add(share=share, author=None, text="Colleagues only: cash is tight.",
                      audience="internal")
    services.note_add(share=share, author=None, text="Start with the compressors.", audience="firm")

    firm = Client()
    open_link(firm, token)
    download = firm.get(reverse("readiness:report", args=[share.assessment.public_id]))
    text = pdf_text(b"".join(download.streaming_content))
    assert "Start with the compressors." in text
    assert "cash is tight" not in text
    export = json.loads(firm.get(reverse("readiness:data_export",
                                         args=[share.assessment.public_id])).content)
    assert [n["text"] for n in export["advisors"][0]["notes"]] == ["Start with the compressors."]

    # The advisor's own report keeps both, the internal one marked as such.
    advisor_text = pdf_text(report_get_or_render(assessment=share.assessment,
                                                 organisation_id=share.organisation_id).content)
    assert "Start with the compressors." in advisor_text
    assert "Internal note (not in the firm's report)" in advisor_text
    assert "cash is tight" in advisor_text
