"""The three destination APIs, each on ``core.http.UpstreamClient``.

Every client maps its platform's error envelope to the typed errors the delivery pipeline
classifies (``conversions.services.classify_error``):

- ``BadRequest``: invalid request, the rows go DEAD (they need a fix);
- ``AuthExpired``: bad or expired token, the destination needs a new one, rows wait;
- ``Misconfigured``: unknown pixel, no permission, no such conversion action: rows wait;
- ``RateLimited``: back off and retry; ``Upstream5xx`` / ``UpstreamUnavailable``: retry, and
  they count towards the destination's circuit breaker (one per destination, not per host).

TikTok reports errors as HTTP 200 with a non-zero ``code``. The seed's table names 40000
"Invalid parameter", 40001 "Invalid access token", 40002 "Rate limit exceeded" and 40100 "Pixel ID
not found"; its messages are kept (``TIKTOK_SEED_CODES``, shown on the destinations page), but
the classification follows the platform's documented meaning: 40100 is the rate limit, 50000 a
retryable system error, 40104/40105 an empty or expired token, 40001 no permission on the pixel.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pybreaker
import requests
from django.conf import settings
from django.utils import timezone

from core.breaker import circuit_breaker
from core.http import (
    AuthExpired,
    BadRequest,
    RateLimited,
    Upstream5xx,
    UpstreamClient,
    UpstreamUnavailable,
    not_a_destination_failure,
)
from core.models import Tenant

logger = logging.getLogger(__name__)

# Seed table "Common Error Codes": code → (message, solution), verbatim.
TIKTOK_SEED_CODES: dict[int, tuple[str, str]] = {
    0: ("OK", "Success"),
    40000: ("Invalid parameter", "Check request format"),
    40001: ("Invalid access token", "Regenerate token"),
    40002: ("Rate limit exceeded", "Implement backoff"),
    40100: ("Pixel ID not found", "Verify TIKTOK_PIXEL_ID"),
}
TIKTOK_RATE_LIMIT_CODES = frozenset({40100})
TIKTOK_RETRYABLE_CODES = frozenset({50000, 50001, 50002, 51000})
TIKTOK_TOKEN_CODES = frozenset({40104, 40105})
TIKTOK_MISCONFIGURED_CODES = frozenset({40001})

META_TOKEN_CODES = frozenset({190, 102})
META_RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, 80004})
META_TRANSIENT_CODES = frozenset({1, 2})
META_PERMISSION_CODES = frozenset({10, 200, 294})

GOOGLE_MISCONFIGURED_ERRORS = frozenset(
    {
        "NO_CONVERSION_ACTION_FOUND",
        "INVALID_CONVERSION_ACTION_TYPE",
        "UNAUTHORIZED_CUSTOMER",
        "CUSTOMER_NOT_ACCEPTED_CUSTOMER_DATA_TERMS",
        "CUSTOMER_NOT_ENABLED_ENHANCED_CONVERSIONS_FOR_LEADS",
        "USER_PERMISSION_DENIED",
        "CUSTOMER_NOT_ENABLED",
        "DEVELOPER_TOKEN_NOT_APPROVED",
        "DEVELOPER_TOKEN_PROHIBITED",
        "CUSTOMER_NOT_FOUND",
    }
)
# Already recorded by an earlier send of the same event: the delivery did its job.
GOOGLE_ALREADY_RECORDED_ERRORS = frozenset({"ORDER_ID_ALREADY_IN_USE", "CLICK_CONVERSION_ALREADY_EXISTS"})
GOOGLE_RETRY_LATER_ERRORS = frozenset({"TOO_RECENT_EVENT", "TOO_RECENT_CONVERSION_ACTION"})


class Misconfigured(BadRequest):
    """The destination itself is wrong (pixel, customer, conversion action, permissions): no
    event can go until an admin fixes it, so its deliveries wait instead of dying."""

    outcome = "misconfigured"


def client_sleep(seconds: float) -> None:
    """Pause between in-place retries (tests replace it)."""
    import time

    time.sleep(seconds)


class _DestinationClient(UpstreamClient):
    """A client whose circuit breaker is the destination's own: five consecutive failed
    requests open it, a trial request goes after the reset time."""

    rate_limit = None

    def __init__(self, *, tenant: Tenant, breaker_name: str, **kwargs: Any):
        self.breaker_name = breaker_name
        kwargs.setdefault("sleep", lambda seconds: client_sleep(seconds))
        super().__init__(tenant=tenant, **kwargs)

    def _breaker_for(self, url: str) -> pybreaker.CircuitBreaker:
        if self.breaker_name not in self._breakers:
            self._breakers[self.breaker_name] = destination_breaker(self.breaker_name)
        return self._breakers[self.breaker_name]


def destination_breaker(name: str) -> pybreaker.CircuitBreaker:
    return circuit_breaker(
        name,
        fail_max=settings.CONVERSIONS_BREAKER_FAIL_MAX,
        reset_seconds=settings.CONVERSIONS_BREAKER_RESET_SECONDS,
        exclude=not_a_destination_failure,
    )


# --- TikTok Events API 2.0 -------------------------------------------------------------------


class TikTokEventsClient(_DestinationClient):
    provider = "tiktok_events"
    request_id_headers = ("X-Tt-Logid",)
    track_path = "open_api/v1.3/event/track/"

    def __init__(self, *, tenant: Tenant, access_token: str, breaker_name: str, base_url: str | None = None, **kwargs: Any):
        self.access_token = access_token
        super().__init__(
            tenant=tenant,
            breaker_name=breaker_name,
            base_url=base_url or settings.TIKTOK_EVENTS_API_BASE,
            credential_key=access_token,
            **kwargs,
        )

    def prepare_request(self, request: requests.Request) -> None:
        request.headers["Access-Token"] = self.access_token

    def raise_for_response(self, response: requests.Response, payload: Any) -> None:
        if response.ok and isinstance(payload, dict):
            code = payload.get("code")
            if code not in (0, "0", None):
                raise self.envelope_error(response, payload)
        super().raise_for_response(response, payload)

    def envelope_error(self, response: requests.Response, payload: dict):
        try:
            code = int(payload.get("code"))
        except (TypeError, ValueError):
            code = payload.get("code")
        message = str(payload.get("message") or TIKTOK_SEED_CODES.get(code, ("Unknown error",))[0])
        text = f"TikTok {code}: {message}"
        if code in TIKTOK_RATE_LIMIT_CODES:
            return self.make_error(RateLimited, response, text, code=code)
        if code in TIKTOK_RETRYABLE_CODES:
            return self.make_error(Upstream5xx, response, text, code=code)
        if code in TIKTOK_TOKEN_CODES:
            return self.make_error(AuthExpired, response, text, code=code)
        if code in TIKTOK_MISCONFIGURED_CODES:
            return self.make_error(Misconfigured, response, text, code=code)
        return self.make_error(BadRequest, response, text, code=code)

    def sensitive_values(self):
        return (self.access_token,)

    def track(self, body: dict) -> Any:
        # Safe to repeat: every event carries its event_id, which TikTok deduplicates on.
        return self.post(self.track_path, json=body, idempotent=True, endpoint="/open_api/v1.3/event/track/")


# --- Google Ads: OAuth refresh + uploadClickConversions --------------------------------------


class GoogleAdsClient(_DestinationClient):
    provider = "google_ads"
    request_id_headers = ("request-id", "X-Request-ID")
    token_margin = timedelta(seconds=60)

    def __init__(self, *, tenant: Tenant, destination, breaker_name: str, persist_tokens: bool = True, **kwargs: Any):
        self.destination = destination
        self.persist_tokens = persist_tokens
        super().__init__(
            tenant=tenant,
            breaker_name=breaker_name,
            base_url=settings.GOOGLE_ADS_API_BASE,
            credential_key=destination.refresh_token or destination.customer_id,
            credential_label=f"customer {destination.customer_id}",
            **kwargs,
        )

    @property
    def upload_path(self) -> str:
        return f"{settings.GOOGLE_ADS_API_VERSION}/customers/{self.destination.customer_id}:uploadClickConversions"

    def _token_fresh(self) -> bool:
        expires = self.destination.oauth_access_token_expires_at
        return bool(self.destination.oauth_access_token) and expires is not None and expires > timezone.now() + self.token_margin

    def prepare_request(self, request: requests.Request) -> None:
        if not self._token_fresh():
            self.fetch_access_token()
        request.headers["Authorization"] = f"Bearer {self.destination.oauth_access_token}"
        request.headers["developer-token"] = self.destination.developer_token
        if self.destination.login_customer_id:
            request.headers["login-customer-id"] = self.destination.login_customer_id.replace("-", "")

    def refresh_credentials(self) -> bool:
        failed = self.destination.oauth_access_token
        if self.persist_tokens and self.destination.pk:
            stored = type(self.destination).all_tenants.filter(pk=self.destination.pk).first()
            if stored and stored.oauth_access_token and stored.oauth_access_token != failed:
                self.destination.oauth_access_token = stored.oauth_access_token
                self.destination.oauth_access_token_expires_at = stored.oauth_access_token_expires_at
                return True  # another worker refreshed it already
        self.fetch_access_token()
        return True

    def fetch_access_token(self) -> str:
        """A new access token from the refresh token; ``AuthExpired`` when Google refuses it."""
        data = {
            "grant_type": "refresh_token",
            "client_id": self.destination.oauth_client_id,
            "client_secret": self.destination.oauth_client_secret,
            "refresh_token": self.destination.refresh_token,
        }
        try:
            response = self.session.post(settings.GOOGLE_OAUTH_TOKEN_URL, data=data, timeout=self.timeout)
        except requests.RequestException as exc:
            raise UpstreamUnavailable(f"{type(exc).__name__} calling the Google OAuth token endpoint", provider=self.provider) from None
        try:
            payload = response.json()
        except ValueError:
            payload = {}
        if response.status_code >= 500:
            raise self.make_error(Upstream5xx, response, "Google OAuth token endpoint failed")
        if not response.ok or not payload.get("access_token"):
            error = payload.get("error") or f"HTTP {response.status_code}"
            description = payload.get("error_description") or ""
            raise self.make_error(AuthExpired, response, f"Google OAuth refresh refused: {error} {description}".strip(), code=error)
        self.destination.oauth_access_token = payload["access_token"]
        self.destination.oauth_access_token_expires_at = timezone.now() + timedelta(seconds=int(payload.get("expires_in") or 3599))
        if self.persist_tokens and self.destination.pk:
            type(self.destination).all_tenants.filter(pk=self.destination.pk).update(
                oauth_access_token=payload["access_token"],
                oauth_access_token_expires_at=self.destination.oauth_access_token_expires_at,
            )
        return payload["access_token"]

    def raise_for_response(self, response: requests.Response, payload: Any) -> None:
        if response.status_code in (400, 403) and isinstance(payload, dict) and isinstance(payload.get("error"), dict):
            error = payload["error"]
            codes = set(google_error_codes(error.get("details") or []))
            message = f"Google Ads {error.get('status') or response.status_code}: {error.get('message') or ''}".strip()
            if response.status_code == 403 or codes & GOOGLE_MISCONFIGURED_ERRORS:
                raise self.make_error(Misconfigured, response, message, code=error.get("status"))
            raise self.make_error(BadRequest, response, message, code=error.get("status"))
        super().raise_for_response(response, payload)

    def sensitive_values(self):
        return (
            self.destination.refresh_token,
            self.destination.oauth_client_secret,
            self.destination.developer_token,
            self.destination.oauth_access_token,
        )

    def upload(self, body: dict) -> Any:
        # Safe to repeat: orderId is the event id, and Google answers ORDER_ID_ALREADY_IN_USE.
        return self.post(self.upload_path, json=body, idempotent=True, endpoint="/customers:uploadClickConversions")


def google_error_codes(details: list) -> list[str]:
    """Every error code name in a GoogleAdsFailure ``details`` list."""
    names = []
    for detail in details:
        for error in (detail or {}).get("errors") or []:
            names.extend(str(value) for value in (error.get("errorCode") or {}).values())
    return names


# --- Meta Conversions API --------------------------------------------------------------------


class MetaCapiClient(_DestinationClient):
    provider = "meta_capi"
    request_id_headers = ("x-fb-trace-id",)

    def __init__(self, *, tenant: Tenant, pixel_id: str, access_token: str, breaker_name: str, **kwargs: Any):
        self.pixel_id = pixel_id
        self.access_token = access_token
        super().__init__(
            tenant=tenant,
            breaker_name=breaker_name,
            base_url=settings.META_GRAPH_API_BASE,
            credential_key=access_token,
            credential_label=f"pixel {pixel_id}",
            **kwargs,
        )

    def prepare_request(self, request: requests.Request) -> None:
        request.params["access_token"] = self.access_token

    def raise_for_response(self, response: requests.Response, payload: Any) -> None:
        error = payload.get("error") if isinstance(payload, dict) else None
        if isinstance(error, dict):
            code = error.get("code")
            subcode = error.get("error_subcode")
            message = f"Meta {code}{f'/{subcode}' if subcode else ''}: {error.get('message') or ''}".strip()
            if code in META_TOKEN_CODES:
                raise self.make_error(AuthExpired, response, message, code=code)
            if code in META_RATE_LIMIT_CODES:
                raise self.make_error(RateLimited, response, message, code=code)
            if code in META_TRANSIENT_CODES or error.get("is_transient"):
                raise self.make_error(Upstream5xx, response, message, code=code)
            if code in META_PERMISSION_CODES or (code == 100 and subcode == 33):
                raise self.make_error(Misconfigured, response, message, code=code)
            if response.status_code >= 500:
                raise self.make_error(Upstream5xx, response, message, code=code)
            raise self.make_error(BadRequest, response, message, code=code)
        super().raise_for_response(response, payload)

    def sensitive_values(self):
        return (self.access_token,)

    def send_events(self, body: dict) -> Any:
        # Safe to repeat: Meta deduplicates on event_id (+ event_name).
        path = f"{settings.META_GRAPH_API_VERSION}/{self.pixel_id}/events"
        return self.post(path, json=body, idempotent=True, endpoint="/events")
