"""Per-credential rate limits for upstream calls, shared by every worker process.

Built on the ``limits`` library with its moving-window strategy: in any span as long as the
limit's period, at most ``amount`` calls are granted, so bursts at a window boundary can't
double the rate the way a fixed window would. Storage is Redis when ``settings.REDIS_URL`` is
set (one budget for all processes and hosts) and this process's memory otherwise.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from functools import lru_cache
from typing import NamedTuple

from django.conf import settings
from limits import RateLimitItem, parse_many
from limits.errors import StorageError
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import MovingWindowRateLimiter

from core.locks import redis_key, shared_redis

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
    with _memory_pace_lock:
        _memory_pace.clear()


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


# Reserve the next slot of an evenly paced schedule: the slot is max(now, the key's next free
# time); the key then moves one interval past it. Nothing is reserved when the slot is further
# away than the caller will wait (returned negative).
_PACE_SCRIPT = """
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local max_wait = tonumber(ARGV[3])
local slot = tonumber(redis.call('get', KEYS[1]) or '0')
if slot < now then slot = now end
if slot - now > max_wait then return tostring(-(slot - now)) end
redis.call('set', KEYS[1], tostring(slot + interval), 'PX', math.ceil((slot + interval - now) * 1000) + 1000)
return tostring(slot)
"""

_memory_pace: dict[str, float] = {}
_memory_pace_lock = threading.Lock()


class PacedRateLimiter(RateLimiter):
    """The same limits, granted evenly: one call per ``period / amount`` (the strictest of the
    limits) for all processes sharing the key, instead of bursts of ``amount`` per window.

    An upstream that counts calls over a sliding second refuses a burst at a window edge even
    when the average is within the limit; paced calls never burst, so a client can run at the
    limit itself instead of well under it. Each caller reserves its slot (Redis when
    ``settings.REDIS_URL`` is set, else this process) and sleeps until it comes.
    """

    def __init__(
        self,
        limit: str,
        *,
        max_wait: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ):
        super().__init__(limit, max_wait=max_wait, sleep=sleep)
        self.interval = max(item.get_expiry() / item.amount for item in self.items)
        self.clock = clock  # epoch seconds, shared by every process (slots are absolute times)

    def __repr__(self) -> str:
        return f"PacedRateLimiter({self.limit!r})"

    def acquire(self, key: str, *, max_wait: float | None = None) -> Grant:
        from core.http import RateLimited

        max_wait = self.max_wait if max_wait is None else max_wait
        now = self.clock()
        try:
            slot = self._reserve(key, now, max_wait)
        except Exception:  # redis errors: as RateLimiter, never stop every upstream call
            logger.warning("Rate limiter storage unavailable; %s granted without a slot.", key, exc_info=True)
            return Grant(0.0, now)
        if slot < 0:
            raise RateLimited(
                f"Rate limit {self.limit} reached; no slot within {max_wait:g}s.", retry_after=round(-slot, 3), retryable=False
            )
        wait = slot - now
        if wait > 0:
            self.sleep(wait)
        return Grant(max(wait, 0.0), slot)

    def _reserve(self, key: str, now: float, max_wait: float) -> float:
        client = shared_redis()
        if client is not None:
            return float(client.eval(_PACE_SCRIPT, 1, redis_key("pace", key), repr(now), repr(self.interval), repr(max_wait)))
        with _memory_pace_lock:
            slot = max(_memory_pace.get(key, 0.0), now)
            if slot - now > max_wait:
                return -(slot - now)
            _memory_pace[key] = slot + self.interval
            return slot

    def clear(self, key: str) -> None:
        client = shared_redis()
        if client is not None:
            client.delete(redis_key("pace", key))
        with _memory_pace_lock:
            _memory_pace.pop(key, None)
