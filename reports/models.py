"""Stored PDF reports and bundles of reports. Both were made in the readiness app and keep its
tables (migration 0001 moved their state here, reports/migrations/0001_move_report_models.py)."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from readiness.models import Assessment, _bundle_path, _report_path


class StoredReport(models.Model):
    """The rendered PDF report of a submitted assessment, kept until what it shows changes."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="reports")
    # "" for the firm's own report; "organisation:<id>" for one advisory organisation's copy,
    # which shows that organisation's notes only.
    audience = models.CharField(max_length=40, blank=True, default="")
    file = models.FileField(upload_to=_report_path, max_length=200)
    # SHA-256 of everything the report shows (reports.selectors.report_fingerprint).
    fingerprint = models.CharField(max_length=64)
    pages = models.PositiveSmallIntegerField()
    size = models.PositiveIntegerField()
    render_seconds = models.FloatField()
    rendered_at = models.DateTimeField()

    class Meta:
        db_table = "readiness_storedreport"  # made in the readiness app; moved without a copy
        constraints = [models.UniqueConstraint(fields=["assessment", "audience"],
                                               name="one_report_per_audience")]

    def __str__(self) -> str:
        return f"Report of {self.assessment} ({self.rendered_at:%Y-%m-%d %H:%M})"


class ReportBundle(models.Model):
    """Many assessments' reports as one ZIP, built by a background task with progress."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a worker")
        RUNNING = "running", _("Being built")
        READY = "ready", _("Ready to download")
        FAILED = "failed", _("Failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    assessments = models.ManyToManyField(Assessment, related_name="+")
    requested_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=16, choices=Status, default=Status.PENDING)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=_bundle_path, blank=True, max_length=200)
    error = models.TextField(blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "readiness_reportbundle"  # made in the readiness app; moved without a copy
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.total} reports ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0
