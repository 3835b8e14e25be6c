"""Circuit breakers per upstream destination, built on ``pybreaker``.

The state of a destination (closed / open / half-open, consecutive failures, when it opened)
lives in a storage shared by everything that calls it: Redis when ``settings.REDIS_URL`` is set,
so all worker processes open and close together, and this process's memory otherwise.

Each client gets its own ``CircuitBreaker`` object over that shared storage: pybreaker holds
the breaker's lock for the whole guarded call, so one breaker object shared by several threads
would serialize all their calls to a destination.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pybreaker
from django.conf import settings

from core.locks import redis_key, shared_redis

logger = logging.getLogger(__name__)

_memory_storages: dict[str, pybreaker.CircuitMemoryStorage] = {}
_redis_storages: dict[tuple[str, str], pybreaker.CircuitRedisStorage] = {}
_guard = threading.Lock()


def breaker_storage(name: str) -> pybreaker.CircuitBreakerStorage:
    client = shared_redis()
    with _guard:
        if client is None:
            return _memory_storages.setdefault(name, pybreaker.CircuitMemoryStorage(pybreaker.STATE_CLOSED))
        key = (settings.REDIS_URL, name)
        if key not in _redis_storages:
            _redis_storages[key] = pybreaker.CircuitRedisStorage(pybreaker.STATE_CLOSED, client, namespace=redis_key("breaker", name))
        return _redis_storages[key]


class _StateLogger(pybreaker.CircuitBreakerListener):
    def state_change(self, cb, old_state, new_state) -> None:
        if old_state is None or old_state.name == new_state.name:
            return
        level = logging.WARNING if new_state.name == pybreaker.STATE_OPEN else logging.INFO
        logger.log(level, "Circuit %s: %s -> %s", cb.name, old_state.name, new_state.name)


_state_logger = _StateLogger()


def circuit_breaker(
    name: str,
    *,
    fail_max: int | None = None,
    reset_seconds: float | None = None,
    exclude: Callable[[BaseException], bool] | None = None,
) -> pybreaker.CircuitBreaker:
    """A breaker over the shared state of destination ``name``.

    It opens after ``fail_max`` consecutive failed calls (default
    ``UPSTREAM_BREAKER_FAIL_MAX``), lets a trial call through after ``reset_seconds`` (default
    ``UPSTREAM_BREAKER_RESET_SECONDS``) and closes when that succeeds. ``exclude(exc)`` returning
    True marks an exception as no sign of an unhealthy destination (pybreaker then counts the
    call as a success). The call that trips the breaker raises its own error, not pybreaker's.
    """
    return pybreaker.CircuitBreaker(
        fail_max=fail_max or settings.UPSTREAM_BREAKER_FAIL_MAX,
        reset_timeout=settings.UPSTREAM_BREAKER_RESET_SECONDS if reset_seconds is None else reset_seconds,
        exclude=[exclude] if exclude else None,
        state_storage=breaker_storage(name),
        listeners=[_state_logger],
        name=name,
        throw_new_error_on_trip=False,
    )


def circuit_open_remaining(breaker: pybreaker.CircuitBreaker) -> float:
    """Seconds until an open breaker lets a trial call through; 0 when calls may go."""
    if breaker.current_state != pybreaker.STATE_OPEN:
        return 0.0
    opened_at = breaker._state_storage.opened_at  # pybreaker keeps it on the storage only
    if opened_at is None:
        return 0.0
    remaining = (opened_at + timedelta(seconds=breaker.reset_timeout) - datetime.now(UTC)).total_seconds()
    return max(remaining, 0.0)


def breakers_reset() -> None:
    """Forget this process's breaker state (tests). Redis state lives under the prefix."""
    with _guard:
        _memory_storages.clear()
        _redis_storages.clear()
