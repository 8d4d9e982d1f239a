"""Bounded memos of the parser's pure per-text functions (label classification, cell scans, numbers).

Plain dicts keyed by the text itself: a str caches its hash, where ``functools.lru_cache`` builds and
hashes an argument tuple on every call. A memo that reaches its limit is emptied and refills with what
the reports in hand print, so a long run's memory stays bounded.
"""

from __future__ import annotations

from typing import TypeVar

V = TypeVar("V")


def remember(memo: dict[str, V], key: str, value: V, limit: int) -> V:
    """``memo[key] = value`` (the memo emptied first when it holds ``limit`` entries); returns value."""
    if len(memo) >= limit:
        memo.clear()
    memo[key] = value
    return value
