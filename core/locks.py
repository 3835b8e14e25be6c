"""Named locks and the shared Redis connection used for cross-process coordination.

With ``settings.REDIS_URL`` set, a lock is a Redis lock, so every worker process on every host
agrees on who holds it; without Redis (the embedded default: one machine, one worker) it is a
lock of this process.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator
from functools import lru_cache

import redis
from django.conf import settings
from redis.exceptions import LockError

logger = logging.getLogger(__name__)


class LockTimeout(RuntimeError):
    """The lock was still held by someone else when the wait ran out."""


@lru_cache(maxsize=4)
def _redis_for(url: str) -> redis.Redis:
    # Bytes responses: pybreaker's Redis storage decodes values itself.
    return redis.Redis.from_url(url, health_check_interval=30)


def shared_redis() -> redis.Redis | None:
    """This process's Redis client for coordination state, or None when Redis isn't configured."""
    return _redis_for(settings.REDIS_URL) if settings.REDIS_URL else None


def redis_key(*parts: str) -> str:
    """A key under this deployment's upstream-coordination prefix."""
    return ":".join((settings.UPSTREAM_REDIS_PREFIX, *parts))


_process_locks: dict[str, threading.Lock] = {}
_process_locks_guard = threading.Lock()


def _process_lock(name: str) -> threading.Lock:
    with _process_locks_guard:
        return _process_locks.setdefault(name, threading.Lock())


@contextlib.contextmanager
def named_lock(name: str, *, ttl: float = 60.0, wait: float = 30.0) -> Iterator[None]:
    """Hold the lock ``name`` for the block.

    ``wait`` bounds how long to queue for it (``LockTimeout`` after that); ``ttl`` makes a Redis
    lock expire on its own if its holder dies, so a killed worker can't block the name forever.
    Not re-entrant.
    """
    client = shared_redis()
    if client is None:
        lock = _process_lock(name)
        if not lock.acquire(timeout=wait):
            raise LockTimeout(f"Lock {name!r} still held after {wait:g}s.")
        try:
            yield
        finally:
            lock.release()
        return

    lock = client.lock(redis_key("lock", name), timeout=ttl, blocking_timeout=wait)
    if not lock.acquire():
        raise LockTimeout(f"Lock {name!r} still held after {wait:g}s.")
    try:
        yield
    finally:
        try:
            lock.release()
        except LockError:
            # The block outlived the ttl and someone else may hold the lock now: theirs to release.
            logger.warning("Lock %s expired before it was released (ttl %ss).", name, ttl)


def locks_reset() -> None:
    """Forget this process's locks (tests)."""
    with _process_locks_guard:
        _process_locks.clear()
