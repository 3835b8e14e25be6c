"""The two Shopee envelopes and what their errors mean as ``core.http`` error types.

Open Platform v2 (reference §1.4): ``{"error", "message", "request_id", "response"}``; an error
sets ``error`` and ``message`` with HTTP 200 (a gateway's rate limit may be a 429). The token
endpoints answer with their fields at the top level and the same ``error``/``message``.

Seller Center / creator web (reference §1.7): ``{"code", "msg", "error", "error_msg", "data"}``,
clients disagree on which pair is set, so either non-zero pair is an error.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import requests

from core.http import AuthExpired, BadRequest, Misconfigured, RateLimited, Upstream5xx, UpstreamClient, UpstreamError, parse_retry_after

# Token errors: the token is expired, revoked or unknown; one renew and a retry may help.
TOKEN_ERRORS = frozenset({"invalid_access_token", "invalid_acceess_token", "error_auth", "error_sign", "refresh_token_expired"})
RATE_LIMIT_ERRORS = frozenset({"error_rate_limit", "error_limit"})
# error_auth messages that name the partner's setup, not the token: no renew can fix them.
_SETUP_AUTH_MESSAGES = ("partner_id", "no permission to current api")
_SETUP_ERRORS = frozenset({"invalid_partner_id", "error_api_call_restricted", "api_suspended", "source_ip_undeclared"})


def error_class_for(error: str, message: str = "", *, http_status: int = 200) -> type[UpstreamError]:
    """The ``core.http`` error an Open Platform ``error`` means. ``error_sign`` counts as a
    token error: the issue's rule is one renew and a retry, then re-authorization."""
    lowered = message.lower()
    if error in RATE_LIMIT_ERRORS or http_status == 429 or (error == "error_server" and "too many requests" in lowered):
        return RateLimited
    if error == "error_server" and "not supported" in lowered:
        return Misconfigured  # "The API is not supported for current region"
    if error == "error_server" or http_status >= 500:
        return Upstream5xx
    if error in _SETUP_ERRORS or (error == "error_auth" and any(part in lowered for part in _SETUP_AUTH_MESSAGES)):
        return Misconfigured
    if error in TOKEN_ERRORS or http_status == 401:
        return AuthExpired
    return BadRequest  # error_param, error_data, invalid_code, ...: the message says what


def raise_for_open_envelope(client: UpstreamClient, response: requests.Response, payload: Any) -> None:
    """Raise the typed error for an Open Platform answer whose ``error`` is set."""
    if not isinstance(payload, dict) or not payload.get("error"):
        return
    error = str(payload["error"])
    message = str(payload.get("message") or error)
    error_class = error_class_for(error, message, http_status=response.status_code)
    retry_after = parse_retry_after(response.headers.get("Retry-After"))
    raise client.make_error(error_class, response, message, payload=payload, code=error, retry_after=retry_after)


# --- Seller Center / creator web ---------------------------------------------------------------

WEB_AUTH_CODES = frozenset({401, 403})  # not logged in, or the session expired


def _web_error(payload: dict) -> tuple[int, str] | None:
    for code_field, message_field in (("code", "msg"), ("error", "error_msg")):
        value = payload.get(code_field)
        if value in (None, 0, "0", "", "success"):
            continue
        try:
            code = int(value)
        except (TypeError, ValueError):
            code = -1
        message = payload.get(message_field) or payload.get("message") or payload.get("msg") or payload.get("error_msg")
        return code, str(message or f"Shopee error {value}")
    return None


def web_error_class_for(code: int, message: str = "", *, http_status: int = 200) -> type[UpstreamError]:
    lowered = message.lower()
    if http_status == 429 or code == 429 or "too many" in lowered:
        return RateLimited
    if http_status >= 500 or 500 <= code <= 599:
        return Upstream5xx
    if http_status in (401, 403) or code in WEB_AUTH_CODES:
        return AuthExpired
    return BadRequest


def raise_for_web_envelope(client: UpstreamClient, response: requests.Response, payload: Any) -> None:
    """Raise the typed error for a web answer with a non-zero ``code`` or ``error``."""
    if not isinstance(payload, dict):
        return
    found = _web_error(payload)
    if found is None:
        return
    code, message = found
    error_class = web_error_class_for(code, message, http_status=response.status_code)
    retry_after = parse_retry_after(response.headers.get("Retry-After"))
    raise client.make_error(error_class, response, message, payload=payload, code=code, retry_after=retry_after)


def from_platform_time(value: Any) -> datetime | None:
    """A platform time as an aware UTC datetime: unix seconds or milliseconds (the docs disagree,
    reference §1.5); None for missing or zero."""
    try:
        number = int(float(value))
    except (TypeError, ValueError):
        return None
    if number <= 0:
        return None
    if number > 10_000_000_000:  # milliseconds: past the year 2286 in seconds
        number //= 1000
    return datetime.fromtimestamp(number, UTC)
