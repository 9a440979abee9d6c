"""F17: stored copies of firms' reports are readable by the app's own user only."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from reports.models import StoredReport
from reports.services import report_get_or_render
from tests.factories import make_submitted

pytestmark = pytest.mark.django_db


def test_f17_stored_reports_are_private_to_the_app_user(framework, media):
    assessment, _ = make_submitted(company_name="Private Files Ltd")
    report_get_or_render(assessment=assessment)
    stored = Path(media) / StoredReport.objects.get(assessment=assessment).file.name
    assert stored.is_file()
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert stat.S_IMODE(stored.parent.stat().st_mode) == 0o700
