"""A circuit breaker for Redis, so that a Redis that stops answering costs one timeout, not one
per cache call.

django-redis already turns Redis errors into cache misses (IGNORE_EXCEPTIONS), but each call
still waits for its socket timeout: a page that touches the cache three times waited three
seconds while Redis was stalled (F9). This connection class opens the circuit on the first
connection error or timeout: for ``open_seconds`` afterwards every Redis call in this process
fails at once, without touching the network, and django-redis treats that failure like any
other. After that the next call tries Redis again (half-open): success closes the circuit, a
failure opens it for another period.

Used through django-redis' ``CONNECTION_POOL_KWARGS = {"connection_class": ...}``
(config/settings.py). The state is per process: each gunicorn worker finds out on its own, at
the cost of one timeout.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass, field

from redis.connection import Connection
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

_FAILURES = (RedisConnectionError, RedisTimeoutError, OSError)


class CircuitOpen(RedisConnectionError):
    """Raised instead of calling Redis while the circuit is open."""


@dataclass
class CircuitBreaker:
    open_seconds: float = 5.0
    opened_at: float | None = None
    # What happened, for logs and tests: calls refused without touching Redis, and failures
    # (timeouts, refused connections) that opened the circuit.
    refused: int = 0
    failures: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def check(self) -> None:
        """Raise CircuitOpen while the circuit is open; let one call through once it may close."""
        with self._lock:
            if self.opened_at is None:
                return
            if time.monotonic() - self.opened_at < self.open_seconds:
                self.refused += 1
                raise CircuitOpen("Redis circuit open: not calling Redis for now")
            # Half-open: this call tries Redis; its failure opens the circuit again.
            self.opened_at = None

    def record_failure(self, error: BaseException) -> None:
        with self._lock:
            self.failures += 1
            if self.opened_at is None:
                logger.warning("Redis failed (%s); not calling it for %.0f s",
                               type(error).__name__, self.open_seconds)
            self.opened_at = time.monotonic()

    @property
    def is_open(self) -> bool:
        return self.opened_at is not None

    def reset(self) -> None:
        with self._lock:
            self.opened_at = None
            self.refused = self.failures = 0


# How long the circuit stays open; read here because settings import this module.
BREAKER = CircuitBreaker(open_seconds=float(os.environ.get("DJANGO_REDIS_BREAKER_SECONDS", "5")))


class CircuitBreakerConnection(Connection):
    """redis-py's TCP connection, guarded by the process's circuit breaker."""

    def connect(self) -> None:
        BREAKER.check()
        try:
            super().connect()
        except CircuitOpen:
            raise
        except _FAILURES as error:
            BREAKER.record_failure(error)
            raise

    def send_packed_command(self, command, check_health: bool = True) -> None:
        BREAKER.check()
        try:
            super().send_packed_command(command, check_health=check_health)
        except CircuitOpen:
            raise
        except _FAILURES as error:
            BREAKER.record_failure(error)
            raise

    def read_response(self, *args, **kwargs):
        try:
            return super().read_response(*args, **kwargs)
        except _FAILURES as error:
            BREAKER.record_failure(error)
            raise
