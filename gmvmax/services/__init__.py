"""GMV Max writes and workflows, by concern:

- ``parsing``: the platform's strings, the ≤ 93-day split, an account's today;
- ``stats``: campaigns and their daily stats (beat's recent days, demo seeding);
- ``backfill``: campaign-stat backfills as ``core.SyncRun``s, started by the campaign table;
- ``rooms``: live rooms fetched on demand, one ``core.SyncRun`` per campaign and range;
- ``coverage``: what was fetched when.

The public names are re-exported here: ``from gmvmax.services import campaign_stats_sync``.
"""

from datetime import date  # noqa: F401  (callers date-parse through the module)

from django.utils import timezone  # noqa: F401

from gmvmax.services.backfill import (
    StatsBackfill,
    backfill,
    range_text,
    stats_backfill_part_run,
    stats_backfill_request,
    stats_backfill_retry,
    stats_backfill_start,
)
from gmvmax.services.coverage import coverage_record, rooms_coverage_record, stats_coverage_record
from gmvmax.services.parsing import (
    MAX_REPORT_DAYS,
    _count,
    _day,
    _money,
    _stat_values,
    _text,
    advertiser_today,
    create_time_parse,
    launched_time_parse,
    report_ranges,
    zone_today,
)
from gmvmax.services.rooms import (
    ROOM_DIMENSIONS,
    ROOM_METRICS,
    STAT_FIELDS,
    NotALiveCampaign,
    RoomSessions,
    _rooms_write,
    room_fetch_part_run,
    room_fetch_request,
    room_sessions_get,
    room_target,
)
from gmvmax.services.stats import (
    CAMPAIGN_DIMENSIONS,
    CAMPAIGN_METRICS,
    LIVE_CAMPAIGN_METRICS,
    PAGE_SIZE,
    PRODUCT_CAMPAIGN_METRICS,
    StatsSyncResult,
    campaign_stats_sync,
    campaigns_sync,
    recent_days_sync,
    stats_page_write,
)

DEMO_DAYS = 60  # what make run syncs for the demo tenant

__all__ = [
    "CAMPAIGN_DIMENSIONS",
    "CAMPAIGN_METRICS",
    "DEMO_DAYS",
    "LIVE_CAMPAIGN_METRICS",
    "MAX_REPORT_DAYS",
    "PAGE_SIZE",
    "PRODUCT_CAMPAIGN_METRICS",
    "ROOM_DIMENSIONS",
    "ROOM_METRICS",
    "STAT_FIELDS",
    "NotALiveCampaign",
    "RoomSessions",
    "StatsBackfill",
    "StatsSyncResult",
    "_count",
    "_day",
    "_money",
    "_rooms_write",
    "_stat_values",
    "_text",
    "advertiser_today",
    "backfill",
    "campaign_stats_sync",
    "campaigns_sync",
    "coverage_record",
    "create_time_parse",
    "launched_time_parse",
    "range_text",
    "recent_days_sync",
    "report_ranges",
    "room_fetch_part_run",
    "room_fetch_request",
    "room_sessions_get",
    "room_target",
    "rooms_coverage_record",
    "stats_backfill_part_run",
    "stats_backfill_request",
    "stats_backfill_retry",
    "stats_backfill_start",
    "stats_coverage_record",
    "stats_page_write",
    "zone_today",
]
