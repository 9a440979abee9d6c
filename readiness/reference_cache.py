"""Reference data read once per process and re-read when it changes.

Programmes, priority weights, the current framework and the benchmark targets change rarely
(a staff edit, an import, a background refresh) but are read by every evaluation. Each kind has
a version stamp in Django's cache (Redis when ``REDIS_URL`` is set, so every app process and
worker sees the same stamp); each process keeps its last copy keyed by the stamp it was read
under. Whatever writes the data calls ``reference_bump`` (services directly, and model signals
for the admin and the ORM), which replaces the stamp: every process then reads the data once more.

Two rules keep a copy from outliving its data:

* the stamp is replaced at the write and again when its transaction commits, so a process that
  read the old rows between the two cannot keep them;
* a copy read inside a transaction (``atomic``) is used but not kept: it may contain writes that
  are then rolled back. Requests run in autocommit (no ``ATOMIC_REQUESTS``), so pages keep theirs.

When the cache is unreachable (django-redis turns errors into misses) every read goes to the
database: slower, never stale.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction

STAMP_KEY = "reference-stamp:{name}"

# The kinds of reference data kept this way, by the name their stamps are kept under.
PROGRAMMES_REFERENCE = "programmes"
WEIGHTS_REFERENCE = "priority-weights"
BENCHMARKS_REFERENCE = "benchmark-targets"
FRAMEWORK_REFERENCE = "framework"
REFERENCE_NAMES = (PROGRAMMES_REFERENCE, WEIGHTS_REFERENCE, BENCHMARKS_REFERENCE,
                   FRAMEWORK_REFERENCE)

# name -> (stamp the copy was read under, the copy)
_copies: dict[str, tuple[str, Any]] = {}
# Inside ``reference_pinned``: name -> the copy read first in the block.
_pinned: ContextVar[dict[str, Any] | None] = ContextVar("reference_pinned", default=None)


def _new_stamp(name: str) -> None:
    cache.set(STAMP_KEY.format(name=name), uuid.uuid4().hex, timeout=None)


def reference_stamp(name: str) -> str:
    """The current stamp of one kind of reference data (made on first use)."""
    key = STAMP_KEY.format(name=name)
    stamp = cache.get(key)
    if stamp is None:
        cache.add(key, uuid.uuid4().hex, timeout=None)
        stamp = cache.get(key)
    # None only when the cache is unreachable: a fresh stamp then never matches a kept copy.
    return stamp or f"unshared-{uuid.uuid4().hex}"


def reference_bump(name: str) -> None:
    """Mark one kind of reference data as changed, now and once more at commit."""
    _new_stamp(name)
    transaction.on_commit(lambda: _new_stamp(name), robust=True)


def reference_get[T](name: str, load: Callable[[], T]) -> T:
    """This process's copy of ``name`` if it is current, else ``load()`` (kept when safe)."""
    pinned = _pinned.get()
    if pinned is not None and name in pinned:
        return pinned[name]
    stamp = reference_stamp(name)
    kept = _copies.get(name)
    if kept is not None and kept[0] == stamp:
        value = kept[1]
    else:
        value = load()
        if not connection.in_atomic_block:
            _copies[name] = (stamp, value)
    if pinned is not None:
        pinned[name] = value
    return value


@contextmanager
def reference_pinned() -> Iterator[None]:
    """Within the block, each kind of reference data is the copy current when the block first
    asked for it: a bulk run evaluates every row against the same programmes, weights and
    targets, and does not ask the cache for the stamps again for each row."""
    token = _pinned.set({})
    try:
        yield
    finally:
        _pinned.reset(token)


def reference_forget() -> None:
    """Drop this process's copies (tests that flush the database call it)."""
    _copies.clear()
