"""Named locks and the shared Redis connection used for cross-process coordination.

With ``settings.REDIS_URL`` set, a lock is a Redis lock, so every worker process on every host
agrees on who holds it. Without Redis (the embedded default: web, worker and beat on one
machine) it is an ``flock`` on a file under ``VAR_DIR/locks``, which all processes of the host
share and the kernel releases if its holder dies.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import time
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

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


_FILE_LOCK_POLL = 0.01


@contextlib.contextmanager
def _file_lock(name: str, wait: float) -> Iterator[None]:
    directory = Path(settings.VAR_DIR) / "locks"
    directory.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait
    # Each open() is its own lock holder, so threads of one process exclude each other too.
    with open(directory / f"{hashlib.sha256(name.encode()).hexdigest()[:32]}.lock", "a") as handle:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockTimeout(f"Lock {name!r} still held after {wait:g}s.") from None
                time.sleep(_FILE_LOCK_POLL)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def named_lock(name: str, *, ttl: float = 60.0, wait: float = 30.0) -> Iterator[None]:
    """Hold the lock ``name`` for the block.

    ``wait`` bounds how long to queue for it (``LockTimeout`` after that); ``ttl`` makes a Redis
    lock expire on its own if its holder dies, so a killed worker can't block the name forever.
    Not re-entrant.
    """
    client = shared_redis()
    if client is None:
        with _file_lock(name, wait):
            yield
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
