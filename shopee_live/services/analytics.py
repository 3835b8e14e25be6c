"""The nightly daily analytics: one ``DailyAnalytics`` row per account and day, computed from the
stored sessions in one INSERT … SELECT … ON CONFLICT statement per tenant.

Days are counted in each account's region's time zone (``selectors.session_local_day``; a
session counts on the day it started). A row belongs to the account's current studio. Running
it again over the same days rewrites the same rows; a day that no longer has sessions (a session
moved or deleted) loses its row. ``daily_analytics_recent`` (nightly) recomputes the days of every
session changed since the last run (synced, imported, recorded by hand), so late changes to old
days reach the analytics the next night.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Count, Max, Min, Sum, Value
from django.db.models.fields import DateTimeField
from django.utils import timezone

from core.models import Tenant
from shopee_live.models import DailyAnalytics, LiveSession
from shopee_live.regions import MARKETS
from shopee_live.selectors import local_day_bounds, region_today, session_local_day

# The order of the SELECT below, as the INSERT names them.
_COLUMNS = (
    "tenant_id",
    "account_id",
    "studio_id",
    "day",
    "currency",
    "sessions",
    "revenue",
    "viewers",
    "orders",
    "items_sold",
    "campaign_spent",
    "computed_at",
)
_UPDATED = _COLUMNS[4:]


def daily_analytics_compute(tenant: Tenant, *, day_from: date, day_to: date) -> int:
    """(Re)computes every account's days from ``day_from`` to ``day_to``; returns the rows
    written."""
    computed_at = timezone.now()
    per_account_day = (
        LiveSession.objects.for_tenant(tenant)
        .filter(local_day_bounds(day_from, day_to, moment="started_at"))
        .annotate(day=session_local_day())
        .values("tenant_id", "account_id", "account__studio_id", "day", "account__currency")
        .annotate(
            sessions=Count("id"),
            revenue=Sum("total_revenue"),
            viewers=Sum("total_viewers"),
            orders=Sum("total_orders"),
            items_sold=Sum("items_sold"),
            campaign_spent=Sum("campaign_spent"),
            computed_at=Value(computed_at, output_field=DateTimeField()),
        )
        .values_list(
            "tenant_id",
            "account_id",
            "account__studio_id",
            "day",
            "account__currency",
            "sessions",
            "revenue",
            "viewers",
            "orders",
            "items_sold",
            "campaign_spent",
            "computed_at",
        )
        .order_by()
    )
    select_sql, params = per_account_day.query.sql_with_params()
    table = DailyAnalytics._meta.db_table
    updates = ", ".join(f"{column} = EXCLUDED.{column}" for column in _UPDATED) + ", studio_id = EXCLUDED.studio_id"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(_COLUMNS)}) {select_sql} "  # noqa: S608 (names are ours, values are parameters)
            f"ON CONFLICT (tenant_id, account_id, day) DO UPDATE SET {updates}",
            params,
        )
        written = cursor.rowcount
        # Days in the span the statement didn't write have no sessions any more.
        DailyAnalytics.objects.for_tenant(tenant).filter(day__range=(day_from, day_to), computed_at__lt=computed_at).delete()
    return written


# Sessions that end late at night or settle after they end change the days just before.
RECENT_DAYS = 3


def daily_analytics_recent(*, tenant: Tenant) -> int:
    """The nightly job: the last ``RECENT_DAYS`` days through each region's today, and every
    older day holding a session changed since the last run (every day on the first run:
    synced history, sessions recorded by hand). Returns the rows written."""
    last_run = DailyAnalytics.objects.for_tenant(tenant).aggregate(last=Max("computed_at"))["last"]
    today = max(region_today(code) for code in MARKETS)
    day_from = today - timedelta(days=RECENT_DAYS)
    changed = LiveSession.objects.for_tenant(tenant).exclude(started_at=None)
    if last_run is not None:
        changed = changed.filter(updated_at__gte=last_run)
    first_changed = changed.annotate(day=session_local_day()).aggregate(first=Min("day"))["first"]
    if first_changed is not None:
        day_from = min(day_from, first_changed)
    return daily_analytics_compute(tenant, day_from=day_from, day_to=today)


__all__ = ["daily_analytics_compute", "daily_analytics_recent"]
