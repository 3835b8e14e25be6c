"""What the emulators' QPS limits share: per-window call counters in the Django cache (Redis
when configured, so every process serving the sandbox counts against one budget)."""

from __future__ import annotations

from django.core.cache import cache


def window_count_add(key: str, *, timeout: int = 5) -> int:
    """Count one call in the window ``key`` and return the window's count, this call included."""
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1
