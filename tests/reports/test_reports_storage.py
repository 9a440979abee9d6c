"""Stored reports: rendered once, served again unchanged, re-rendered when what they show changes."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from programmes.models import Programme
from readiness.models import PriorityWeights
from reports.models import StoredReport
from reports.services import report_get_or_render
from tests.factories import DIMENSION_KEYS, answer, make_assessment, make_submitted
from tests.reports.test_reports import BANDS, load_programmes
from tests.stackutil import unmet


@pytest.fixture
def submitted(framework):
    load_programmes()
    assessment, _ = make_submitted(BANDS, company_name="Stored Works Ltd")
    return assessment


def test_first_download_renders_and_stores(submitted, media):
    report = report_get_or_render(assessment=submitted)
    assert report.reused is False
    stored = StoredReport.objects.get(assessment=submitted)
    assert stored.file.read() == report.content
    assert stored.pages == report.pages == len(PdfReader(io.BytesIO(report.content)).pages)
    assert (media / stored.file.name).is_file()
    assert "Stored Works" not in stored.file.name  # media paths do not name the firm


def test_second_download_reuses_the_stored_file(submitted):
    first = report_get_or_render(assessment=submitted)
    stored = StoredReport.objects.get(assessment=submitted)
    second = report_get_or_render(assessment=submitted)
    again = StoredReport.objects.get(assessment=submitted)
    assert second.reused is True
    assert second.content == first.content
    assert (again.file.name, again.rendered_at, again.fingerprint) == (
        stored.file.name, stored.rendered_at, stored.fingerprint)


def test_new_priority_weights_rerender_and_replace_the_file(
    submitted, media, django_capture_on_commit_callbacks
):
    report_get_or_render(assessment=submitted)
    before = StoredReport.objects.get(assessment=submitted)
    PriorityWeights.objects.create(gap=1, kpi=0, cost=0)  # staff change the weights
    # The old file is deleted once the new row is committed.
    with django_capture_on_commit_callbacks(execute=True):
        after_report = report_get_or_render(assessment=submitted)
    after = StoredReport.objects.get(assessment=submitted)
    assert after_report.reused is False
    assert after.fingerprint != before.fingerprint
    assert after.rendered_at > before.rendered_at
    assert after.file.name != before.file.name
    assert not (media / before.file.name).exists()  # the stale PDF is removed
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(after_report.content)).pages)
    assert "weight 100%" in text


def test_a_programme_change_rerenders(submitted):
    report_get_or_render(assessment=submitted)
    before = StoredReport.objects.get(assessment=submitted).fingerprint
    # A programme the report shows (matched to this North West manufacturer) changes its offer.
    programme = Programme.objects.get(slug="made-smarter-adoption-england")
    programme.summary = "Advice, a roadmap and match-funded projects for manufacturers."
    programme.save()
    assert report_get_or_render(assessment=submitted).reused is False
    assert StoredReport.objects.get(assessment=submitted).fingerprint != before


def test_a_missing_file_is_rendered_again(submitted, media):
    report_get_or_render(assessment=submitted)
    stored = StoredReport.objects.get(assessment=submitted)
    (media / stored.file.name).unlink()
    report = report_get_or_render(assessment=submitted)
    assert report.reused is False
    assert (media / StoredReport.objects.get(assessment=submitted).file.name).is_file()


def test_an_unwritable_media_volume_still_serves_the_report(submitted, settings, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the media directory should be")
    settings.MEDIA_ROOT = blocker
    report = report_get_or_render(assessment=submitted)
    assert report.content.startswith(b"%PDF")
    assert not StoredReport.objects.filter(assessment=submitted).exists()


def test_drafts_are_never_stored(framework):
    load_programmes()
    assessment, _ = make_assessment()
    answer(assessment, dict.fromkeys(DIMENSION_KEYS, 1))
    report_get_or_render(assessment=assessment)
    assert not StoredReport.objects.exists()


def test_command_by_numeric_id_and_by_uuid(submitted, tmp_path, capsys):
    by_id = tmp_path / "by-id.pdf"
    call_command("render_report", str(submitted.pk), "-o", str(by_id))
    assert "rendered" in capsys.readouterr().out
    by_uuid = tmp_path / "by-uuid.pdf"
    call_command("render_report", str(submitted.public_id), "-o", str(by_uuid))
    assert "stored report reused" in capsys.readouterr().out
    assert by_id.read_bytes() == by_uuid.read_bytes()
    text = PdfReader(by_id).pages[0].extract_text()
    assert "Stored Works Ltd" in text


def test_command_refuses_an_unknown_id(framework):
    with pytest.raises(CommandError, match="No assessment"):
        call_command("render_report", "999999", "-o", "/dev/null")
    with pytest.raises(CommandError, match="No assessment"):
        call_command("render_report", "not-a-uuid", "-o", "/dev/null")


@pytest.fixture
def unreachable_bucket(settings):
    """Switches media to the real S3 storage (django-storages, botocore) pointed at a port
    nobody listens on: every read, write and delete then fails the way an S3 outage does,
    with botocore's errors rather than an OSError."""
    try:
        from botocore.config import Config
        from storages.backends.s3 import S3Storage  # noqa: F401
    except ImportError:
        unmet("django-storages[s3] installed (the `dev` extra: pip install -e '.[dev]')")

    from bench.stack import free_port

    def switch() -> None:
        settings.STORAGES = {**settings.STORAGES, "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": "reports", "endpoint_url": f"http://127.0.0.1:{free_port()}",
                        "region_name": "us-east-1", "access_key": "test", "secret_key": "test",
                        "client_config": Config(connect_timeout=1, retries={"max_attempts": 1})},
        }}

    return switch


def test_an_unreachable_bucket_still_serves_the_report(submitted, unreachable_bucket):
    unreachable_bucket()
    report = report_get_or_render(assessment=submitted)
    assert report.content.startswith(b"%PDF")
    assert report.reused is False
    assert not StoredReport.objects.filter(assessment=submitted).exists()


def test_an_erase_stands_when_the_bucket_cannot_delete_its_files(
        submitted, unreachable_bucket, caplog, django_capture_on_commit_callbacks):
    from readiness.models import Assessment
    from readiness.privacy import assessment_erase

    report_get_or_render(assessment=submitted)  # stored while the storage worked
    name = StoredReport.objects.get(assessment=submitted).file.name
    unreachable_bucket()
    with django_capture_on_commit_callbacks(execute=True):
        assessment_erase(assessment=submitted)
    assert not Assessment.objects.filter(pk=submitted.pk).exists()
    assert not StoredReport.objects.filter(file=name).exists()
    assert f"Could not delete stored file {name}" in caplog.text
