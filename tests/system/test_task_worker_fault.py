"""A task worker killed (SIGKILL) while running a task: the task must not stay RUNNING for
ever. django-tasks-db leaves it RUNNING (no heartbeat); `reap_stale_tasks` fails it, or
re-queues it with --retry, and a new worker then finishes it."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from bench import stack
from tests.stackutil import postgres_server_url, query, require

TABLE = "django_tasks_database_dbtaskresult"  # the app label of django-tasks-db


@pytest.fixture(scope="module")
def stack_env(tmp_path_factory):
    """A migrated database of its own: PostgreSQL in the PostgreSQL pass, else a SQLite file."""
    work = tmp_path_factory.mktemp("worker-fault")
    name = f"readiness_worker_fault_{os.getpid()}"
    on_postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    if on_postgres:
        require("PostgreSQL", postgres_server_url(), 5432)
        database_url = stack.postgres_recreate(postgres_server_url(), name)
    else:
        database_url = f"sqlite:///{work / 'db.sqlite3'}"
    env = stack.stack_env(database_url, None, work / "static")
    stack.prepare(env, static=False)
    yield env, work
    if on_postgres:
        stack.postgres_drop(postgres_server_url(), name)


def enqueue(env: dict[str, str], marker: Path, seconds: float) -> str:
    out = stack.manage(env, "shell", "-c", (
        "from tests.fault_tasks import hold; "
        f"print(hold.enqueue({str(marker)!r}, {seconds}).id)"))
    return out.strip().splitlines()[-1]


def status(env: dict[str, str], task_id: str) -> tuple[str, str, str | None]:
    (row,) = query(env["DATABASE_URL"],
                   f"SELECT status, exception_class_path, return_value FROM {TABLE} "  # noqa: S608
                   "WHERE id = %s", (task_id.replace("-", "") if "sqlite" in
                                     env["DATABASE_URL"] else task_id,))
    return row


def run_until_started(env: dict[str, str], work: Path, marker: Path, name: str) -> stack.Process:
    worker = stack.task_worker(env, work, name).start()
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert worker.alive(), worker.log()
        assert time.monotonic() < deadline, "the worker never started the task:\n" + worker.log()
        time.sleep(0.1)
    return worker


def test_killed_worker_task_is_failed_not_stuck(stack_env):
    env, work = stack_env
    marker = work / "first.started"
    task_id = enqueue(env, marker, 120)
    worker = run_until_started(env, work, marker, "doomed-1")
    worker.kill()

    assert status(env, task_id)[0] == "RUNNING"  # what django-tasks-db leaves behind
    # Younger than the configured limit (TASKS_STALE_AFTER_SECONDS): a live worker may still
    # be on it, so the default run leaves it alone.
    assert "Failed 0 " in stack.manage(env, "reap_stale_tasks")
    assert status(env, task_id)[0] == "RUNNING"

    assert "Failed 1 " in stack.manage(env, "reap_stale_tasks", "--older-than-seconds", "0")
    state, exception, _ = status(env, task_id)
    assert state == "FAILED"
    assert exception.endswith("WorkerLost")


def test_killed_worker_task_can_be_retried_and_finishes(stack_env):
    env, work = stack_env
    marker = work / "second.started"
    task_id = enqueue(env, marker, 120)
    worker = run_until_started(env, work, marker, "doomed-2")
    worker.kill()

    assert "Re-queued 1 " in stack.manage(env, "reap_stale_tasks", "--older-than-seconds", "0",
                                          "--retry")
    assert status(env, task_id)[0] == "READY"
    stack.manage(env, "db_worker", "--batch", "--no-startup-delay", "--no-reload",
                 "--worker-id", "rescuer", timeout=120)
    state, _, value = status(env, task_id)
    assert state == "SUCCESSFUL"
    assert "resumed" in str(value)
