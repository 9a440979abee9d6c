"""django-tasks-db's ``db_worker``, made to outlive database faults (security review F9).

``db_worker`` exits on the first database error outside a task: while fetching the next task,
or while recording a task's outcome when the database went away mid-task. Under a supervisor
that only restarts it; in scripts/serve (before) it took the whole site down. This worker
instead logs the error, waits (1 s, doubling to 30 s) and carries on once the database
answers again.

A task whose run was cut short that way, or by this worker being killed (it restarts under the
same ``--worker-id``), is still marked RUNNING under this worker's id. No other worker can be
running it, so it goes back in the queue at once (tasks here are safe to run again: a report
or a bundle is rebuilt) instead of waiting for ``reap_stale_tasks``; after RETRY_LIMIT claims
it is failed instead, so a task that kills its worker cannot loop for ever.

    manage.py task_worker --queue-name default --worker-id "$(hostname)-1"
"""

from __future__ import annotations

import logging
import time

from django.db import DatabaseError, connections
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

RETRY_LIMIT = 3
MAX_PAUSE_SECONDS = 30.0


class DatabaseLost(Exception):
    """Recorded as the failure of a task cut short RETRY_LIMIT times."""


def close_connections() -> None:
    """Drop every connection (a broken one would fail again); closing a dead one may fail too."""
    for connection in connections.all(initialized_only=True):
        try:
            connection.close()
        except DatabaseError:
            connection.connection = None


class ResilientWorker(Worker):
    def run(self) -> None:
        pause = 1.0
        while self.running:
            try:
                self.requeue_own_orphans()
                super().run()
                return  # a batch run finished, --max-tasks reached, or a graceful stop
            except DatabaseError:
                if self.batch:
                    raise  # a one-off run (a script, a test) fails loudly instead of waiting
                logger.exception("Worker %s: database error; trying again in %.0f s",
                                 self.worker_id, pause)
                close_connections()
                time.sleep(pause)
                pause = min(pause * 2, MAX_PAUSE_SECONDS)

    def requeue_own_orphans(self) -> int:
        """Tasks left RUNNING under this worker's id: put back in the queue, or fail."""
        orphans = [
            result for result in DBTaskResult.objects.filter(
                status=TaskResultStatus.RUNNING, backend_name=self.backend_name)
            if result.worker_ids and result.worker_ids[-1] == self.worker_id
        ]
        for result in orphans:
            if len(result.worker_ids) < RETRY_LIMIT:
                logger.warning("Worker %s: task %s was cut short; queued again",
                               self.worker_id, result.id)
                result.status = TaskResultStatus.READY
                result.save(update_fields=["status"])
            else:
                logger.error("Worker %s: task %s was cut short %s times; failed",
                             self.worker_id, result.id, len(result.worker_ids))
                result.status = TaskResultStatus.FAILED
                result.finished_at = timezone.now()
                result.exception_class_path = f"{__name__}.DatabaseLost"
                result.traceback = (f"The task was cut short {len(result.worker_ids)} times "
                                    "(database errors or its worker stopping); not retried.")
                result.save(update_fields=["status", "finished_at", "exception_class_path",
                                           "traceback"])
        return len(orphans)


class Command(DbWorkerCommand):
    help = ("Run tasks like db_worker, but wait out database errors instead of exiting, and "
            "re-queue a task this worker id left RUNNING.")

    def handle(self, *, verbosity: int, queue_name: str, interval: float, batch: bool,
               backend_name: str, startup_delay: bool, max_tasks: int | None, worker_id: str,
               exclude_queues: str, **options) -> None:
        self.configure_logging(verbosity)
        worker = ResilientWorker(
            queue_names=queue_name.split(","),
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=exclude_queues.split(",") if exclude_queues else [],
        )
        worker.configure_signals()
        worker.run()
