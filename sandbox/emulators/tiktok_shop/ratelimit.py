"""The per-app QPS limit (emulator option ``qps``; off when unset or 0).

A sliding-window counter in the Django cache: Redis when ``REDIS_URL`` is set, so every process
serving the sandbox shares one budget per app; the local-memory cache otherwise (one process).
The rolling second is estimated from the current second's count plus the previous second's,
weighted by how much of it the window still covers. Refused calls count too, as a platform's
limiter counts them.
"""

from __future__ import annotations

import time

from django.core.cache import cache

KEY_PREFIX = "sandbox:tiktok-shop:qps"


def rate_limit_retry_after(*, app_key: str, qps: int | float | None) -> int | None:
    """None when the call is within ``qps``; else the seconds to wait before trying again."""
    if not qps:
        return None
    now = time.time()
    second = int(now)
    current_key, previous_key = f"{KEY_PREFIX}:{app_key}:{second}", f"{KEY_PREFIX}:{app_key}:{second - 1}"
    cache.add(current_key, 0, timeout=5)
    try:
        current = cache.incr(current_key)
    except ValueError:  # expired between add and incr
        cache.set(current_key, 1, timeout=5)
        current = 1
    previous = cache.get(previous_key, 0)
    # The other calls of the last rolling second (estimated): a client pacing itself at exactly
    # qps stays under the limit, a burst of qps + 1 doesn't.
    others = previous * (1 - (now - second)) + current - 1
    return None if others < float(qps) else 1
