"""The base of every upstream API client.

``UpstreamClient`` gives each platform client (TikTok Shop, Business API, Shopee, Google Ads,
Meta, Telegram) the same behaviour around one ``request()``:

- one pooled ``requests.Session`` per client, connect/read timeouts from settings;
- a circuit breaker per destination (provider + host): while it is open, calls fail fast with
  ``CircuitOpen`` and never touch the network;
- a per-credential rate limit (``rate_limit = "10/second"``), shared by all worker processes;
- retries with exponential backoff and full jitter on connection errors, timeouts, 429, 5xx and
  unparseable bodies, honouring ``Retry-After``; other 4xx are never retried; calls that may not
  be repeated safely (POST, PATCH) are retried only when the upstream surely did not act on them;
- typed errors (``BadRequest``, ``AuthExpired``, ``RateLimited``, ``Upstream5xx``,
  ``UpstreamUnavailable``, ``MalformedResponse``, ``CircuitOpen``), also for errors that the
  platform reports inside an HTTP 200 body;
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
- ``sensitive_values()``: every secret the client holds, so no message ever shows them.

Call upstreams outside ``transaction.atomic`` blocks: the call log row is written in the
caller's transaction and would roll back with it.
"""

from __future__ import annotations

import contextlib
import email.utils
import hashlib
import logging
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import pybreaker
import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, transaction
from requests.adapters import HTTPAdapter
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, wait_random_exponential
from tenacity.wait import wait_base
from urllib3.exceptions import NewConnectionError

from core.breaker import circuit_breaker, circuit_open_remaining
from core.correlation import correlation_scope, get_correlation_id
from core.fields import mask_secret
from core.locks import LockTimeout, named_lock
from core.logging import mask_pii
from core.models import Tenant, TenantMismatch
from core.ratelimit import RateLimiter
from core.services import api_call_log_record
from core.tenancy import get_current_tenant

logger = logging.getLogger("core.http")

# --- Errors -------------------------------------------------------------------------------


class UpstreamError(Exception):
    """An upstream call failed. ``status`` is the HTTP status (None without a response),
    ``code`` the platform's own error code, ``retry_after`` seconds the upstream (or the circuit)
    asks to wait, ``request_id`` the platform's id of the request for support tickets."""

    outcome = "error"  # ApiCallLog.outcome
    retryable = False  # another attempt may succeed
    maybe_processed = True  # the upstream may have acted on it, so only idempotent calls retry
    trips_breaker = False  # a sign that the destination is unhealthy

    def __init__(
        self,
        message: str = "",
        *,
        provider: str = "",
        endpoint: str = "",
        status: int | None = None,
        code: str | int | None = None,
        retry_after: float | None = None,
        request_id: str | None = None,
        retryable: bool | None = None,
        maybe_processed: bool | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.provider = provider
        self.endpoint = endpoint
        self.status = status
        self.code = code
        self.retry_after = retry_after
        self.request_id = request_id
        if retryable is not None:
            self.retryable = retryable
        if maybe_processed is not None:
            self.maybe_processed = maybe_processed

    def __str__(self) -> str:
        where = " ".join(part for part in (self.provider, self.endpoint) if part)
        details = ", ".join(
            f"{name}={value}"
            for name, value in (("status", self.status), ("code", self.code), ("retry_after", self.retry_after))
            if value is not None
        )
        text = f"{where}: {self.message}" if where else self.message
        return f"{text} ({details})" if details else text

    def __reduce__(self):
        # Keyword-only arguments: rebuild from the attributes so the error survives pickling
        # (Celery result backends, multiprocessing).
        return (_restore_error, (type(self), dict(self.__dict__)))


def _restore_error(cls: type[UpstreamError], state: dict) -> UpstreamError:
    error = cls.__new__(cls)
    Exception.__init__(error, state.get("message", ""))
    error.__dict__.update(state)
    return error


class BadRequest(UpstreamError):
    """The upstream refused the request (4xx): sending it again won't help."""

    outcome = "bad_request"


class AuthExpired(UpstreamError):
    """The credential is expired or revoked (401, or the platform's own code for it)."""

    outcome = "auth_expired"


class RateLimited(UpstreamError):
    """Too many requests (429, or a platform rate-limit code), or no slot of our own rate limit
    within the allowed wait. A 429 means the request was not processed, so even a POST retries."""

    outcome = "rate_limited"
    retryable = True
    maybe_processed = False


class Upstream5xx(UpstreamError):
    outcome = "upstream_5xx"
    retryable = True
    trips_breaker = True


class UpstreamUnavailable(UpstreamError):
    """No response: connection refused or reset, DNS failure, connect or read timeout."""

    outcome = "unavailable"
    retryable = True
    trips_breaker = True


class MalformedResponse(UpstreamError):
    """A success status with a body that can't be parsed."""

    outcome = "malformed"
    retryable = True
    trips_breaker = True


class CircuitOpen(UpstreamError):
    """The destination failed repeatedly; calls fail fast for ``retry_after`` more seconds."""

    outcome = "circuit_open"
    maybe_processed = False


# --- Helpers ------------------------------------------------------------------------------


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


# Secrets that tend to appear in URLs and error texts: query parameters and bearer tokens.
_SECRET_PARAM_RE = re.compile(
    r"(?i)\b((?:access_|refresh_)?token|sign|signature|secret|app_secret|client_secret|password|api_key|key)=([^&\s\"',;]+)"
)
_BEARER_RE = re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=-]+")


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:16]


