"""Erasing a firm's assessment removes the advisors' rows, their history and stored reports."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.test import Client

from advisors import services
from advisors.models import Action, Note, Organisation, Share
from reports.models import ReportBundle, StoredReport
from reports.services import report_bundle_request, report_get_or_render
from tests.factories import make_submitted, open_link, url

pytestmark = pytest.mark.django_db



def test_export_includes_advisors_notes_and_actions(framework):
    assessment, token = make_submitted()
    hub = Organisation.objects.create(name="North West Hub", slug="nw")
    share = services.share_create(assessment=assessment, organisation=hub)
    services.note_add(share=share, author=None, text="Call back in March.", audience="firm")
    services.action_add(share=share, author=None, text="Map the order flow", owner="MD",
                        due_date=None)
    client = Client()
    open_link(client, token)
    data = json.loads(client.get(url("data_export", assessment)).content)
    (exported,) = data["advisors"]
    assert exported["organisation"] == "North West Hub"
    assert exported["notes"][0]["text"] == "Call back in March."
    assert exported["actions"][0]["text"] == "Map the order flow"


def test_erase_leaves_no_copy_in_history_reports_or_bundles(framework, django_capture_on_commit_callbacks):
    assessment, token = make_submitted(company_name="Forget Me Ltd")
    other, _ = make_submitted(company_name="Stay Ltd")
    hub = Organisation.objects.create(name="North West Hub", slug="nw")
    share = services.share_create(assessment=assessment, organisation=hub)
    user = get_user_model().objects.create_user("ann")
    services.share_update(share=share, status="in_review", assigned_advisor=None)
    services.note_add(share=share, author=user, text="Secret plans.", audience="internal")
    services.action_add(share=share, author=user, text="Act", owner="MD", due_date=None)
    report = report_get_or_render(assessment=assessment)
    assert not report.reused
    stored_name = StoredReport.objects.get(assessment=assessment).file.name
    bundle = report_bundle_request(assessments=[assessment, other])
    assert default_storage.exists(stored_name)

    client = Client()
    open_link(client, token)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("erase", assessment), {"confirm": "yes"})
    assert response.status_code in (200, 302)

    assert not Share.objects.exists() and not Note.objects.exists()
    assert not Action.objects.exists()
    assert not Share.history.exists() and not Note.history.exists()
    assert not Action.history.exists()
    assert not StoredReport.objects.filter(file=stored_name).exists()
    assert not default_storage.exists(stored_name)
    assert not ReportBundle.objects.filter(pk=bundle.pk).exists()
    assert Share.history.model.objects.filter(assessment_id=assessment.pk).count() == 0
