"""The typed errors every upstream call raises; each carries its own retry policy."""

from __future__ import annotations


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


class Misconfigured(BadRequest):
    """The account or destination itself is wrong (no permission, unknown pixel, customer or
    conversion action): no request can succeed until someone fixes the setup, so callers that
    queue work hold it instead of dropping it. Still a ``BadRequest``: never retried."""

    outcome = "misconfigured"


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


def not_a_destination_failure(error: BaseException) -> bool:
    """Breaker exclusion: only transport failures, 5xx and unreadable bodies count."""
    return not (isinstance(error, UpstreamError) and error.trips_breaker)


def error_class_for_status(status: int) -> type[UpstreamError]:
    """The error an HTTP error status means when the body says nothing more specific."""
    if status == 401:
        return AuthExpired
    if status == 429:
        return RateLimited
    if status >= 500:
        return Upstream5xx
    return BadRequest


def error_body_details(payload: object) -> tuple[str | int | None, str | None]:
    """(platform error code, message) from the common error body shapes."""
    if not isinstance(payload, dict):
        return None, None
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
    return code, str(message) if message else None
