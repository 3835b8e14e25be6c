"""What one ``request()`` did, and where it is written down: one structured log line, and one
``ApiCallLog`` row for the tenant the call was made for."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db import DatabaseError, transaction

from core.http.errors import UpstreamError
from core.models import Tenant
from core.services import api_call_log_record

logger = logging.getLogger("core.http")


@dataclass
class CallRecord:
    """What happened during one ``request()``; the client keeps the last one as ``last_call``."""

    provider: str
    method: str
    endpoint: str
    correlation_id: str
    attempts: int = 0
    waits: list[float] = field(default_factory=list)  # backoff / Retry-After pauses, in order
    throttled: float = 0.0  # seconds spent waiting for our own rate limit
    refreshed: bool = False
    status_code: int | None = None
    outcome: str = "ok"
    error_message: str = ""
    duration_ms: int = 0
    last_error: UpstreamError | None = field(default=None, repr=False)
    retries_stopped: bool = False


def endpoint_label(path: str) -> str:
    """``"sendMessage?x=1"`` → ``"/sendMessage"``: the path only, never the query."""
    path = path.split("?", 1)[0].split("#", 1)[0]
    return ("/" + path.lstrip("/"))[:300]


def call_record_write(call: CallRecord, *, tenant: Tenant | None, credential: str) -> None:
    """The log line, and the ``ApiCallLog`` row unless the call belongs to no tenant."""
    ok = call.outcome == "ok"
    logger.log(
        logging.INFO if ok else logging.WARNING,
        "%s %s %s -> %s in %d ms, %d attempt(s)%s",
        call.provider,
        call.method,
        call.endpoint,
        call.status_code or call.outcome,
        call.duration_ms,
        call.attempts,
        "" if ok else f": {call.outcome}: {call.error_message}",
        extra={
            "provider": call.provider,
            "method": call.method,
            "endpoint": call.endpoint,
            "status_code": call.status_code,
            "outcome": call.outcome,
            "duration_ms": call.duration_ms,
            "attempts": call.attempts,
            "waits": [round(wait, 3) for wait in call.waits],
            "credential": credential,
        },
    )
    if tenant is None:
        return
    try:
        with transaction.atomic():
            api_call_log_record(
                tenant=tenant,
                provider=call.provider,
                method=call.method,
                endpoint=call.endpoint,
                status_code=call.status_code,
                outcome=call.outcome,
                error_message=call.error_message,
                duration_ms=call.duration_ms,
                attempts=call.attempts,
                credential=credential,
                correlation_id=call.correlation_id,
            )
    except DatabaseError:
        # The call's result matters more than its log row: never turn a delivered call
        # into a failure because the log couldn't be written.
        logger.exception("Could not write the ApiCallLog row for %s %s %s.", call.provider, call.method, call.endpoint)
