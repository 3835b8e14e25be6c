"""How an upstream failure reads to our own callers: mapped here once, for the API and the pages.

A platform that is down or timing out, that throttles us beyond the retry budget, or whose
circuit is open is a 503 with ``retry_after`` seconds: nothing is wrong with the request, try again
later. One that answered with an error or with something unreadable is a 502 (bad gateway).
"""

from __future__ import annotations

import math

from core.errors import CoreError
from core.exceptions import ApplicationError
from core.http import CircuitOpen, RateLimited, Upstream5xx, UpstreamError, UpstreamUnavailable

# When neither the platform (Retry-After) nor the breaker says how long to wait.
DEFAULT_RETRY_AFTER = 30

PROVIDER_LABELS = {
    "tiktok_shop": "TikTok Shop",
    "tiktok_shop_auth": "TikTok Shop",
    "tiktok_business": "TikTok",
    "tiktok_events": "TikTok",
    "google_ads": "Google Ads",
    "meta_capi": "Meta",
    "telegram": "Telegram",
    "shopee": "Shopee",
    "shopee_auth": "Shopee",
    "shopee_web": "Shopee Seller Center",
}


class UpstreamFailure(ApplicationError):
    """An ``UpstreamError`` as a refusal: status 502 or 503, ``retry_after`` whole seconds (503)."""

    def __init__(self, message: str, *, code: str, status: int, provider: str = "", retry_after: int | None = None):
        extra: dict = {"provider": provider} if provider else {}
        if retry_after is not None:
            extra["retry_after"] = retry_after
        super().__init__(message, code=code, status=status, extra=extra)
        self.provider = provider
        self.retry_after = retry_after


def provider_label(provider: str) -> str:
    return PROVIDER_LABELS.get(provider) or provider.replace("_", " ").title() or "The platform"


def _seconds(error: UpstreamError) -> int:
    if error.retry_after is None:
        return DEFAULT_RETRY_AFTER
    return max(1, math.ceil(error.retry_after))


def upstream_failure(error: UpstreamError) -> UpstreamFailure:
    label = provider_label(error.provider)
    if isinstance(error, RateLimited):
        seconds = _seconds(error)
        return UpstreamFailure(
            f"{label} is throttling our requests; try again in {seconds} seconds.",
            code=CoreError.RATE_LIMITED,
            status=503,
            provider=error.provider,
            retry_after=seconds,
        )
    # A 503/504 from the platform is "down for now"; another 5xx is a broken answer (502).
    if isinstance(error, CircuitOpen | UpstreamUnavailable) or (isinstance(error, Upstream5xx) and error.status in (503, 504)):
        seconds = _seconds(error)
        return UpstreamFailure(
            f"{label} is unavailable right now; try again in {seconds} seconds.",
            code=CoreError.UPSTREAM_UNAVAILABLE,
            status=503,
            provider=error.provider,
            retry_after=seconds,
        )
    detail = f": {error.message}" if error.message else "."
    return UpstreamFailure(f"{label} answered with an error{detail}", code=CoreError.UPSTREAM_ERROR, status=502, provider=error.provider)


def as_application_error(error: Exception) -> ApplicationError:
    """``error`` as the refusal the caller sees (an ``ApplicationError`` stays as it is)."""
    return upstream_failure(error) if isinstance(error, UpstreamError) else error
