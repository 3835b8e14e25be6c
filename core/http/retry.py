"""When to wait and for how long: ``Retry-After`` and exponential backoff with full jitter."""

from __future__ import annotations

import email.utils
from datetime import UTC, datetime

from tenacity import RetryCallState, wait_random_exponential
from tenacity.wait import wait_base


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds: delay-seconds (``"120"``) or an HTTP-date; None if absent or
    unreadable, 0 for a date in the past."""
    if value is None:
        return None
    value = value.strip()
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # obsolete date formats without a zone are GMT by definition
        when = when.replace(tzinfo=UTC)
    return max((when - (now or datetime.now(UTC))).total_seconds(), 0.0)


class wait_for_upstream(wait_base):
    """The upstream's ``Retry-After`` when it gave one, else exponential backoff, full jitter.

    With a ``schedule`` (seconds before the 1st, 2nd, ... retry) the waits are those fixed
    figures instead, the last repeated when there are more retries than entries; a
    ``Retry-After`` still wins when it is longer."""

    def __init__(self, *, base: float, cap: float, schedule: tuple[float, ...] | None = None):
        self.backoff = wait_random_exponential(multiplier=base, max=cap)
        self.schedule = tuple(float(seconds) for seconds in schedule) if schedule else None

    def __call__(self, retry_state: RetryCallState) -> float:
        error = retry_state.outcome.exception() if retry_state.outcome else None
        retry_after = getattr(error, "retry_after", None)
        if self.schedule is not None:
            index = min(retry_state.attempt_number, len(self.schedule)) - 1
            planned = self.schedule[index]
            return max(planned, float(retry_after)) if retry_after is not None else planned
        if retry_after is not None:
            return float(retry_after)
        return self.backoff(retry_state)
