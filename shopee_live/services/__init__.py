"""Every Shopee Live write and workflow."""

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
