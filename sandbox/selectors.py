"""Reads of sandbox state.

``emulator_state_get`` is on every emulated request's path, so it is cached in the process for
``settings.SANDBOX_CONFIG_CACHE_SECONDS`` (writes through ``sandbox.services`` clear it at once in
the writing process; other processes see a change within that time).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings

from sandbox.faults import FaultSet, FaultSpecError
from sandbox.models import EmulatorConfig, EmulatorCounter, ReceivedRequest


@dataclass(frozen=True)
class EmulatorState:
    """A snapshot of one emulator's config row (or of "no row")."""

    faults: FaultSet | None = None
    remaining: int | None = None
    latency_ms: int = 0
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def faults_active(self) -> bool:
        return self.faults is not None and (self.remaining is None or self.remaining > 0)

    @classmethod
    def from_row(cls, row: EmulatorConfig | None) -> EmulatorState:
        if row is None:
            return cls()
        try:
            faults = FaultSet.from_dict(row.faults) if row.faults else None
        except FaultSpecError as exc:  # edited behind the services' back, or limits lowered since
            raise FaultSpecError(f"stored faults of {row.name!r}: {exc}") from exc
        return cls(
            faults=None if faults is None or faults.is_empty else faults,
            remaining=row.remaining,
            latency_ms=row.latency_ms,
            options=dict(row.options or {}),
        )


_cache: dict[str, tuple[float, EmulatorState]] = {}
_cache_lock = threading.Lock()


def emulator_state_get(*, emulator: str) -> EmulatorState:
    now = time.monotonic()
    hit = _cache.get(emulator)
    if hit is not None and hit[0] > now:
        return hit[1]
    state = EmulatorState.from_row(EmulatorConfig.objects.filter(name=emulator).first())
    ttl = float(settings.SANDBOX_CONFIG_CACHE_SECONDS)
    if ttl > 0:
        with _cache_lock:
            _cache[emulator] = (now + ttl, state)
    return state


def emulator_state_mark_exhausted(*, emulator: str) -> None:
    """The "next N requests" ran out (seen by a conditional UPDATE): stop trying until expiry."""
    with _cache_lock:
        hit = _cache.get(emulator)
        if hit is not None:
            _cache[emulator] = (hit[0], replace(hit[1], remaining=0))


def emulator_state_cache_clear(*, emulator: str | None = None) -> None:
    with _cache_lock:
        if emulator is None:
            _cache.clear()
        else:
            _cache.pop(emulator, None)


def emulator_config_describe(*, emulator: str) -> dict[str, Any]:
    """The stored config as the control API shows it (read fresh, never from the cache)."""
    row = EmulatorConfig.objects.filter(name=emulator).first()
    try:
        state, error = EmulatorState.from_row(row), None
    except FaultSpecError as exc:
        # Show what is stored and why it can't apply, so it can be fixed with PUT or DELETE.
        state, error = EmulatorState(remaining=row.remaining, latency_ms=row.latency_ms, options=dict(row.options or {})), str(exc)
    described = {
        "emulator": emulator,
        "faults": row.faults if error else (state.faults.to_dict() if state.faults else {}),
        "remaining": state.remaining,
        "active": state.faults_active,
        "latency_ms": state.latency_ms,
        "options": state.options,
        "updated_at": row.updated_at.isoformat() if row else None,
    }
    if error:
        described["error"] = error
    return described


def received_request_list(*, emulator: str, limit: int = 100, after_id: int | None = None) -> list[ReceivedRequest]:
    """The latest ``limit`` requests received by ``emulator``, oldest first.

    With ``after_id``, the first ``limit`` requests after that id instead (for polling).
    """
    rows = ReceivedRequest.objects.filter(emulator=emulator)
    if after_id is not None:
        return list(rows.filter(id__gt=after_id).order_by("id")[:limit])
    return list(rows.order_by("-id")[:limit])[::-1]


def counter_value(*, emulator: str, key: str) -> int:
    return EmulatorCounter.objects.filter(emulator=emulator, key=key).values_list("value", flat=True).first() or 0
