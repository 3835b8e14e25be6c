"""The per-app QPS limit (emulator option ``qps``; off when unset or 0).

A sliding window in the Django cache: Redis when ``REDIS_URL`` is set, so every process serving
the sandbox shares one budget per app; the local-memory cache otherwise (one process). Calls are
counted in tenth-of-a-second buckets, and a call is refused when the current bucket and the nine
before it (the last 0.9 to 1 second) already hold ``qps`` calls. Refused calls count too, as a
platform's limiter counts them. A client spacing its calls evenly at ``qps`` stays under the limit
with up to a tenth of a second of jitter; a burst of ``qps + 1`` doesn't.
"""

from __future__ import annotations

import time

from django.core.cache import cache

from sandbox.ratelimit import window_count_add

KEY_PREFIX = "sandbox:tiktok-shop:qps"
BUCKET_SECONDS = 0.1
BUCKETS_PER_SECOND = 10


def rate_limit_retry_after(*, app_key: str, qps: int | float | None) -> int | None:
    """None when the call is within ``qps``; else the seconds to wait before trying again."""
    if not qps:
        return None
    now = time.time()
    bucket = int(now / BUCKET_SECONDS)
    keys = [f"{KEY_PREFIX}:{app_key}:{number}" for number in range(bucket - BUCKETS_PER_SECOND + 1, bucket + 1)]
    current = window_count_add(keys[-1])
    others = sum(cache.get_many(keys[:-1]).values()) + current - 1
    return None if others < float(qps) else 1
