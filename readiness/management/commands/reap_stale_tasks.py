"""Fail (or re-queue) background tasks left RUNNING by a worker that died.

django-tasks-db marks a task RUNNING when a worker claims it and only changes that when the
worker finishes it; a worker killed with SIGKILL (OOM killer, a lost machine) leaves the row
RUNNING for ever, and whoever waits on it (a ZIP bundle's progress page) waits for ever. There
is no heartbeat, so age is the signal: a task running longer than the longest task can take is
orphaned. scripts/serve runs this every few minutes; a multi-machine deployment runs it from
one scheduler (docs/deploy.md).
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult


class WorkerLost(Exception):
    """Recorded as the failure of a task whose worker died (importable by result readers)."""


ORPHANED = f"{__name__}.WorkerLost"


class Command(BaseCommand):
    help = ("Mark tasks RUNNING for longer than --older-than-seconds (default "
            "settings.TASKS_STALE_AFTER_SECONDS) as failed, or re-queue them with --retry.")

    def add_arguments(self, parser):
        parser.add_argument("--older-than-seconds", type=int, default=None)
        parser.add_argument("--retry", action="store_true",
                            help="Put them back in the queue instead (only for idempotent "
                                 "tasks: a half-done run starts again).")

    def handle(self, *args, older_than_seconds=None, retry=False, **options):
        seconds = (settings.TASKS_STALE_AFTER_SECONDS if older_than_seconds is None
                   else older_than_seconds)
        if seconds < 0:
            raise CommandError("--older-than-seconds must be 0 or more.")
        cutoff = timezone.now() - datetime.timedelta(seconds=seconds)
        with transaction.atomic():
            # Locked rows are being finished by a live worker right now: leave them.
            stale = list(DBTaskResult.objects.select_for_update(skip_locked=True).filter(
                status=TaskResultStatus.RUNNING, started_at__lt=cutoff))
            for result in stale:
                if retry:
                    result.status = TaskResultStatus.READY
                    result.save(update_fields=["status"])
                else:
                    result.status = TaskResultStatus.FAILED
                    result.finished_at = timezone.now()
                    result.exception_class_path = ORPHANED
                    result.traceback = (
                        f"The worker(s) {', '.join(result.worker_ids)} stopped while running "
                        f"this task (still RUNNING after {seconds} s); marked failed by "
                        "reap_stale_tasks.")
                    result.save(update_fields=["status", "finished_at", "exception_class_path",
                                               "traceback"])
        verb = "Re-queued" if retry else "Failed"
        self.stdout.write(f"{verb} {len(stale)} stale task(s) running for over {seconds} s.")
