"""The TikTok Business API v1.3 return codes: one table for every client of the platform
(Marketing API, GMV Max, the Events API 2.0 behind ``event/track/``).

Source: the official "Appendix - Return Codes"
(https://business-api.tiktok.com/portal/docs?id=1737172488964097) as transcribed in
shared/reference/tiktok-apis-wave2.md §B.9; the 51xxx "internal" group also in
shared/reference/tiktok-apis.md §2.2. Errors come back as HTTP 200 with a non-zero ``code``.
The seed's own table (40001 "invalid access token", 40002 "rate limit") contradicts the
appendix; the appendix wins (wave2 §B.9, "Against the seed's table").
"""

from __future__ import annotations

from core.http import AuthExpired, BadRequest, Misconfigured, RateLimited, Upstream5xx, UpstreamError

OK = 0

# The QPS/QPM/QPD budget of the app (40016, 40100), of the advertiser (40133) or of one field
# value such as a pixel code (40132) is used up: back off and retry.
RATE_LIMIT_CODES = frozenset({40016, 40100, 40132, 40133})

# The token itself is bad: 40102 access token expired, 40103 refresh token expired, 40104
# empty, 40105 invalid or revoked.
TOKEN_CODES = frozenset({40102, 40103, 40104, 40105})

# The request is fine but the account setup refuses it, and no retry or other request will
# help until someone fixes access: 40001 no permission for the operation (an advertiser, store
# or pixel the token can't use), 40106 token not for this advertiser, 40113 app blocked or
# missing, 40118 not allowlisted, 40119 developer and advertiser in different companies, 40125
# developer lacks the permission.
MISCONFIGURED_CODES = frozenset({40001, 40106, 40113, 40118, 40119, 40125})

# TikTok's side failed: 50000 system error, 50002 error on TikTok's side, the 51xxx internal
# group (51305 satellite service error), 60001 maintenance. Retried, and they count towards
# the breaker.
SERVER_ERROR_RANGE = range(50000, 60000)
MAINTENANCE_CODE = 60001

# Everything else is a bad request: 40000 / 40002 parameter errors (the message names the
# field), 40006 version mismatch, 40007 no such object, 40011 too many ids, 40101 app id and
# secret mismatch or bad auth_code, 40110 invalid auth_code, 403xx no such advertiser, 409xx
# file problems, ...


def error_class_for(code: int, *, http_status: int = 200) -> type[UpstreamError]:
    """The ``core.http`` error a non-zero return code means. An HTTP status that says more
    than the code (a gateway's 429 or 5xx, a 401) keeps its meaning."""
    if code in RATE_LIMIT_CODES or http_status == 429:
        return RateLimited
    if code in SERVER_ERROR_RANGE or code == MAINTENANCE_CODE or http_status >= 500:
        return Upstream5xx
    if code in TOKEN_CODES or http_status == 401:
        return AuthExpired
    if code in MISCONFIGURED_CODES:
        return Misconfigured
    return BadRequest


def code_of(payload: object) -> int | None:
    """The envelope's non-zero ``code`` (-1 when it isn't a number), None for success or a body
    that isn't an envelope."""
    if not isinstance(payload, dict) or payload.get("code") in (None, 0, "0"):
        return None
    try:
        return int(payload["code"])
    except (TypeError, ValueError):
        return -1
