"""The results page's body kept in the cache until anything it shows can have changed (issue 18).

A submitted assessment never changes; what its results body shows besides it is the reference
data (programmes, benchmark targets, weights, framework), today's date (matching's ``as_of``) and
the language. The body is stored under the assessment's public id with a fingerprint of those;
a different fingerprint is a miss, and the body is drawn again and replaces it. One key per
assessment, so that erasing the assessment can delete it (readiness.privacy).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language

from readiness.reference_cache import REFERENCE_NAMES, reference_stamp

BODY_KEY = "results-body:{public_id}"
# Long enough to serve a firm's return visits that day; the fingerprint, not the timeout,
# keeps the body true.
BODY_TIMEOUT = 60 * 60 * 24


def _fingerprint(variant: Any) -> str:
    parts = [reference_stamp(name) for name in REFERENCE_NAMES]
    parts += [timezone.localdate().isoformat(), get_language() or "",
              json.dumps(variant, sort_keys=True, default=str)]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def results_body_get(*, public_id: uuid.UUID, variant: Any = None) -> str | None:
    """The stored body, if it was drawn with today's reference data and the same ``variant``
    (what the holder can change about the body: the plan's own target bands)."""
    stored = cache.get(BODY_KEY.format(public_id=public_id))
    if stored is None or stored[0] != _fingerprint(variant):
        return None
    return stored[1]


def results_body_set(*, public_id: uuid.UUID, html: str, variant: Any = None) -> None:
    cache.set(BODY_KEY.format(public_id=public_id), (_fingerprint(variant), html), BODY_TIMEOUT)


def results_body_forget(*, public_id: uuid.UUID) -> None:
    cache.delete(BODY_KEY.format(public_id=public_id))
