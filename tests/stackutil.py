"""Helpers for tests that run the real production stack in subprocesses (bench/stack.py)."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

import pytest

from bench import stack


def postgres_server_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgres") else stack.DEFAULT_POSTGRES


def redis_server_url() -> str:
    return os.environ.get("REDIS_URL") or stack.DEFAULT_REDIS


def unmet(precondition: str) -> None:
    """A test's named precondition is not met: a failure in CI, a skip elsewhere."""
    message = f"precondition: {precondition}"
    if os.environ.get("CI"):
        pytest.fail(message + " is not met in CI")
    pytest.skip(message)


def require(service: str, url: str, default_port: int) -> None:
    """Fail in CI, skip (with the named precondition) elsewhere, when a service is down."""
    if stack.reachable(url, default_port):
        return
    parts = urlsplit(url)
    unmet(f"{service} reachable at {parts.hostname}:{parts.port or default_port}"
          f" (this test runs the stack against it)")


def query(database_url: str, sql: str, params: tuple = ()) -> list[tuple]:
    """Rows from the stack's database (SQLite file or PostgreSQL), outside Django's test DB."""
    if database_url.startswith("sqlite"):
        import sqlite3

        path = "/" + urlsplit(database_url).path.lstrip("/")
        with sqlite3.connect(path) as conn:
            return conn.execute(sql.replace("%s", "?"), params).fetchall()
    import psycopg

    with psycopg.connect(database_url) as conn:
        return conn.execute(sql, params).fetchall()
