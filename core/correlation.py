"""The correlation id that follows a request into the Celery tasks it enqueues and the upstream
calls they make (logs, ``ApiCallLog`` rows, the ``X-Correlation-ID`` header)."""

from __future__ import annotations

import contextlib
import re
import uuid
from contextvars import ContextVar

_correlation_id: ContextVar[str] = ContextVar("correlation_id", default="")
_VALID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def get_correlation_id() -> str:
    return _correlation_id.get()


def new_correlation_id() -> str:
    return uuid.uuid4().hex


def clean_correlation_id(candidate: str | None) -> str:
    """Accept a caller's id only if it is short and plain; otherwise mint one."""
    if candidate and _VALID.match(candidate):
        return candidate
    return new_correlation_id()


def set_correlation_id(value: str):
    return _correlation_id.set(value)


def reset_correlation_id(token) -> None:
    _correlation_id.reset(token)


@contextlib.contextmanager
def correlation_scope(value: str | None = None):
    token = _correlation_id.set(value or new_correlation_id())
    try:
        yield _correlation_id.get()
    finally:
        _correlation_id.reset(token)
