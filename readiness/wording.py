"""How the app's sentences list things, in one place for every explanation (priorities,
matches, near misses): "A, B and C", or "A, B or C" for alternatives."""

from __future__ import annotations

from collections.abc import Iterable


def join_words(items: Iterable[str], word: str = "and") -> str:
    """``["a", "b", "c"]`` -> ``"a, b and c"``; one item alone; nothing -> ``""``."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]
