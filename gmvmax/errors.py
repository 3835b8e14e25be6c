"""Error codes of the GMV Max app (shared ones are ``core.errors.CoreError``)."""

from __future__ import annotations

from enum import StrEnum


class GmvMaxError(StrEnum):
    UNKNOWN_CAMPAIGN = "unknown_campaign"
    UNKNOWN_ACCOUNT = "unknown_account"
    UNKNOWN_BACKFILL = "unknown_backfill"
    UNKNOWN_SHOP_NUMBER = "unknown_shop_number"
    ROOMS_NOT_FETCHED = "rooms_not_fetched"  # an export of rooms no fetch has stored yet
    NOT_LIVE_CAMPAIGN = "not_live_campaign"  # rooms exist only for LIVE GMV Max campaigns
