"""A per-request deadline for gunicorn's sync workers, well before gunicorn's own timeout.

A PostgreSQL that stops answering without closing the connection (a stalled server, a proxy
or network path that keeps the TCP connection up) leaves a worker blocked in the database
driver: the kernel's keepalives and tcp_user_timeout only catch a peer that stops
acknowledging. gunicorn then SIGKILLs the worker after its timeout (30 s) and the client sees
a dropped connection; meanwhile every worker hangs and even /healthz stops answering (F9).

With this, SIGALRM interrupts the request after DJANGO_REQUEST_DEADLINE seconds: the database
driver's wait raises, Django's connections are dropped (not health-checked: a check on a
stalled connection would block again) and the request ends as a 503 "back in a moment" with
Retry-After (readiness.views.errors.server_error treats it as a database outage). The worker
lives on and serves the next request. Long work (PDFs, bundles, imports) runs in task workers,
so no legitimate request comes near the deadline.
"""

from __future__ import annotations

import os
import signal

from django.db import OperationalError


class RequestDeadlineExceeded(OperationalError):
    """The request outlived its deadline, almost always waiting on the database."""


def deadline_seconds() -> float:
    return float(os.environ.get("DJANGO_REQUEST_DEADLINE", "10"))


def _expired(signum, frame) -> None:
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        # Forget the connection without touching it: closing or checking it could block on
        # the same dead socket. The driver's object is freed with the interrupted cursor.
        connection.connection = None
        connection.in_atomic_block = False
        connection.needs_rollback = False
        connection.savepoint_ids = []
    raise RequestDeadlineExceeded(
        f"The request took more than {deadline_seconds():.0f} s (a database not answering?)")


def install() -> None:
    """In each worker, after it boots (gunicorn's post_worker_init)."""
    signal.signal(signal.SIGALRM, _expired)


def arm() -> None:
    """Before each request (gunicorn's pre_request)."""
    seconds = deadline_seconds()
    if seconds > 0:
        signal.setitimer(signal.ITIMER_REAL, seconds)


def disarm() -> None:
    """After each request (gunicorn's post_request), and after the response is written."""
    signal.setitimer(signal.ITIMER_REAL, 0)
