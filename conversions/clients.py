"""The three destination clients, as this app uses them: the wire protocols are in
``integrations`` (``tiktok_business.TikTokEventsClient``, ``google_ads``, ``meta``); these
wrappers add the settings, a circuit breaker per destination (not per host) and, for Google
Ads, access tokens shared with other workers through the destination's row.

Every client maps its platform's errors to the types the delivery pipeline classifies
(``conversions.services.classify_error``):

- ``BadRequest``: invalid request, the rows go DEAD (they need a fix);
- ``AuthExpired``: bad or expired token, the destination needs a new one, rows wait;
- ``Misconfigured``: unknown pixel, no permission, no such conversion action: rows wait;
- ``RateLimited``: back off and retry; ``Upstream5xx`` / ``UpstreamUnavailable``: retry, and
  they count towards the destination's circuit breaker.

TikTok's codes come from the one Business API table (``integrations.tiktok_business.codes``).
The seed's table names 40000 "Invalid parameter", 40001 "Invalid access token", 40002 "Rate
limit exceeded" and 40100 "Pixel ID not found"; its messages are kept (``TIKTOK_SEED_CODES``)
for answers without a message, but the classification follows the platform's.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import pybreaker
from django.conf import settings

from core.breaker import circuit_breaker
from core.http import Misconfigured, not_a_destination_failure
from core.models import Tenant
from integrations import google_ads, meta, tiktok_business
from integrations.base import StaticCredentials

logger = logging.getLogger(__name__)

__all__ = [
    "GOOGLE_ALREADY_RECORDED_ERRORS",
    "GOOGLE_MISCONFIGURED_ERRORS",
    "GOOGLE_RETRY_LATER_ERRORS",
    "TIKTOK_SEED_CODES",
    "DestinationGoogleCredentials",
    "GoogleAdsClient",
    "MetaCapiClient",
    "Misconfigured",
    "TikTokEventsClient",
    "client_sleep",
    "destination_breaker",
    "google_error_codes",
]

# Seed table "Common Error Codes": code → (message, solution), verbatim.
TIKTOK_SEED_CODES: dict[int, tuple[str, str]] = {
    0: ("OK", "Success"),
    40000: ("Invalid parameter", "Check request format"),
    40001: ("Invalid access token", "Regenerate token"),
    40002: ("Rate limit exceeded", "Implement backoff"),
    40100: ("Pixel ID not found", "Verify TIKTOK_PIXEL_ID"),
}

GOOGLE_MISCONFIGURED_ERRORS = google_ads.MISCONFIGURED_ERRORS
GOOGLE_ALREADY_RECORDED_ERRORS = google_ads.ALREADY_RECORDED_ERRORS
GOOGLE_RETRY_LATER_ERRORS = google_ads.RETRY_LATER_ERRORS
google_error_codes = google_ads.google_error_codes


def client_sleep(seconds: float) -> None:
    """Pause between in-place retries (tests replace it)."""
    import time

    time.sleep(seconds)


def destination_breaker(name: str) -> pybreaker.CircuitBreaker:
    """The breaker of one destination: five consecutive failed requests open it, a trial
    request goes after the reset time."""
    return circuit_breaker(
        name,
        fail_max=settings.CONVERSIONS_BREAKER_FAIL_MAX,
        reset_seconds=settings.CONVERSIONS_BREAKER_RESET_SECONDS,
        exclude=not_a_destination_failure,
    )


class _DestinationClient:
    """Mixed in before a wire client: every call counts towards the destination's own breaker
    ``breaker_name``. ``tenant`` is None for the test endpoint's destination, which belongs to
    no tenant (its calls are logged as lines only)."""

    def __init__(self, *, tenant: Tenant | None, breaker_name: str, **kwargs: Any):
        self.breaker_name = breaker_name
        kwargs.setdefault("sleep", lambda seconds: client_sleep(seconds))
        super().__init__(tenant=tenant, breaker_key=breaker_name, **kwargs)

    def build_breaker(self, key: str) -> pybreaker.CircuitBreaker:
        return destination_breaker(key)


class TikTokEventsClient(_DestinationClient, tiktok_business.TikTokEventsClient):
    def __init__(self, *, tenant: Tenant | None, access_token: str, breaker_name: str, base_url: str | None = None, **kwargs: Any):
        super().__init__(
            tenant=tenant,
            breaker_name=breaker_name,
            credentials=StaticCredentials(access_token),
            base_url=base_url or settings.TIKTOK_EVENTS_API_BASE,
            credential_key=access_token,
            **kwargs,
        )

    def envelope_message(self, code: int, payload: dict) -> str:
        message = payload.get("message") or TIKTOK_SEED_CODES.get(code, ("Unknown error",))[0]
        return f"TikTok {code}: {message}"


class DestinationGoogleCredentials:
    """A Google Ads destination's OAuth tokens. The access token is kept on the destination's
    row (when it has one), so workers share it and one refreshed token serves them all."""

    def __init__(self, destination, *, persist: bool):
        self.destination = destination
        self.persist = persist and destination.pk is not None

    client_id = property(lambda self: self.destination.oauth_client_id)
    client_secret = property(lambda self: self.destination.oauth_client_secret)
    refresh_token = property(lambda self: self.destination.refresh_token)
    access_token = property(lambda self: self.destination.oauth_access_token)
    expires_at = property(lambda self: self.destination.oauth_access_token_expires_at)

    def _rows(self):
        # Cross-tenant manager by pk: the destination object was loaded for its tenant already.
        return type(self.destination).all_tenants.filter(pk=self.destination.pk)

    def renew(self, failed_token: str) -> str | None:
        if not self.persist:
            return None
        stored = self._rows().first()
        if stored and stored.oauth_access_token and stored.oauth_access_token != failed_token:
            self.destination.oauth_access_token = stored.oauth_access_token
            self.destination.oauth_access_token_expires_at = stored.oauth_access_token_expires_at
            return stored.oauth_access_token
        return None

    def store(self, access_token: str, expires_at: datetime) -> None:
        self.destination.oauth_access_token = access_token
        self.destination.oauth_access_token_expires_at = expires_at
        if self.persist:
            self._rows().update(oauth_access_token=access_token, oauth_access_token_expires_at=expires_at)

    def secrets(self) -> tuple[str, ...]:
        return (self.destination.refresh_token, self.destination.oauth_client_secret)


class GoogleAdsClient(_DestinationClient, google_ads.GoogleAdsClient):
    def __init__(self, *, tenant: Tenant | None, destination, breaker_name: str, persist_tokens: bool = True, **kwargs: Any):
        self.destination = destination
        self.persist_tokens = persist_tokens
        super().__init__(
            tenant=tenant,
            breaker_name=breaker_name,
            customer_id=destination.customer_id,
            developer_token=destination.developer_token,
            login_customer_id=destination.login_customer_id,
            credentials=DestinationGoogleCredentials(destination, persist=persist_tokens),
            token_url=settings.GOOGLE_OAUTH_TOKEN_URL,
            api_version=settings.GOOGLE_ADS_API_VERSION,
            base_url=settings.GOOGLE_ADS_API_BASE,
            credential_key=destination.refresh_token or destination.customer_id,
            credential_label=f"customer {destination.customer_id}",
            **kwargs,
        )


class MetaCapiClient(_DestinationClient, meta.MetaCapiClient):
    def __init__(self, *, tenant: Tenant | None, pixel_id: str, access_token: str, breaker_name: str, **kwargs: Any):
        super().__init__(
            tenant=tenant,
            breaker_name=breaker_name,
            pixel_id=pixel_id,
            credentials=StaticCredentials(access_token),
            api_version=settings.META_GRAPH_API_VERSION,
            base_url=settings.META_GRAPH_API_BASE,
            credential_key=access_token,
            credential_label=f"pixel {pixel_id}",
            **kwargs,
        )
