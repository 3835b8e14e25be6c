"""Every Shopee Live write and workflow."""

from shopee_live.services.analytics import daily_analytics_compute
from shopee_live.services.sessions import FRESH_FOR, SessionRead, host_link, session_create, session_read, session_sync_requested
from shopee_live.services.sync import (
    KIND_ACTIVE,
    KIND_ENDED,
    account_live_sync,
    ended_cycle_part_run,
    ended_cycle_start,
    live_cycle_part_run,
    live_cycle_start,
    session_settle,
    session_sync,
)

__all__ = [
    "FRESH_FOR",
    "SessionRead",
    "daily_analytics_compute",
    "host_link",
    "session_create",
    "session_read",
    "session_sync_requested",
    "KIND_ACTIVE",
    "KIND_ENDED",
    "account_live_sync",
    "ended_cycle_part_run",
    "ended_cycle_start",
    "live_cycle_part_run",
    "live_cycle_start",
    "session_settle",
    "session_sync",
]
