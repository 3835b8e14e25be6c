"""Coverage of the campaign table: which days of a range were never fetched for the requested
ad accounts, and the stats backfill runs that fetch them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from core.exceptions import NotFound
from core.models import ACTIVE_SYNC_STATES, SyncRun, SyncRunPart, SyncState, Tenant
from core.selectors import sync_runs_for_tenant
from core.timezones import zone_or_utc
from gmvmax.errors import GmvMaxError
from gmvmax.models import CoverageKind, FetchCoverage, GmvMaxCampaign, RunKind
from tiktok_ads.selectors import gmvmax_advertiser_rows


@dataclass(frozen=True)
class MissingSpan:
    """Days of one ad account's campaign stats never fetched."""

    advertiser_pk: int
    advertiser_id: str
    account_name: str
    start: date
    end: date


# The requested ad accounts (a subquery built by tiktok_ads.selectors), the first create time of
# their campaigns (nothing exists before it) and their coverage rows overlapping the range.
STATS_COVERAGE_SQL = """
SELECT a.id, a.advertiser_id, a.name, a.time_zone,
       (SELECT MIN(c.platform_created_at) FROM {campaigns} AS c WHERE c.tenant_id = %s AND c.advertiser_id = a.id),
       cov.start_date, cov.end_date
FROM ({accounts}) AS a
LEFT JOIN {coverage} AS cov
  ON cov.tenant_id = %s AND cov.kind = %s AND cov.advertiser_id = a.id AND cov.start_date <= %s AND cov.end_date >= %s
ORDER BY a.id, cov.start_date
"""



def _as_date(value) -> date | None:
    return parse_date(value) if isinstance(value, str) else value


def _as_datetime(value) -> datetime | None:
    if isinstance(value, str):  # SQLite returns aggregates as text
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)
    return value


def _gaps(start: date, end: date, covered: list[tuple[date, date]]) -> list[tuple[date, date]]:
    gaps, cursor = [], start
    for first, last in sorted(covered):
        if first > cursor:
            gaps.append((cursor, min(end, first - timedelta(days=1))))
        cursor = max(cursor, last + timedelta(days=1))
        if cursor > end:
            break
    if cursor <= end:
        gaps.append((cursor, end))
    return gaps


def stats_missing(tenant: Tenant, *, start: date, end: date, shop_number: int | None = None) -> list[MissingSpan]:
    """The days of [start, end] whose campaign stats were never fetched, per requested ad
    account (active, with a GMV Max store, of ``shop_number`` if given), in one query. Each
    account's range is clamped to what the platform can have: not after the account's today,
    not before its first campaign was created (when its campaigns are known)."""
    accounts_sql, accounts_params = gmvmax_advertiser_rows(tenant, shop_number).query.sql_with_params()
    sql = STATS_COVERAGE_SQL.format(campaigns=GmvMaxCampaign._meta.db_table, coverage=FetchCoverage._meta.db_table, accounts=accounts_sql)
    params = [tenant.pk, *accounts_params, tenant.pk, CoverageKind.CAMPAIGN_STATS.value, end, start]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    accounts: dict[int, dict] = {}
    for pk, advertiser_id, name, zone, first_created, covered_start, covered_end in fetched:
        account = accounts.setdefault(
            pk, {"advertiser_id": advertiser_id, "name": name, "zone": zone, "first": first_created, "covered": []}
        )
        if covered_start is not None:
            account["covered"].append((_as_date(covered_start), _as_date(covered_end)))
    missing = []
    for pk, account in accounts.items():
        zone = zone_or_utc(account["zone"])
        first, last = start, min(end, timezone.now().astimezone(zone).date())
        created = _as_datetime(account["first"])
        if created is not None:
            first = max(first, created.astimezone(zone).date())
        if first > last:
            continue
        for gap_start, gap_end in _gaps(first, last, account["covered"]):
            missing.append(MissingSpan(pk, account["advertiser_id"], account["name"], gap_start, gap_end))
    return missing


def stats_backfill_parts(tenant: Tenant) -> list[SyncRunPart]:
    """Backfill parts that decide what a new request does, newest run first: in flight
    (pending/running parts of active runs) and failed (failed parts of failed or still running
    runs: failed stays failed until retried)."""
    return list(
        SyncRunPart.objects.for_tenant(tenant)
        .select_related("run")
        .filter(run__kind=RunKind.STATS_BACKFILL)
        .filter(
            Q(run__state__in=ACTIVE_SYNC_STATES, state__in=ACTIVE_SYNC_STATES)
            | Q(run__state__in=[SyncState.FAILED, *ACTIVE_SYNC_STATES], state=SyncState.FAILED)
        )
        .order_by("-run__created_at", "-run_id", "position")[:1000]
    )


def stats_backfill_get(tenant: Tenant, *, pk: int) -> SyncRun:
    """A stats backfill run of the tenant; anything else (another tenant's, another kind) is 404."""
    run = sync_runs_for_tenant(tenant, kind=RunKind.STATS_BACKFILL).filter(pk=pk).first()
    if run is None:
        raise NotFound("No such GMV Max backfill in your tenant.", code=GmvMaxError.UNKNOWN_BACKFILL)
    return run


def stats_backfill_remaining(run: SyncRun) -> list[dict]:
    """The spans of the run's parts not done yet: ``[{advertiser, start, end}]``."""
    parts = SyncRunPart.objects.for_tenant(run.tenant_id).filter(run=run).exclude(state=SyncState.SUCCEEDED).order_by("position")
    return [part.params for part in parts]
