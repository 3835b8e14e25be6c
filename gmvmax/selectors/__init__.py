"""GMV Max reads, by concern: the campaign table (``report``), live sessions and room fetches
(``rooms``), coverage and backfills (``coverage``). Every function takes the tenant explicitly;
the public names are re-exported here (``from gmvmax import selectors``)."""

from gmvmax.selectors.coverage import (
    MissingSpan,
    stats_backfill_get,
    stats_backfill_parts,
    stats_backfill_remaining,
    stats_missing,
)
from gmvmax.selectors.report import (
    CENT,
    SUMMED,
    ZERO,
    Account,
    accounts_report,
    campaigns_report,
    cost_per,
    roi_of,
    store_pks_for_shop,
    totals_by_currency,
    totals_of,
)
from gmvmax.selectors.rooms import (
    LAUNCHED_FORMAT,
    ROOM_CACHE_SECONDS,
    RoomFetches,
    campaign_get,
    campaign_get_by_pk,
    launched_text,
    room_fetch_covering,
    room_fetch_status,
    room_fetches,
    room_sessions,
    room_sessions_cached,
)

__all__ = [
    "CENT",
    "LAUNCHED_FORMAT",
    "ROOM_CACHE_SECONDS",
    "SUMMED",
    "ZERO",
    "Account",
    "MissingSpan",
    "RoomFetches",
    "accounts_report",
    "campaign_get",
    "campaign_get_by_pk",
    "campaigns_report",
    "cost_per",
    "launched_text",
    "roi_of",
    "room_fetch_covering",
    "room_fetch_status",
    "room_fetches",
    "room_sessions",
    "room_sessions_cached",
    "stats_backfill_get",
    "stats_backfill_parts",
    "stats_backfill_remaining",
    "stats_missing",
    "store_pks_for_shop",
    "totals_by_currency",
    "totals_of",
]
