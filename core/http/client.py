"""``UpstreamClient``: the base of every platform client (see ``core.http`` for the overview)."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

import pybreaker
import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from requests.adapters import HTTPAdapter
from tenacity import Retrying, retry_if_exception, stop_after_attempt

from core.breaker import circuit_breaker, circuit_open_remaining
from core.correlation import correlation_scope, get_correlation_id
from core.fields import mask_secret
from core.http.errors import (
    AuthExpired,
    CircuitOpen,
    MalformedResponse,
    RateLimited,
    UpstreamError,
    error_body_details,
    error_class_for_status,
    not_a_destination_failure,
)
from core.http.masking import digest, masked_text
from core.http.records import CallRecord, call_record_write, endpoint_label
from core.http.retry import parse_retry_after, wait_for_upstream
from core.http.transport import CallSpec, rewound, unavailable_error
from core.locks import LockTimeout, named_lock
from core.models import Tenant, TenantMismatch
from core.ratelimit import RateLimiter
from core.tenancy import get_current_tenant

logger = logging.getLogger("core.http")


_CLASS_DEFAULT: Any = object()


class UpstreamClient:
    """Base of every platform client; the extension points are listed in ``core.http``.

    ``tenant`` is the tenant the calls are made for: each call is logged to its ``ApiCallLog``.
    It is required, and ``None`` only on purpose: calls on no tenant's behalf (a test send with
    the environment's credentials) get the log line without a row.
    ``credential_key`` identifies the credential the calls run under (token, app key, account
    id): it keys the rate limit and the refresh lock (hashed, never stored) and is masked in
    logs. ``credential_label`` replaces the masked key in logs when given; it must hold nothing
    secret (e.g. ``"advertiser 7001"``). ``breaker_key`` names one circuit breaker for every
    call of this client instead of one per provider and host. ``sleep`` replaces
    ``time.sleep`` between retries. ``backoff_schedule`` fixes the waits before each retry
    (e.g. ``(2, 5, 10)``: three retries, four attempts at most, unless ``max_attempts`` says
    otherwise) instead of jittered exponential backoff; a longer ``Retry-After`` still wins.
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
        tenant: Tenant | None,
        base_url: str | None = None,
        credential_key: str = "",
        credential_label: str | None = None,
        breaker_key: str | None = None,
        rate_limit: str | None = _CLASS_DEFAULT,
        rate_limit_max_wait: float | None = None,
        timeout: float | tuple[float, float] | None = None,
        max_attempts: int | None = None,
        sleep: Callable[[float], None] | None = None,
        backoff_schedule: tuple[float, ...] | None = None,
    ):
        if not self.provider:
            raise ImproperlyConfigured(f"{type(self).__name__} must set provider.")
        if tenant is not None:
            if not isinstance(tenant, Tenant) or tenant.pk is None:
                raise TypeError(f"{type(self).__name__} needs the saved tenant its calls are logged to (or tenant=None).")
            current = get_current_tenant(required=False)
            if current is not None and current.pk != tenant.pk:
                raise TenantMismatch(f"{type(self).__name__} for tenant {tenant.pk} created in tenant {current.pk}'s context")
        self.tenant = tenant
        if base_url is not None:
            self.base_url = base_url
        self.credential_key = credential_key
        self.credential_label = credential_label if credential_label is not None else mask_secret(credential_key)
        self._credential_id = f"{self.provider}:{digest(credential_key) if credential_key else 'default'}"
        self.fixed_breaker_key = breaker_key
        limit = self.rate_limit if rate_limit is _CLASS_DEFAULT else rate_limit
        self.limiter = RateLimiter(limit, max_wait=rate_limit_max_wait) if limit else None
        self.timeout = timeout or (
            self.connect_timeout or settings.UPSTREAM_CONNECT_TIMEOUT,
            self.read_timeout or settings.UPSTREAM_READ_TIMEOUT,
        )
        self.backoff_schedule = tuple(backoff_schedule) if backoff_schedule else None
        if max_attempts is None and self.backoff_schedule is not None:
            max_attempts = len(self.backoff_schedule) + 1
        self.max_attempts = max_attempts or self.max_attempts or settings.UPSTREAM_MAX_ATTEMPTS
        self.sleep = time.sleep if sleep is None else sleep
        self.session = self.build_session()
        self.last_call: CallRecord | None = None
        self._breakers: dict[str, pybreaker.CircuitBreaker] = {}
        self._refreshing = False

    def __repr__(self) -> str:
        tenant = self.tenant.pk if self.tenant is not None else None
        return f"<{type(self).__name__} {self.provider} tenant={tenant} credential={self.credential_label}>"

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
        retry_after = parse_retry_after(response.headers.get("Retry-After")) if status == 429 or status >= 500 else None
        raise self.make_error(error_class_for_status(status), response, message, payload=payload, code=code, retry_after=retry_after)

    def error_details(self, response: requests.Response, payload: Any) -> tuple[str | int | None, str]:
        """(platform error code, message) from an error body; common envelope shapes."""
        code, message = error_body_details(payload)
        return code, message or f"HTTP {response.status_code} {response.reason or ''}".strip()

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

    def breaker_key_for(self, url: str) -> str:
        """The circuit breaker a call to ``url`` counts towards: the constructor's
        ``breaker_key`` when given (one breaker per conversions destination, whatever its
        host), else one per provider and host."""
        if self.fixed_breaker_key:
            return self.fixed_breaker_key
        return f"{self.provider}:{urlsplit(url).netloc}"

    def build_breaker(self, key: str) -> pybreaker.CircuitBreaker:
        """The breaker named ``key`` (its state is shared by every client and worker that uses
        the name). Override to give a kind of destination its own thresholds."""
        return circuit_breaker(
            key,
            fail_max=self.breaker_fail_max,
            reset_seconds=self.breaker_reset_seconds,
            exclude=not_a_destination_failure,
        )

    def call_log_tenant(self) -> Tenant | None:
        """The tenant whose ``ApiCallLog`` gets this client's rows; None writes only the log
        line. The constructor's ``tenant`` unless overridden."""
        return self.tenant

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
        return masked_text(text, self.sensitive_values())

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
        spec = CallSpec(
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
            endpoint=endpoint_label(endpoint or urlsplit(path).path),
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

    def _call_with_refresh(self, call: CallRecord, spec: CallSpec) -> Any:
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
        key = self.breaker_key_for(url)
        if key not in self._breakers:
            self._breakers[key] = self.build_breaker(key)
        return self._breakers[key]

    def _execute(self, call: CallRecord, spec: CallSpec) -> Any:
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

    def _attempts(self, call: CallRecord, spec: CallSpec) -> Any:
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
            wait=wait_for_upstream(base=settings.UPSTREAM_BACKOFF_BASE, cap=settings.UPSTREAM_BACKOFF_MAX, schedule=self.backoff_schedule),
            retry=retry_if_exception(lambda error: self._should_retry(error, call, spec)),
            sleep=lambda seconds: self._pause(call, seconds),
            reraise=True,
        )
        return retrying(attempt)

    def _should_retry(self, error: BaseException, call: CallRecord, spec: CallSpec) -> bool:
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

    def _send(self, call: CallRecord, spec: CallSpec) -> Any:
        call.attempts += 1
        request = requests.Request(
            method=spec.method,
            url=spec.url,
            params=dict(spec.params or {}),
            json=spec.json,
            data=spec.data,
            files=rewound(spec.files),
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
            raise unavailable_error(exc, spec.url, provider=self.provider) from None
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

    # --- Recording --------------------------------------------------------------------------

    def _record(self, call: CallRecord) -> None:
        self.last_call = call
        call_record_write(call, tenant=self.call_log_tenant(), credential=self.credential_label)
