"""Error codes of the autopilot app (shared ones are ``core.errors.CoreError``)."""

from __future__ import annotations

from enum import StrEnum


class AutopilotError(StrEnum):
    NO_ADVERTISER = "no_advertiser"  # the ad account has no TikTok advertiser to run on
    RUN_ACTIVE = "run_active"  # a brain run of the account is already queued or running
    UNKNOWN_RUN = "unknown_run"
    UNKNOWN_RULE = "unknown_rule"
    TELEGRAM_NOT_CONFIGURED = "telegram_not_configured"
    INVALID_PLATFORM = "invalid_platform"  # a platform other than facebook | tiktok (instagram reads as facebook)
