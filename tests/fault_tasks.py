"""A task for tests/system/test_task_worker_fault.py: it blocks long enough to be killed mid-run."""

from __future__ import annotations

import time
from pathlib import Path

from django.tasks import task


@task
def hold(marker: str, seconds: float) -> str:
    """First run: mark that it started, then block. A re-run (after a retry) returns at once."""
    path = Path(marker)
    if path.exists():
        return "resumed"
    path.write_text("started")
    time.sleep(seconds)
    return "finished"
