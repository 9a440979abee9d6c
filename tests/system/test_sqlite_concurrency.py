"""The SQLite default holds under concurrent writers (issue 10 item 5): WAL, a busy timeout
and IMMEDIATE transactions, checked in processes of their own against a database file with
the project's settings, whichever database the rest of the suite runs on."""

from __future__ import annotations

import json
import os

import pytest

from bench import stack


@pytest.fixture(scope="module")
def sqlite_env(tmp_path_factory) -> dict[str, str]:
    work = tmp_path_factory.mktemp("sqlite-race")
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env["DATABASE_URL"] = f"sqlite:///{work / 'db.sqlite3'}"
    return env


def run_race(env: dict[str, str], *, deferred: bool) -> dict:
    out = stack.manage(env, "shell", "-c", (
        f"from tests.sqlite_race import race; race(deferred={deferred})"))
    return json.loads(out.strip().splitlines()[-1])


def test_read_then_write_transaction_waits_for_a_concurrent_writer_instead_of_failing(sqlite_env):
    outcome = run_race(sqlite_env, deferred=False)
    assert outcome["journal_mode"] == "wal"
    assert outcome["errors"] == {"a": None, "b": None}
    # A began first and held the write lock; B waited for it rather than failing.
    assert outcome["rows"] == ["a", "b"]


def test_without_immediate_transactions_the_same_race_fails_with_database_locked(sqlite_env):
    """The control: SQLite's default (DEFERRED) loses one side of the race above."""
    outcome = run_race(sqlite_env, deferred=True)
    failures = [error for error in outcome["errors"].values() if error]
    assert failures, outcome
    assert all("locked" in error for error in failures), outcome
    assert len(outcome["rows"]) == 1
