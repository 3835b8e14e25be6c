"""Reads of alert rules, their events, the tenant's notification settings, and the figures the
rules watch (each from its own app's selectors)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import QuerySet, Sum

import conversions.selectors as conversions_selectors
import core.selectors as core_selectors
import shop_sync.selectors as shop_selectors
import shopee_live.selectors as shopee_selectors
import tiktok_ads.selectors as tiktok_selectors
from autopilot.errors import AutopilotError
from autopilot.models import AlertEvent, AlertRule, CreativeMetricDay, NotificationSettings, OutboundMessage
from core.dateranges import DateRange
from core.exceptions import NotFound
from core.models import Tenant
from core.timezones import zone_or_utc


def notification_settings_get(tenant: Tenant) -> NotificationSettings | None:
    return NotificationSettings.objects.for_tenant(tenant).first()


def alert_rules_for_tenant(tenant: Tenant) -> QuerySet[AlertRule]:
    return AlertRule.objects.for_tenant(tenant).order_by("name", "id")


def alert_rule_get(tenant: Tenant, pk: int) -> AlertRule:
    """The tenant's rule ``pk``; another tenant's is the same 404 as a missing one."""
    rule = alert_rules_for_tenant(tenant).filter(pk=pk).first()
    if rule is None:
        raise NotFound("No such alert rule.", code=AutopilotError.UNKNOWN_RULE)
    return rule


def alert_events_recent(tenant: Tenant, *, rule: AlertRule | None = None, limit: int = 50) -> list[AlertEvent]:
    events = AlertEvent.objects.for_tenant(tenant).select_related("rule")
    if rule is not None:
        events = events.filter(rule=rule)
    return list(events.order_by("-last_seen_at", "-id")[:limit])


def outbox_recent(tenant: Tenant, *, limit: int = 20) -> list[OutboundMessage]:
    return list(OutboundMessage.objects.for_tenant(tenant).order_by("-created_at", "-id")[:limit])


def tenant_ids_with_active_rules(*, digest: bool | None = None) -> list[int]:
    """Tenants with active rules (``digest`` narrows to digest rules); cross-tenant on purpose
    (the beat's fan-outs)."""
    rules = AlertRule.all_tenants.filter(is_active=True)
    if digest is not None:
        rules = rules.filter(digest=digest)
    return sorted(set(rules.values_list("tenant_id", flat=True)))


# --- The figures rules watch --------------------------------------------------------------


@dataclass(frozen=True)
class KpiWindow:
    """The last ``days`` complete local days before ``today``, and the period before them."""

    start: date
    end: date
    previous_start: date
    previous_end: date

    @classmethod
    def ending_before(cls, today: date, days: int) -> KpiWindow:
        end = today - timedelta(days=1)
        start = end - timedelta(days=days - 1)
        return cls(start, end, start - timedelta(days=days), start - timedelta(days=1))

    def date_range(self) -> DateRange:
        return DateRange(self.start, self.end, "custom", "previous", False, self.previous_start, self.previous_end)


def tenant_today(tenant: Tenant, now: datetime) -> date:
    return now.astimezone(zone_or_utc(tenant.time_zone)).date()


def _cost_per_lead(tenant: Tenant, start: date, end: date) -> tuple[Decimal | None, int]:
    """TikTok ad spend of the days in the reporting currency (each day at its own rate; None when
    a currency has no rate) and the TikTok leads received in them."""
    converter = core_selectors.FxConverter(tenant)
    spend = Decimal(0)
    rows = (
        CreativeMetricDay.objects.for_tenant(tenant)
        .filter(platform="tiktok", day__gte=start, day__lte=end)
        .values("day", "currency")
        .annotate(total=Sum("spend"))
    )
    for row in rows:
        converted = converter.convert(row["total"] or 0, row["currency"], row["day"])
        if converted is None:
            return None, 0
        spend += converted
    zone = zone_or_utc(tenant.time_zone)
    leads = tiktok_selectors.leads_count(
        tenant,
        start=datetime.combine(start, time.min, tzinfo=zone),
        end=datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )
    return spend, leads


def kpi_values(tenant: Tenant, kpi: str, window: KpiWindow) -> tuple[Decimal | None, Decimal | None, str]:
    """``kpi`` over the window and over the period before it (None where undefined: ROAS
    without spend, cost per lead without leads), and the reporting currency."""
    if kpi == "cpl":
        values = []
        for start, end in ((window.start, window.end), (window.previous_start, window.previous_end)):
            spend, leads = _cost_per_lead(tenant, start, end)
            values.append((spend / leads) if leads and spend is not None else None)
        return values[0], values[1], tenant.reporting_currency
    overview = core_selectors.business_overview(tenant, window.date_range())
    figures = []
    for totals in (overview.totals, overview.previous or {}):
        if kpi == "roas":
            spend = Decimal(totals.get("ad_spend") or 0)
            figures.append((Decimal(totals.get("gmv") or 0) / spend) if spend else None)
        else:
            value = totals.get(kpi)
            figures.append(None if value is None else Decimal(value))
    return figures[0], figures[1], overview.currency


def sync_runs_failing(tenant: Tenant, *, since: datetime):
    return core_selectors.sync_runs_failing(tenant, since=since)


def connections_needing_reauth(tenant: Tenant) -> list[tuple[str, str]]:
    """Every connection of every app that needs authorizing again: ``(fingerprint, label)``."""
    found = [(f"shop:{shop.shop_id}", f"TikTok Shop {shop.name}") for shop in shop_selectors.shops_needing_reauth(tenant)]
    found += [
        (f"tiktok_business:{c.pk}", f"TikTok Business authorization #{c.pk}") for c in tiktok_selectors.connections_needing_reauth(tenant)
    ]
    found += [(f"shopee:{a.pk}", f"Shopee account {a.name}") for a in shopee_selectors.accounts_needing_reauth(tenant)]
    found += [(f"destination:{d.pk}", f"Conversion destination {d.name}") for d in conversions_selectors.destinations_needing_token(tenant)]
    return found


def destinations_held(tenant: Tenant) -> list:
    return list(conversions_selectors.destinations_held(tenant))


def slow_movers(tenant: Tenant, *, since: datetime) -> list[dict]:
    return shop_selectors.products_unsold_with_stock(tenant, since=since)
