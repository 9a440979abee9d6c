"""Consent is checked wherever a firm's data leaves (security review F2, F3, F4, F17): derived
copies check it at download, exports name only firms that shared with the reader's organisation,
and every deletion (the firm's, the admin's) is the one erase path and leaves nothing behind."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from advisors import services as advisor_services
from advisors.models import Membership, Organisation
from readiness.models import Assessment, Firm, FirmAccount
from reports.models import ReportBundle, StoredReport
from reports.services import report_get_or_render
from tests.factories import make_submitted, open_link, sign_in, url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def member(username: str, organisation: Organisation, *, role: str = Membership.Role.ADVISOR,
           is_staff: bool = False) -> Client:
    user = get_user_model().objects.create_user(username, is_staff=is_staff)
    Membership.objects.create(user=user, organisation=organisation, role=role)
    client = sign_in(Client(), user)
    client.user = user
    return client


def ready_bundle(assessments: list[Assessment], requested_by) -> ReportBundle:
    """A built bundle as the worker leaves it (the ZIP's content is not what is tested here)."""
    bundle = ReportBundle.objects.create(total=len(assessments), requested_by=requested_by,
                                         status=ReportBundle.Status.READY,
                                         finished_at=timezone.now())
    bundle.assessments.set(assessments)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for assessment in assessments:
            archive.writestr(f"{assessment.public_id}.pdf", b"%PDF-1.7 stand-in")
    bundle.file.save("bundle.zip", ContentFile(buffer.getvalue()))
    return bundle


def test_f2_a_bundle_is_not_served_once_a_firm_in_it_withdraws(
        framework, django_capture_on_commit_callbacks):
    hub = Organisation.objects.create(name="North West Hub", slug="nw")
    firm, _ = make_submitted(company_name="Withdrawing Works")
    stays, _ = make_submitted(company_name="Staying Works")
    advisor_services.share_create(assessment=firm, organisation=hub)
    advisor_services.share_create(assessment=stays, organisation=hub)
    advisor = member("ann", hub)
    bundle = ready_bundle([firm, stays], advisor.user)
    download = reverse("advisors:bundle_download", args=[bundle.public_id])
    assert advisor.get(download).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        advisor_services.share_withdraw(assessment=firm, organisation=hub)

    assert advisor.get(download).status_code == 404
    assert not ReportBundle.objects.filter(pk=bundle.pk).exists()
    assert not default_storage.exists(bundle.file.name)


def test_f2_the_download_checks_consent_even_when_the_bundle_remains(framework):
    """A bundle row that outlived the withdrawal (built before this check existed, or restored
    from a backup) is still refused: the check is at download, not only at withdrawal."""
    hub = Organisation.objects.create(name="North West Hub", slug="nw")
    firm, _ = make_submitted(company_name="Withdrawing Works")
    share = advisor_services.share_create(assessment=firm, organisation=hub)
    advisor = member("ann", hub)
    bundle = ready_bundle([firm], advisor.user)
    share.withdrawn_at = timezone.now()
    share.save()
    response = advisor.get(reverse("advisors:bundle_download", args=[bundle.public_id]))
    assert response.status_code == 404


def test_f2_the_organisations_stored_copy_goes_with_the_share(
        framework, django_capture_on_commit_callbacks):
    hub = Organisation.objects.create(name="North West Hub", slug="nw")
    firm, _ = make_submitted(company_name="Withdrawing Works")
    share = advisor_services.share_create(assessment=firm, organisation=hub)
    advisor = member("ann", hub)
    response = advisor.get(reverse("advisors:case_report", args=[share.pk]))
    assert response.status_code == 200
    copy = StoredReport.objects.get(assessment=firm, audience=f"organisation:{hub.pk}")
    assert default_storage.exists(copy.file.name)

    with django_capture_on_commit_callbacks(execute=True):
        advisor_services.share_withdraw(assessment=firm, organisation=hub)

    assert not StoredReport.objects.filter(pk=copy.pk).exists()
    assert not default_storage.exists(copy.file.name)
    assert advisor.get(reverse("advisors:case_report", args=[share.pk])).status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_f3_a_managers_export_names_no_firm_that_did_not_share_with_their_organisation(
        framework, fmt):
    import openpyxl

    home = Organisation.objects.create(name="UK Advice", slug="uk")
    ohio = Organisation.objects.create(name="Ohio MEP", slug="ohio")
    ours, _ = make_submitted(company_name="Shared With Us Ltd")
    theirs, _ = make_submitted(company_name="Ohio Only Widgets", country="US", region="OH")
    advisor_services.share_create(assessment=ours, organisation=home)
    advisor_services.share_create(assessment=theirs, organisation=ohio)
    manager = member("manager", home, role=Membership.Role.MANAGER, is_staff=True)

    response = manager.get(reverse("advisors:export_analytics", args=[fmt]))

    assert response.status_code == 200
    if fmt == "csv":
        text = response.content.decode()
    else:
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        text = "\n".join(str(cell.value) for sheet in book.worksheets
                         for row in sheet.iter_rows() for cell in row)
    assert "Ohio Only Widgets" not in text and str(theirs.public_id) not in text
    assert str(ours.public_id) not in text or "Shared With Us Ltd" in text
    # The aggregates still cover every organisation's shares: both firms are counted.
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(text)))
        counts = [int(v) for row in rows[1:] for v in row[1:] if v.isdigit()]
        assert sum(counts) == 2 * 16


