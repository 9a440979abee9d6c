"""The languages the product speaks (settings.LANGUAGES) and how a requested one is checked."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import get_language


def language_codes() -> tuple[str, ...]:
    return tuple(code for code, _ in settings.LANGUAGES)


def language_supported(code: str | None) -> str | None:
    """``code`` as settings.LANGUAGES spells it if the product speaks it (case-insensitive,
    ``_`` or ``-``), else None: a ``lang`` parameter or a stored value is never trusted as is."""
    if not code or len(code) > 16:
        return None
    wanted = code.strip().lower().replace("_", "-")
    return next((known for known in language_codes() if known == wanted), None)


def language_active() -> str:
    """The request's language as one of settings.LANGUAGES (the default when none is active)."""
    return language_supported(get_language()) or settings.LANGUAGE_CODE
