"""The fault vocabulary, shared by the ``X-Sandbox-Fault`` header, the control API and admin.

Header syntax: ``;``-separated items, each ``key=value`` or a bare flag::

    X-Sandbox-Fault: status=503
    X-Sandbox-Fault: status=429;retry_after=2;times=3
    X-Sandbox-Fault: latency_ms=300
    X-Sandbox-Fault: expired_token
    X-Sandbox-Fault: malformed
    X-Sandbox-Fault: slow_ms=5000        (``slow`` alone uses settings.SANDBOX_SLOW_MS)

JSON (control API, admin, ``sandbox.set_faults(...)``) uses the same keys:
``{"status": 429, "retry_after": 2, "times": 3}``.

What each does:

- ``latency_ms``: wait before handling the request.
- ``status=429`` (with ``retry_after`` seconds, default 1) or ``status=5xx``: answer with that
  error instead of handling the request, in the emulator's own error shape.
- ``expired_token``: answer with the emulator's own "access token expired" error.
- ``malformed``: handle the request, then answer 200 with the body cut in half (invalid JSON).
- ``slow_ms``: handle the request, then wait before answering, long enough to trip a client's
  read timeout; the work is done, only the answer is late (what retries must be idempotent for).
- ``times=N``: apply to N requests only, then stop.

At most one of ``status``, ``expired_token`` and ``malformed`` per fault set.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

FAULT_HEADER = "X-Sandbox-Fault"
APPLIED_HEADER = "X-Sandbox-Fault-Applied"

RATE_LIMITED = 429
DEFAULT_RETRY_AFTER = 1

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class FaultSpecError(ValueError):
    """A fault specification that can't be applied; the message says why."""


def _max_delay_ms() -> int:
    from django.conf import settings

    return int(settings.SANDBOX_MAX_DELAY_MS)


def _default_slow_ms() -> int:
    from django.conf import settings

    return int(settings.SANDBOX_SLOW_MS)


@dataclass(frozen=True)
class FaultSet:
    status: int | None = None
    retry_after: int | None = None
    expired_token: bool = False
    malformed: bool = False
    latency_ms: int = 0
    slow_ms: int = 0
    times: int | None = None

    # --- building ---------------------------------------------------------------------

    @classmethod
    def parse(cls, spec: str) -> FaultSet:
        """Parse the header syntax. An empty spec is an empty fault set."""
        data: dict[str, Any] = {}
        for raw in spec.split(";"):
            item = raw.strip()
            if not item:
                continue
            key, sep, value = item.partition("=")
            key = key.strip().lower()
            data[key] = value.strip() if sep else True
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FaultSet:
        """Build from JSON or keyword arguments, validating every value."""
        allowed = {f.name for f in fields(cls)} | {"slow"}
        unknown = sorted(set(data) - allowed)
        if unknown:
            raise FaultSpecError(f"Unknown fault {', '.join(unknown)}; known: {', '.join(sorted(allowed))}.")

        status = _int_or_none(data, "status")
        retry_after = _int_or_none(data, "retry_after")
        times = _int_or_none(data, "times")
        latency_ms = _int_or_none(data, "latency_ms") or 0
        slow_ms = _int_or_none(data, "slow_ms") or 0
        if _flag(data, "slow") and not slow_ms:
            slow_ms = _default_slow_ms()
        faults = cls(
            status=status,
            retry_after=retry_after,
            expired_token=_flag(data, "expired_token"),
            malformed=_flag(data, "malformed"),
            latency_ms=latency_ms,
            slow_ms=slow_ms,
            times=times,
        )
        faults._validate()
        return faults

    def _validate(self) -> None:
        if self.status is not None and not (self.status == RATE_LIMITED or 500 <= self.status <= 599):
            raise FaultSpecError(f"status must be 429 or 5xx, not {self.status}.")
        if self.retry_after is not None:
            if self.status != RATE_LIMITED:
                raise FaultSpecError("retry_after only goes with status=429.")
            if self.retry_after < 0:
                raise FaultSpecError("retry_after must be >= 0.")
        outcomes = [name for name in ("status", "expired_token", "malformed") if getattr(self, name) not in (None, False)]
        if len(outcomes) > 1:
            raise FaultSpecError(f"Choose one of status, expired_token and malformed, not {' and '.join(outcomes)}.")
        limit = _max_delay_ms()
        for name in ("latency_ms", "slow_ms"):
            value = getattr(self, name)
            if not 0 <= value <= limit:
                raise FaultSpecError(f"{name} must be between 0 and {limit}.")
        if self.times is not None and self.times < 1:
            raise FaultSpecError("times must be >= 1.")

    # --- reading ----------------------------------------------------------------------

    @property
    def is_empty(self) -> bool:
        return self.without_times() == FaultSet()

    @property
    def effective_retry_after(self) -> int:
        return DEFAULT_RETRY_AFTER if self.retry_after is None else self.retry_after

    def without_times(self) -> FaultSet:
        return FaultSet(**{**asdict(self), "times": None})

    def to_dict(self) -> dict[str, Any]:
        """Only the keys that differ from "no fault"; ``times`` included when set."""
        default = FaultSet()
        return {key: value for key, value in asdict(self).items() if value != getattr(default, key)}

    def describe(self) -> str:
        """Header syntax, e.g. ``status=429;retry_after=2``; flags are bare."""
        items = []
        for key, value in self.to_dict().items():
            items.append(key if value is True else f"{key}={value}")
        return ";".join(items)


def _int_or_none(data: Mapping[str, Any], key: str) -> int | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise FaultSpecError(f"{key} needs a number.")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise FaultSpecError(f"{key} must be an integer, not {value!r}.")


def _flag(data: Mapping[str, Any], key: str) -> bool:
    value = data.get(key, False)
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise FaultSpecError(f"{key} is a flag: give it alone or as {key}=true/false.")
