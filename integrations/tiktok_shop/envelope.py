"""The 202309 envelope ``{code, message, request_id, data}``: errors come back as HTTP 200 with
a non-zero ``code``, mapped here to ``core.http`` error types (reference:
shared/reference/tiktok-apis.md §1)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import requests

from core.http import AuthExpired, BadRequest, RateLimited, Upstream5xx, UpstreamClient, UpstreamError, parse_retry_after

RATE_LIMIT_CODE = 36009002
SERVER_ERROR_CODES = frozenset({36009003, 36009007})  # internal error, request timeout


def is_token_error(code: int) -> bool:
    # Six-digit codes of the 105xxx and 360xxx groups are token errors; eight-digit 360xxxxx
    # codes are gateway errors (rate limit, timeouts, bad parameters) and are not.
    return len(str(code)) == 6 and str(code)[:3] in ("105", "360")


def error_class_for(code: int, *, http_status: int, message: str = "") -> type[UpstreamError]:
    # HTTP statuses that say more than the code (a gateway's 429 or 5xx) keep their meaning.
    if code == RATE_LIMIT_CODE or http_status == 429:
        return RateLimited
    if http_status >= 500 or code in SERVER_ERROR_CODES:
        return Upstream5xx
    if http_status == 401 or is_token_error(code) or (code == 36009004 and "access-token" in message.replace("_", "-")):
        return AuthExpired
    return BadRequest


def raise_for_envelope(client: UpstreamClient, response: requests.Response, payload: Any) -> None:
    """Raise the typed error for an envelope with a non-zero ``code``; nothing otherwise."""
    if not isinstance(payload, dict) or payload.get("code") in (None, 0, "0"):
        return
    try:
        code = int(payload["code"])
    except (TypeError, ValueError):
        code = -1
    message = str(payload.get("message") or f"TikTok Shop error {payload['code']}")
    error_class = error_class_for(code, http_status=response.status_code, message=message)
    retry_after = parse_retry_after(response.headers.get("Retry-After"))
    raise client.make_error(error_class, response, message, payload=payload, code=code, retry_after=retry_after)


def from_unix(value: Any) -> datetime | None:
    """A platform unix time (seconds) as an aware UTC datetime; None for missing or zero."""
    try:
        seconds = int(value)
    except (TypeError, ValueError):
        return None
    return datetime.fromtimestamp(seconds, UTC) if seconds > 0 else None
