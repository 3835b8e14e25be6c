"""Error codes of the TikTok Ads app (shared ones are ``core.errors.CoreError``)."""

from __future__ import annotations

from enum import StrEnum


class TikTokAdsError(StrEnum):
    DISCONNECTED = "disconnected"
    NO_ADVERTISERS = "no_advertisers"
    UNKNOWN_SHOP_NUMBER = "unknown_shop_number"
    NOT_IMPLEMENTED = "not_implemented"