def test_f4_deleting_in_the_admin_erases_like_the_firm_does(
        framework, django_capture_on_commit_callbacks):
    hub = Organisation.objects.create(name="North West Hub", slug="nw")
    firm, _ = make_submitted(company_name="ZQADMINDEL Works")
    share = advisor_services.share_create(assessment=firm, organisation=hub)
    advisor = member("ann", hub)
    advisor.get(reverse("advisors:case_report", args=[share.pk]))
    report_get_or_render(assessment=firm)
    files = list(StoredReport.objects.filter(assessment=firm).values_list("file", flat=True))
    bundle = ready_bundle([firm], advisor.user)
    assert len(files) == 2 and all(default_storage.exists(name) for name in files)
    staff = get_user_model().objects.create_superuser("root", "root@example.com", "pw-123456")
    admin = sign_in(Client(), staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("admin:readiness_assessment_delete", args=[firm.pk]),
                              {"post": "yes"})

    assert response.status_code == 302
    assert not Assessment.objects.filter(pk=firm.pk).exists()
    assert not any(default_storage.exists(name) for name in files)
    assert not ReportBundle.objects.filter(pk=bundle.pk).exists()
    assert advisor.get(reverse("advisors:bundle_download",
                               args=[bundle.public_id])).status_code == 404
    assert not Firm.objects.filter(name="ZQADMINDEL Works").exists()


def test_f4_the_admins_bulk_delete_erases_each_assessment(
        framework, django_capture_on_commit_callbacks):
    first, _ = make_submitted(company_name="Bulk One")
    second, _ = make_submitted(company_name="Bulk Two")
    report_get_or_render(assessment=first)
    stored = StoredReport.objects.get(assessment=first).file.name
    staff = get_user_model().objects.create_superuser("root", "root@example.com", "pw-123456")
    admin = sign_in(Client(), staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("admin:readiness_assessment_changelist"), {
            "action": "delete_selected", "_selected_action": [first.pk, second.pk],
            "post": "yes"})
    assert response.status_code == 302
    assert not Assessment.objects.exists() and not Firm.objects.exists()
    assert not default_storage.exists(stored)


def test_f17_an_erase_removes_the_firm_account_lockout_records_and_empty_folders(
        framework, media, django_capture_on_commit_callbacks):
    firm, token = make_submitted(company_name="Leave No Trace Ltd")
    owner = get_user_model().objects.create_user("owner@trace.example", "owner@trace.example")
    FirmAccount.objects.create(user=owner, firm=firm.firm)
    # An advisor who also kept this firm in an account keeps their advisor login.
    hub = Organisation.objects.create(name="North West Hub", slug="nw")
    advisor = member("ann", hub)
    FirmAccount.objects.create(user=advisor.user, firm=firm.firm)
    # A person who keeps another firm too keeps their account for that one.
    other, _ = make_submitted(company_name="Another Firm Ltd")
    both = get_user_model().objects.create_user("both@example.com", "both@example.com")
    FirmAccount.objects.create(user=both, firm=firm.firm)
    FirmAccount.objects.create(user=both, firm=other.firm)
    path = url("account_keep", firm)
    for username in ("owner@trace.example", "someone@else.example"):
        AccessLog.objects.create(username=username, ip_address="203.0.113.7", user_agent="x",
                                 http_accept="*/*", path_info=path)
    AccessAttempt.objects.create(username="owner@trace.example", ip_address="203.0.113.7",
                                 user_agent="x", http_accept="*/*", path_info="/account/login/",
                                 failures_since_start=2)
    report_get_or_render(assessment=firm)
    folder = media / "reports" / str(firm.public_id)
    assert folder.is_dir()

    holder = Client()
    open_link(holder, token)
    with django_capture_on_commit_callbacks(execute=True):
        holder.post(url("erase", firm), {"confirm": "yes"})

    users = get_user_model().objects
    assert not users.filter(username="owner@trace.example").exists()
    assert users.filter(username="ann").exists() and users.filter(pk=both.pk).exists()
    assert list(FirmAccount.objects.values_list("user__username", flat=True)) == [
        "both@example.com"]
    # Sign-in records of the deleted account and of the erased assessment's pages are gone;
    # the advisor's own sign-in (force_login above) is not this firm's.
    assert list(AccessLog.objects.values_list("username", "path_info")) == [
        (r.username, r.path_info) for r in AccessLog.objects.filter(username="ann")]
    assert not AccessLog.objects.filter(path_info__contains=str(firm.public_id)).exists()
    assert not AccessAttempt.objects.exists()
    assert not folder.exists()
