"""The base of every upstream API client.

``UpstreamClient`` gives each platform client (TikTok Shop, Business API, Shopee, Google Ads,
Meta, Telegram; the wire protocols live in ``integrations/``) the same behaviour around one
``request()``:

- one pooled ``requests.Session`` per client, connect/read timeouts from settings;
- a circuit breaker per destination (provider + host by default): while it is open, calls fail
  fast with ``CircuitOpen`` and never touch the network;
- a per-credential rate limit (``rate_limit = "10/second"``), shared by all worker processes;
- retries with exponential backoff and full jitter on connection errors, timeouts, 429, 5xx and
  unparseable bodies, honouring ``Retry-After``; other 4xx are never retried; calls that may not
  be repeated safely (POST, PATCH) are retried only when the upstream surely did not act on them;
- typed errors (``BadRequest``, ``Misconfigured``, ``AuthExpired``, ``RateLimited``,
  ``Upstream5xx``, ``UpstreamUnavailable``, ``MalformedResponse``, ``CircuitOpen``), also for
  errors that the platform reports inside an HTTP 200 body;
- on ``AuthExpired``, one credential refresh under a lock named by the credential, then the
  call once more;
- one ``ApiCallLog`` row and one structured log line per call, with secrets and PII masked, and
  the correlation id sent as ``X-Correlation-ID``.

A platform client sets ``provider``, ``base_url`` (usually from settings) and ``rate_limit``, and
overrides what differs:

- ``prepare_request(request)``: add auth headers, sign, put a token into the path; runs before
  every attempt, so a retry is re-signed and a refreshed token is used;
- ``raise_for_response(response, payload)``: map the platform's error envelope to these types
  (``raise self.make_error(RateLimited, response, ...)``), then ``super()`` for HTTP statuses;
- ``refresh_credentials()``: get a new token and return True;
- ``sensitive_values()``: every secret the client holds, so no message ever shows them;
- ``breaker_key_for(url)`` / the ``breaker_key=`` argument: which circuit breaker a call counts
  towards (default one per provider and host; a conversions destination has one of its own),
  and ``build_breaker(key)`` for the thresholds of that breaker;
- ``call_log_tenant()`` / the ``tenant=`` argument: which tenant's ``ApiCallLog`` gets the row
  (``tenant=None``: calls on no tenant's behalf write only the log line).

Call upstreams outside ``transaction.atomic`` blocks: the call log row is written in the
caller's transaction and would roll back with it.

Rooms: ``errors`` (the typed errors), ``retry`` (``Retry-After`` and backoff), ``masking``
(secrets and PII out of messages), ``records`` (``CallRecord``, the log line and row),
``client`` (``UpstreamClient``).
"""

from core.http.client import UpstreamClient
from core.http.errors import (
    AuthExpired,
    BadRequest,
    CircuitOpen,
    MalformedResponse,
    Misconfigured,
    RateLimited,
    Upstream5xx,
    UpstreamError,
    UpstreamUnavailable,
    not_a_destination_failure,
)
from core.http.masking import masked_text
from core.http.records import CallRecord, endpoint_label
from core.http.retry import parse_retry_after, wait_for_upstream

__all__ = [
    "AuthExpired",
    "BadRequest",
    "CallRecord",
    "CircuitOpen",
    "MalformedResponse",
    "Misconfigured",
    "RateLimited",
    "Upstream5xx",
    "UpstreamClient",
    "UpstreamError",
    "UpstreamUnavailable",
    "endpoint_label",
    "masked_text",
    "not_a_destination_failure",
    "parse_retry_after",
    "wait_for_upstream",
]
