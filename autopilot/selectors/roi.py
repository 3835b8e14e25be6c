"""ROI analytics: spend, impressions, clicks, leads, purchases, revenue and ROI per platform,
direction, creative and day, in the tenant's reporting currency.

Sources:

- spend, impressions, clicks and the platform-counted leads: the creative metrics history
  (``CreativeMetricDay``), one row per ad and day as the collectors stored it;
- stored leads: ``tiktok_ads.selectors.leads_for_attribution`` (counted per ad, direction, day);
- purchases and their values: purchase events of ``conversions.selectors.purchase_events``;
- TikTok Shop GMV: ``shop_sync.selectors.shop_gmv_per_day``, the platform-level shop line of the
  TikTok tab (orders carry no ad or creative, so it is never spread over creatives).

Attribution: a purchase goes to the stored lead with the same ttclid, else to the lead with the
same hashed email, else the same hashed phone (the most recent such lead received on or before the
purchase's day, among leads of the last ``ATTRIBUTION_LOOKBACK_DAYS`` days); the lead's ad is the
creative (``ad_id`` = the metrics' ``creative_key``), its direction the lead's (or the ad's).
A purchase matched to no lead is unattributed revenue: shown on its own, outside every ROI.

Money: every amount converts at the tenant's dated FX rate of its own day
(``core.selectors.FxConverter``). An amount whose currency has no rate is not converted: it is
kept per currency (``Money.unconverted``), shown natively, and the ROI it would change is left
empty. Arithmetic is ``Decimal`` throughout.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q

from autopilot.models import BrainRun, CreativeMetricDay, Platform
from conversions.selectors import purchase_events
from core.models import Tenant
from core.selectors import FxConverter
from shop_sync.selectors import shop_gmv_per_day
from tiktok_ads.selectors import ad_account_currency, ad_accounts_for_tenant, creatives_for_tenant, directions_list, leads_for_attribution

__all__ = [
    "ATTRIBUTION_LOOKBACK_DAYS",
    "GROUPS",
    "UI_PLATFORMS",
    "Money",
    "RoiReport",
    "RoiRow",
    "brain_runs_recent",
    "db_platform",
    "roi_report",
    "ui_platform",
]

ZERO = Decimal(0)
ATTRIBUTION_LOOKBACK_DAYS = 90
GROUPS = ("direction", "creative", "day")
# The UI's tabs (instagram | tiktok) and the stored platforms (facebook | tiktok).
UI_PLATFORMS = {"instagram": Platform.FACEBOOK, "tiktok": Platform.TIKTOK}
_ANY_PLATFORM = {**UI_PLATFORMS, "facebook": Platform.FACEBOOK}
# What the legacy Facebook collector stored its spend in when a row names no currency.
FACEBOOK_DEFAULT_CURRENCY = "USD"


def db_platform(value: str | None, *, default: str = "tiktok") -> str:
    """``instagram`` / ``facebook`` → facebook, ``tiktok`` → tiktok; raises ValueError on anything else."""
    key = (value or default).strip().lower()
    if key not in _ANY_PLATFORM:
        raise ValueError("platform must be instagram, tiktok or facebook.")
    return str(_ANY_PLATFORM[key])


def ui_platform(stored: str | None) -> str:
    """The tab a stored platform shows on (legacy empty → facebook → instagram)."""
    return "tiktok" if stored == Platform.TIKTOK else "instagram"


def _platform_filter(platform: str) -> Q:
    # Legacy rows without a platform are Facebook's.
    return Q(platform__in=(Platform.FACEBOOK, "")) if platform == Platform.FACEBOOK else Q(platform=platform)


@dataclass
class Money:
    """An amount in the reporting currency, plus what could not be converted (per currency, native)."""

    value: Decimal = ZERO
    unconverted: dict[str, Decimal] = field(default_factory=dict)

    def add(self, amount, currency: str, day: date, fx: FxConverter) -> None:
        if not amount:
            return
        converted = fx.convert(amount, currency, day)
        if converted is None:
            self.unconverted[currency] = self.unconverted.get(currency, ZERO) + Decimal(amount)
        else:
            self.value += converted

    @property
    def complete(self) -> bool:
        return not self.unconverted

    @property
    def unconverted_items(self) -> list[tuple[str, Decimal]]:
        return sorted(self.unconverted.items())


@dataclass
class RoiRow:
    key: str
    label: str
    spend: Money = field(default_factory=Money)
    revenue: Money = field(default_factory=Money)
    impressions: int = 0
    clicks: int = 0
    leads: int = 0  # as the platform counted them
    stored_leads: int = 0  # leads stored in this product
    purchases: int = 0

    @property
    def spend_value(self) -> Decimal:
        return self.spend.value

    @property
    def revenue_value(self) -> Decimal:
        return self.revenue.value

    @property
    def cpl(self) -> Decimal | None:
        return self.spend.value / self.leads if self.leads and self.spend.complete else None

    @property
    def roi(self) -> Decimal | None:
        """(revenue − spend) / spend; empty without spend or with an amount that has no rate."""
        if not self.spend.value or not (self.spend.complete and self.revenue.complete):
            return None
        return (self.revenue.value - self.spend.value) / self.spend.value

    @property
    def roi_pct(self) -> Decimal | None:
        roi = self.roi
        return None if roi is None else roi * 100

    @property
    def ctr(self) -> Decimal | None:
        return Decimal(self.clicks) * 100 / self.impressions if self.impressions else None


@dataclass
class RoiReport:
    platform: str  # stored: facebook | tiktok
    currency: str  # the tenant's reporting currency
    start: date
    end: date
    totals: RoiRow
    by_day: list[RoiRow]
    by_direction: list[RoiRow]
    by_creative: list[RoiRow]
    unattributed: Money
    unattributed_purchases: int
    shop_revenue: Money | None  # TikTok tab only
    shop_orders: int
    shop_by_day: dict[date, Money]
    missing_rates: list[str]

    @property
    def ui_platform(self) -> str:
        return ui_platform(self.platform)

    def rows(self, group_by: str) -> list[RoiRow]:
        return {"direction": self.by_direction, "creative": self.by_creative, "day": self.by_day}[group_by]


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=offset) for offset in range((end - start).days + 1)]


def roi_report(tenant: Tenant, *, platform: str, start: date, end: date, ad_account_id: int | None = None) -> RoiReport:
    """ROI of one stored platform (``facebook`` includes legacy rows without one) over
    ``start``..``end`` inclusive, optionally one ad account's. See the module's docstring."""
    fx = FxConverter(tenant)
    accounts = {account.pk: account for account in ad_accounts_for_tenant(tenant)}
    totals = RoiRow("total", "Total")
    by_day = {day: RoiRow(day.isoformat(), day.isoformat()) for day in _days(start, end)}
    directions: dict[str, RoiRow] = {}
    creatives: dict[str, RoiRow] = {}

    metrics = CreativeMetricDay.objects.for_tenant(tenant).filter(_platform_filter(platform), day__range=(start, end))
    if ad_account_id is not None:
        metrics = metrics.filter(ad_account_id=ad_account_id)
    metric_rows = list(
        metrics.order_by("day", "creative_key").values_list(
            "day",
            "creative_key",
            "creative_id",
            "direction_id",
            "ad_account_id",
            "ad_name",
            "currency",
            "spend",
            "impressions",
            "clicks",
            "leads",
        )
    )

    purchases = purchase_events(tenant, start=start, end=end)
    leads = leads_for_attribution(
        tenant, start=start - timedelta(days=ATTRIBUTION_LOOKBACK_DAYS), end=end, ttclids={purchase.ttclid for purchase in purchases}
    )

    # What each ad (creative_key) is: its creative and direction, from any day of its history.
    ad_ids = {row[1] for row in metric_rows} | {lead.ad_id for lead in leads if lead.ad_id}
    ads: dict[str, tuple[int | None, int | None, str]] = {}
    for key, creative_id, direction_id, ad_name in (
        CreativeMetricDay.objects.for_tenant(tenant)
        .filter(creative_key__in=list(ad_ids))
        .order_by("creative_key", "-day")
        .values_list("creative_key", "creative_id", "direction_id", "ad_name")
    ):
        ads.setdefault(key, (creative_id, direction_id, ad_name))
    direction_ids = {row[3] for row in metric_rows} | {lead.direction_id for lead in leads} | {value[1] for value in ads.values()}
    creative_ids = {value[0] for value in ads.values()}
    direction_names = dict(directions_list(tenant).filter(pk__in=[pk for pk in direction_ids if pk]).values_list("pk", "name"))
    creative_titles = dict(creatives_for_tenant(tenant).filter(pk__in=[pk for pk in creative_ids if pk]).values_list("pk", "title"))

    def direction_row(direction_id: int | None) -> RoiRow:
        key = f"direction:{direction_id}" if direction_id else "direction:none"
        if key not in directions:
            label = direction_names.get(direction_id, f"Direction {direction_id}") if direction_id else "No direction"
            directions[key] = RoiRow(key, label)
        return directions[key]

    def creative_row(ad_id: str) -> RoiRow:
        creative_id, _, ad_name = ads.get(ad_id, (None, None, ""))
        key = f"creative:{creative_id}" if creative_id else f"ad:{ad_id}"
        if key not in creatives:
            label = creative_titles.get(creative_id) if creative_id else None
            creatives[key] = RoiRow(key, label or ad_name or f"Ad {ad_id}")
        return creatives[key]

    for day, key, _creative_id, direction_id, account_id, _ad_name, currency, spend, impressions, clicks, platform_leads in metric_rows:
        if not currency:
            account = accounts.get(account_id)
            currency = ad_account_currency(account) if (account and platform == Platform.TIKTOK) else FACEBOOK_DEFAULT_CURRENCY
        for row in (totals, by_day[day], direction_row(direction_id), creative_row(key)):
            row.spend.add(spend, currency.upper(), day, fx)
            row.impressions += impressions
            row.clicks += clicks
            row.leads += platform_leads

    def lead_counts(lead) -> bool:
        stored = Platform.FACEBOOK if lead.platform in (Platform.FACEBOOK, "") else lead.platform
        return stored == platform and (ad_account_id is None or lead.ad_account_id == ad_account_id)

    def lead_direction(lead) -> int | None:
        return lead.direction_id or (ads.get(lead.ad_id, (None, None, ""))[1] if lead.ad_id else None)

    for lead in leads:
        if start <= lead.day <= end and lead_counts(lead):
            rows = [totals, by_day[lead.day], direction_row(lead_direction(lead))]
            if lead.ad_id:
                rows.append(creative_row(lead.ad_id))
            for row in rows:
                row.stored_leads += 1

    # Purchase → lead: same ttclid, else same hashed email, else same hashed phone; the latest
    # such lead received on or before the purchase's day.
    by_click: dict[str, list] = defaultdict(list)
    by_email: dict[str, list] = defaultdict(list)
    by_phone: dict[str, list] = defaultdict(list)
    for lead in leads:  # oldest first, so each list ends with the latest lead
        if lead.ttclid:
            by_click[lead.ttclid].append(lead)
        if lead.email_hash:
            by_email[lead.email_hash].append(lead)
        if lead.phone_hash:
            by_phone[lead.phone_hash].append(lead)

    def attributed_lead(purchase):
        for index, value in ((by_click, purchase.ttclid), (by_email, purchase.email_hash), (by_phone, purchase.phone_hash)):
            candidates = [lead for lead in index.get(value, ()) if lead.day <= purchase.day] if value else []
            if candidates:
                return candidates[-1]
        return None

    unattributed = Money()
    unattributed_purchases = 0
    for purchase in purchases:
        currency = purchase.currency or fx.currency
        lead = attributed_lead(purchase)
        if lead is None:
            unattributed.add(purchase.value, currency, purchase.day, fx)
            unattributed_purchases += 1
            continue
        if not lead_counts(lead):
            continue  # the other tab's (or another account's) purchase
        rows = [totals, by_day[purchase.day], direction_row(lead_direction(lead))]
        if lead.ad_id:
            rows.append(creative_row(lead.ad_id))
        for row in rows:
            row.revenue.add(purchase.value, currency, purchase.day, fx)
            row.purchases += 1

    shop_revenue = None
    shop_orders = 0
    shop_by_day: dict[date, Money] = {}
    if platform == Platform.TIKTOK:
        shop_revenue = Money()
        for figure in shop_gmv_per_day(tenant, start=start, end=end):
            shop_revenue.add(figure.gmv, figure.currency.upper(), figure.day, fx)
            shop_by_day.setdefault(figure.day, Money()).add(figure.gmv, figure.currency.upper(), figure.day, fx)
            shop_orders += figure.orders

    def ordered(rows: dict[str, RoiRow]) -> list[RoiRow]:
        return sorted(rows.values(), key=lambda row: (-row.spend.value, row.label, row.key))

    return RoiReport(
        platform=platform,
        currency=fx.currency,
        start=start,
        end=end,
        totals=totals,
        by_day=list(by_day.values()),
        by_direction=ordered(directions),
        by_creative=ordered(creatives),
        unattributed=unattributed,
        unattributed_purchases=unattributed_purchases,
        shop_revenue=shop_revenue,
        shop_orders=shop_orders,
        shop_by_day=shop_by_day,
        missing_rates=sorted(fx.missing),
    )


def brain_runs_recent(tenant: Tenant, *, platform: str, limit: int = 5) -> list[BrainRun]:
    """The latest brain runs of one stored platform, newest first."""
    return list(
        BrainRun.objects.for_tenant(tenant)
        .filter(_platform_filter(platform))
        .select_related("ad_account")
        .order_by("-created_at", "-id")[:limit]
    )