class _wait_for_upstream(wait_base):
    """The upstream's ``Retry-After`` when it gave one, else exponential backoff, full jitter."""

    def __init__(self, *, base: float, cap: float):
        self.backoff = wait_random_exponential(multiplier=base, max=cap)

    def __call__(self, retry_state: RetryCallState) -> float:
        error = retry_state.outcome.exception() if retry_state.outcome else None
        retry_after = getattr(error, "retry_after", None)
        if retry_after is not None:
            return float(retry_after)
        return self.backoff(retry_state)


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


@dataclass(frozen=True)
class _Spec:
    method: str
    url: str
    params: dict | None
    json: Any
    data: Any
    files: Any
    headers: dict | None
    timeout: float | tuple[float, float]
    raw: bool
    idempotent: bool


_CLASS_DEFAULT: Any = object()


# --- The client ---------------------------------------------------------------------------


class UpstreamClient:
    """Base of every platform client; see the module docstring for the extension points.

    ``tenant`` is required: every call is logged to that tenant's ``ApiCallLog``.
    ``credential_key`` identifies the credential the calls run under (token, app key, account
    id): it keys the rate limit and the refresh lock (hashed, never stored) and is masked in
    logs. ``credential_label`` replaces the masked key in logs when given; it must hold nothing
    secret (e.g. ``"advertiser 7001"``). ``sleep`` replaces ``time.sleep`` between retries.
    """

    provider: str = ""
    base_url: str = ""
    rate_limit: str | None = None  # limits notation, e.g. "10/second" or "10/second;600/minute"
    idempotent_methods = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
    default_headers: dict[str, str] = {"Accept": "application/json"}
    request_id_headers: tuple[str, ...] = ("X-Request-ID", "X-Tt-Logid")
    connect_timeout: float | None = None  # None: settings.UPSTREAM_CONNECT_TIMEOUT
    read_timeout: float | None = None  # None: settings.UPSTREAM_READ_TIMEOUT
    max_attempts: int | None = None  # None: settings.UPSTREAM_MAX_ATTEMPTS
    breaker_fail_max: int | None = None
    breaker_reset_seconds: float | None = None
    refresh_lock_ttl = 60.0
    refresh_lock_wait = 30.0

    def __init__(
        self,
        *,
        tenant: Tenant,
        base_url: str | None = None,
        credential_key: str = "",
        credential_label: str | None = None,
        rate_limit: str | None = _CLASS_DEFAULT,
        rate_limit_max_wait: float | None = None,
        timeout: float | tuple[float, float] | None = None,
        max_attempts: int | None = None,
        sleep: Callable[[float], None] | None = None,
    ):
        if not self.provider:
            raise ImproperlyConfigured(f"{type(self).__name__} must set provider.")
        if not isinstance(tenant, Tenant):
            raise TypeError(f"{type(self).__name__} needs the tenant its calls are logged to.")
        current = get_current_tenant(required=False)
        if current is not None and current.pk != tenant.pk:
            raise TenantMismatch(f"{type(self).__name__} for tenant {tenant.pk} created in tenant {current.pk}'s context")
        self.tenant = tenant
        if base_url is not None:
            self.base_url = base_url
        self.credential_key = credential_key
        self.credential_label = credential_label if credential_label is not None else mask_secret(credential_key)
        self._credential_id = f"{self.provider}:{_digest(credential_key) if credential_key else 'default'}"
        limit = self.rate_limit if rate_limit is _CLASS_DEFAULT else rate_limit
        self.limiter = RateLimiter(limit, max_wait=rate_limit_max_wait) if limit else None
        self.timeout = timeout or (
            self.connect_timeout or settings.UPSTREAM_CONNECT_TIMEOUT,
            self.read_timeout or settings.UPSTREAM_READ_TIMEOUT,
        )
        self.max_attempts = max_attempts or self.max_attempts or settings.UPSTREAM_MAX_ATTEMPTS
        self.sleep = time.sleep if sleep is None else sleep
        self.session = self.build_session()
        self.last_call: CallRecord | None = None
        self._breakers: dict[str, pybreaker.CircuitBreaker] = {}
        self._refreshing = False

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.provider} tenant={self.tenant.pk} credential={self.credential_label}>"

    @property
    def refresh_lock_name(self) -> str:
        """The lock ``refresh_credentials`` runs under: one per provider and credential."""
        return f"credential:{self._credential_id}"

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        self.session.close()

    # --- Extension points ---------------------------------------------------------------

    def build_session(self) -> requests.Session:
        """The pooled session; retries are ours, so the adapter never retries by itself."""
        session = requests.Session()
        adapter = HTTPAdapter(
            pool_connections=settings.UPSTREAM_POOL_CONNECTIONS,
            pool_maxsize=settings.UPSTREAM_POOL_MAXSIZE,
            max_retries=0,
        )
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        session.headers.update({"User-Agent": f"commerce-analytics ({self.provider})", **self.default_headers})
        return session

    def prepare_request(self, request: requests.Request) -> None:
        """Add credentials or a signature to ``request`` (method, url, params, headers, json,
        data) in place. Runs before every attempt."""

    def parse_response(self, response: requests.Response) -> Any:
        """The body as JSON (None when empty); ``MalformedResponse`` when it isn't JSON."""
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise self.make_error(MalformedResponse, response, "Response body is not valid JSON.") from None

    def raise_for_response(self, response: requests.Response, payload: Any) -> None:
        """Raise the typed error for a failed response. Platforms that report errors inside a
        200 body override this, raise for their envelope codes, then call ``super()``."""
        status = response.status_code
        if status < 400:
            return
        code, message = self.error_details(response, payload)
        if status == 401:
            error_class = AuthExpired
        elif status == 429:
            error_class = RateLimited
        elif status >= 500:
            error_class = Upstream5xx
        else:
            error_class = BadRequest
        retry_after = parse_retry_after(response.headers.get("Retry-After")) if status == 429 or status >= 500 else None
        raise self.make_error(error_class, response, message, payload=payload, code=code, retry_after=retry_after)

    def error_details(self, response: requests.Response, payload: Any) -> tuple[str | int | None, str]:
        """(platform error code, message) from an error body; common envelope shapes."""
        code = message = None
        if isinstance(payload, dict):
            error = payload.get("error")
            nested = error if isinstance(error, dict) else {}  # Meta: {"error": {"code": 190, "message": ...}}
            flat = error if isinstance(error, str) else None  # Shopee: {"error": "error_auth", "message": ...}
            code = next(
                (value for value in (payload.get("code"), payload.get("error_code"), nested.get("code"), flat) if value not in (None, "")),
                None,
            )
            message = (
                nested.get("message")
                or payload.get("message")
                or payload.get("description")
                or payload.get("error_description")
                or payload.get("msg")
            )
        return code, str(message) if message else f"HTTP {response.status_code} {response.reason or ''}".strip()

    def refresh_credentials(self) -> bool:
        """Get a fresh credential after ``AuthExpired``; return True to retry the call with it.

        Runs under a lock named by the credential, so across all workers one refresh happens at
        a time. An override should first reload the stored credential: if it differs from the
        one that just failed, another worker has refreshed it already and using it is enough
        (refreshing again would revoke theirs on platforms that rotate refresh tokens).
        """
        return False

    def sensitive_values(self) -> Iterable[str]:
        """Secrets to blank out of every logged message; subclasses add their tokens."""
        return (self.credential_key,)

    # --- Building errors ----------------------------------------------------------------

    def make_error(
        self,
        error_class: type[UpstreamError],
        response: requests.Response | None,
        message: str,
        *,
        payload: Any = None,
        code: str | int | None = None,
        retry_after: float | None = None,
        **extra: Any,
    ) -> UpstreamError:
        """An error of ``error_class`` filled from ``response`` (status, request id)."""
        return error_class(
            message,
            provider=self.provider,
            status=response.status_code if response is not None else None,
            code=code,
            retry_after=retry_after,
            request_id=self.request_id_of(response, payload) if response is not None else None,
            **extra,
        )

    def request_id_of(self, response: requests.Response, payload: Any = None) -> str | None:
        for header in self.request_id_headers:
            if response.headers.get(header):
                return response.headers[header][:100]
        if isinstance(payload, dict) and payload.get("request_id"):
            return str(payload["request_id"])[:100]
        return None

    def safe_text(self, text: str) -> str:
        """``text`` with this client's secrets, secret-looking parameters, emails and phones masked."""
        if not text:
            return ""
        for value in self.sensitive_values():
            if value and len(value) >= 4:
                text = text.replace(value, mask_secret(value))
        text = _SECRET_PARAM_RE.sub(r"\1=••••", text)
        text = _BEARER_RE.sub(r"\1 ••••", text)
        return mask_pii(text)

    # --- Calling --------------------------------------------------------------------------

    def url_for(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        if not self.base_url:
            raise ImproperlyConfigured(f"{type(self).__name__} has no base_url for {path!r}.")
        return f"{self.base_url.rstrip('/')}/{path.lstrip('/')}"

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Any:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> Any:
        return self.request("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> Any:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        return self.request("DELETE", path, **kwargs)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict | None = None,
        json: Any = None,
        data: Any = None,
        files: Any = None,
        headers: dict | None = None,
        endpoint: str | None = None,
        timeout: float | tuple[float, float] | None = None,
        raw: bool = False,
        idempotent: bool | None = None,
    ) -> Any:
        """Call ``path`` (relative to ``base_url``, or absolute) and return the parsed JSON
        body, or the ``requests.Response`` with ``raw=True``.

        ``endpoint`` names the call in logs instead of the path (use it when the path holds
        ids or PII). ``idempotent`` overrides the method's default: pass True for a POST that
        only reads or carries an idempotency key, so it is retried after 5xx and timeouts too.
        Raises an ``UpstreamError`` subclass.
        """
        method = method.upper()
        spec = _Spec(
            method=method,
            url=self.url_for(path),
            params=params,
            json=json,
            data=data,
            files=files,
            headers=headers,
            timeout=timeout or self.timeout,
            raw=raw,
            idempotent=method in self.idempotent_methods if idempotent is None else idempotent,
        )
        call = CallRecord(
            provider=self.provider,
            method=method,
            endpoint=_endpoint_label(endpoint or urlsplit(path).path),
            correlation_id=get_correlation_id(),
        )
        # A call outside any request or task gets an id of its own, shared by its log lines and
        # by the calls a credential refresh makes on its behalf.
        scope = contextlib.nullcontext(call.correlation_id) if call.correlation_id else correlation_scope()
        with scope as correlation_id:
            call.correlation_id = correlation_id
            started = time.monotonic()
            try:
                return self._call_with_refresh(call, spec)
            except UpstreamError as error:
                error.provider = error.provider or self.provider
                error.endpoint = error.endpoint or call.endpoint
                error.message = self.safe_text(error.message)
                error.args = (error.message,)
                call.outcome = error.outcome
                call.status_code = error.status if error.status is not None else call.status_code
                call.error_message = error.message
                raise
            except Exception as error:
                call.outcome = "error"
                call.error_message = type(error).__name__
                raise
            finally:
                call.duration_ms = round((time.monotonic() - started) * 1000)
                self._record(call)

    def _call_with_refresh(self, call: CallRecord, spec: _Spec) -> Any:
        try:
            return self._execute(call, spec)
        except AuthExpired:
            if self._refreshing or not self._refresh():
                raise
            call.refreshed = True
        return self._execute(call, spec)

    def _refresh(self) -> bool:
        self._refreshing = True  # the refresh may itself call the upstream: no nested refresh
        try:
            with named_lock(self.refresh_lock_name, ttl=self.refresh_lock_ttl, wait=self.refresh_lock_wait):
                return bool(self.refresh_credentials())
        except LockTimeout:
            logger.warning("%s credential %s: refresh lock busy, giving up.", self.provider, self.credential_label)
            return False
        finally:
            self._refreshing = False

    def _breaker_for(self, url: str) -> pybreaker.CircuitBreaker:
        host = urlsplit(url).netloc
        if host not in self._breakers:
            self._breakers[host] = circuit_breaker(
                f"{self.provider}:{host}",
                fail_max=self.breaker_fail_max,
                reset_seconds=self.breaker_reset_seconds,
                exclude=_not_a_destination_failure,
            )
        return self._breakers[host]

    def _execute(self, call: CallRecord, spec: _Spec) -> Any:
        breaker = self._breaker_for(spec.url)
        remaining = circuit_open_remaining(breaker)
        if remaining > 0:
            raise self._circuit_open(breaker, remaining)
        # The first slot is taken outside the breaker: waiting for our own limit says nothing
        # about the destination's health.
        self._take_slot(call)
        try:
            return breaker.call(self._attempts, call, spec)
        except pybreaker.CircuitBreakerError:
            # Another worker opened it between the check above and the call.
            raise self._circuit_open(breaker, circuit_open_remaining(breaker)) from None

    def _circuit_open(self, breaker: pybreaker.CircuitBreaker, remaining: float) -> CircuitOpen:
        return CircuitOpen(
            f"Circuit open for {breaker.name}; retry in {remaining:.1f}s.", provider=self.provider, retry_after=round(remaining, 3)
        )

    def _take_slot(self, call: CallRecord) -> None:
        if self.limiter is not None:
            call.throttled += self.limiter.acquire(self._credential_id).waited

    def _attempts(self, call: CallRecord, spec: _Spec) -> Any:
        slot_taken = True

        def attempt() -> Any:
            nonlocal slot_taken
            if not slot_taken:
                try:
                    self._take_slot(call)
                except RateLimited:
                    # No slot for the retry in time: the call fails with what the upstream said.
                    call.retries_stopped = True
                    raise call.last_error from None
            slot_taken = False
            try:
                return self._send(call, spec)
            except UpstreamError as error:
                call.last_error = error
                raise

        retrying = Retrying(
            stop=stop_after_attempt(self.max_attempts),
            wait=_wait_for_upstream(base=settings.UPSTREAM_BACKOFF_BASE, cap=settings.UPSTREAM_BACKOFF_MAX),
            retry=retry_if_exception(lambda error: self._should_retry(error, call, spec)),
            sleep=lambda seconds: self._pause(call, seconds),
            reraise=True,
        )
        return retrying(attempt)

    def _should_retry(self, error: BaseException, call: CallRecord, spec: _Spec) -> bool:
        if call.retries_stopped or not isinstance(error, UpstreamError) or not error.retryable:
            return False
        if error.maybe_processed and not spec.idempotent:
            return False
        # A longer wait than we hold a worker for: fail now, the caller reschedules.
        return error.retry_after is None or error.retry_after <= settings.UPSTREAM_RETRY_AFTER_MAX

    def _pause(self, call: CallRecord, seconds: float) -> None:
        call.waits.append(seconds)
        error = call.last_error
        logger.info(
            "%s %s %s: %s, attempt %d; retrying in %.2fs",
            call.provider,
            call.method,
            call.endpoint,
            error.outcome if error else "error",
            call.attempts,
            seconds,
            extra={"provider": call.provider, "endpoint": call.endpoint, "attempts": call.attempts},
        )
        self.sleep(seconds)

    def _send(self, call: CallRecord, spec: _Spec) -> Any:
        call.attempts += 1
        request = requests.Request(
            method=spec.method,
            url=spec.url,
            params=dict(spec.params or {}),
            json=spec.json,
            data=spec.data,
            files=_rewound(spec.files),
            headers={**(spec.headers or {}), "X-Correlation-ID": call.correlation_id},
        )
        self.prepare_request(request)
        prepared = self.session.prepare_request(request)
        environment = self.session.merge_environment_settings(prepared.url, {}, None, None, None)
        try:
            response = self.session.send(prepared, timeout=spec.timeout, **environment)
        except (
            requests.ConnectionError,
            requests.Timeout,
            requests.exceptions.ChunkedEncodingError,
            requests.exceptions.ContentDecodingError,
        ) as exc:
            raise self._unavailable(exc, spec) from None
        call.status_code = response.status_code
        payload = None
        if not (spec.raw and response.ok):
            try:
                payload = self.parse_response(response)
            except MalformedResponse:
                if response.ok:
                    raise
                # An unreadable error page (a proxy's HTML 502): the status says enough.
        self.raise_for_response(response, payload)
        return response if spec.raw else payload

    def _unavailable(self, exc: Exception, spec: _Spec) -> UpstreamUnavailable:
        # Say what failed and where, never the URL: its path or query may carry a token.
        reason = getattr(exc.args[0], "reason", None) if exc.args else None
        never_sent = isinstance(exc, requests.ConnectTimeout) or isinstance(reason, NewConnectionError)
        return UpstreamUnavailable(
            f"{type(exc).__name__} calling {urlsplit(spec.url).hostname}",
            provider=self.provider,
            maybe_processed=not never_sent,
        )

    # --- Recording --------------------------------------------------------------------------

    def _record(self, call: CallRecord) -> None:
        self.last_call = call
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
                "credential": self.credential_label,
            },
        )
        try:
            with transaction.atomic():
                api_call_log_record(
                    tenant=self.tenant,
                    provider=call.provider,
                    method=call.method,
                    endpoint=call.endpoint,
                    status_code=call.status_code,
                    outcome=call.outcome,
                    error_message=call.error_message,
                    duration_ms=call.duration_ms,
                    attempts=call.attempts,
                    credential=self.credential_label,
                    correlation_id=call.correlation_id,
                )
        except DatabaseError:
            # The call's result matters more than its log row: never turn a delivered call
            # into a failure because the log couldn't be written.
            logger.exception("Could not write the ApiCallLog row for %s %s %s.", call.provider, call.method, call.endpoint)


def _endpoint_label(path: str) -> str:
    """``"sendMessage?x=1"`` → ``"/sendMessage"``: the path only, never the query."""
    path = path.split("?", 1)[0].split("#", 1)[0]
    return ("/" + path.lstrip("/"))[:300]


def _not_a_destination_failure(error: BaseException) -> bool:
    """Breaker exclusion: only transport failures, 5xx and unreadable bodies count."""
    return not (isinstance(error, UpstreamError) and error.trips_breaker)


def _rewound(files: Any) -> Any:
    """Put file objects back at their start, so a retry uploads the whole file again."""
    if isinstance(files, dict):
        values = files.values()
    elif isinstance(files, list | tuple):
        values = [value for _, value in files]
    else:
        return files
    for value in values:
        handle = value[1] if isinstance(value, tuple) and len(value) > 1 else value
        if hasattr(handle, "seek"):
            handle.seek(0)
    return files
