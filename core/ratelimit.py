"""Per-credential rate limits for upstream calls, shared by every worker process.

Built on the ``limits`` library with its moving-window strategy: in any span as long as the
limit's period, at most ``amount`` calls are granted, so bursts at a window boundary can't
double the rate the way a fixed window would. Storage is Redis when ``settings.REDIS_URL`` is
set (one budget for all processes and hosts) and this process's memory otherwise.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import lru_cache
from typing import NamedTuple

from django.conf import settings
from limits import RateLimitItem, parse_many
from limits.errors import StorageError
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import MovingWindowRateLimiter

from core.locks import redis_key

logger = logging.getLogger(__name__)

# Smallest pause between two looks at a full window: the reset time can already be past when
# another process took the slot that had just freed.
_MIN_PAUSE = 0.005

_memory_storage = MemoryStorage()


@lru_cache(maxsize=4)
def _redis_storage(url: str, prefix: str) -> RedisStorage:
    return RedisStorage(url, key_prefix=prefix, wrap_exceptions=True)


def limiter_storage() -> Storage:
    if settings.REDIS_URL:
        return _redis_storage(settings.REDIS_URL, redis_key("limits"))
    return _memory_storage


def limiter_storage_reset() -> None:
    """Forget every in-memory window (tests). Redis windows expire on their own."""
    _memory_storage.reset()


class Grant(NamedTuple):
    waited: float  # seconds spent waiting for the slot
    granted_at: float  # epoch seconds of the hit that took the slot


class RateLimiter:
    """``RateLimiter("10/second;600/minute").acquire(key)`` blocks until ``key`` may call again.

    ``limit`` uses the ``limits`` notation; several limits separated by ``;`` all apply.
    ``max_wait`` (default ``UPSTREAM_RATE_LIMIT_MAX_WAIT``) bounds the wait: when no slot frees
    up within it, ``acquire`` raises ``RateLimited`` at once, with ``retry_after`` set to when
    one will, instead of sleeping for nothing.
    """

    def __init__(self, limit: str, *, max_wait: float | None = None, sleep: Callable[[float], None] = time.sleep):
        self.limit = limit
        self.items: list[RateLimitItem] = parse_many(limit)
        self.max_wait = settings.UPSTREAM_RATE_LIMIT_MAX_WAIT if max_wait is None else max_wait
        self.sleep = sleep

    def __repr__(self) -> str:
        return f"RateLimiter({self.limit!r})"

    def acquire(self, key: str, *, max_wait: float | None = None) -> Grant:
        from core.http import RateLimited  # core.http builds on this module

        max_wait = self.max_wait if max_wait is None else max_wait
        limiter = MovingWindowRateLimiter(limiter_storage())
        started, paused = time.monotonic(), False
        while True:
            try:
                free_at = self._try_hit(limiter, key)
            except StorageError:
                # A Redis outage must not stop every upstream call; the platforms' own 429s
                # (retried with backoff) still protect the credential meanwhile.
                logger.warning("Rate limiter storage unavailable; %s granted without a slot.", key, exc_info=True)
                return Grant(time.monotonic() - started if paused else 0.0, time.time())
            waited = time.monotonic() - started if paused else 0.0
            if isinstance(free_at, Grant):
                return free_at._replace(waited=waited)
            pause = max(free_at - time.time(), _MIN_PAUSE)
            if waited + pause > max_wait:
                raise RateLimited(
                    f"Rate limit {self.limit} reached; no slot within {max_wait:g}s.",
                    retry_after=round(pause, 3),
                    retryable=False,
                )
            self.sleep(pause)
            paused = True

    def _try_hit(self, limiter: MovingWindowRateLimiter, key: str) -> Grant | float:
        """Take a slot in every limit, or return the epoch time at which to look again."""
        for item in self.items:
            if not limiter.test(item, key):
                return limiter.get_window_stats(item, key).reset_time
        for item in self.items:
            granted_at = time.time()
            if not limiter.hit(item, key):
                # Another process took the last slot between test and hit; slots already taken
                # in the other limits stay spent, which errs on the safe side.
                return limiter.get_window_stats(item, key).reset_time
        return Grant(0.0, granted_at)

    def clear(self, key: str) -> None:
        limiter = MovingWindowRateLimiter(limiter_storage())
        for item in self.items:
            limiter.clear(item, key)
