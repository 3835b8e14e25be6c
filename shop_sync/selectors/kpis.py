"""KPI cards, the daily trend and the brand breakdown, read from the daily rollups."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet, Sum

from core.models import Tenant
from core.money import money_quantize
from shop_sync.models import DailyRollup, ShopConnection
from shop_sync.selectors.common import ZERO, Period, _change, _ratio

# --- KPIs from daily rollups --------------------------------------------------------------


def _rollups(tenant: Tenant, *, shop: ShopConnection | None, start: date, end: date, whole_shop: bool = True) -> QuerySet[DailyRollup]:
    rollups = DailyRollup.objects.for_tenant(tenant).filter(day__gte=start, day__lte=end)
    rollups = rollups.filter(brand="") if whole_shop else rollups.exclude(brand="")
    if shop:
        rollups = rollups.filter(shop=shop)
    return rollups


@dataclass(frozen=True)
class KpiTotals:
    currency: str
    orders: int
    units: int
    gmv: Decimal
    cancelled_orders: int
    average_order_value: Decimal


def _kpi_totals(rows) -> dict[str, KpiTotals]:
    return {
        row["currency"]: KpiTotals(
            currency=row["currency"],
            orders=row["orders"],
            units=row["units"],
            gmv=money_quantize(row["gmv"]),
            cancelled_orders=row["cancelled"],
            average_order_value=_ratio(row["gmv"] or ZERO, row["orders"] - row["cancelled"]),
        )
        for row in rows
    }


@dataclass
class KpiSummary:
    period: Period
    previous_period: Period
    currencies: list[str]
    totals: dict[str, KpiTotals]  # this period, per currency
    previous_totals: dict[str, KpiTotals]
    comparison: dict[str, dict]  # per currency: orders, units, gmv, average_order_value -> _change
    trend: list[dict]  # per day: {"day", "orders", "units", "by_currency": {cur: {"orders","units","gmv"}}}
    total_orders: int
    previous_total_orders: int


def kpi_summary(tenant: Tenant, *, period: Period, shop: ShopConnection | None = None) -> KpiSummary:
    """KPI cards, the daily trend and this period against the previous equal period, all read
    from the shop-level rollups (two grouped queries)."""
    previous = period.previous
    sums = {"orders": Sum("orders"), "units": Sum("units"), "gmv": Sum("gmv"), "cancelled": Sum("cancelled_orders")}
    period_rows = (
        _rollups(tenant, shop=shop, start=previous.start, end=period.end)
        .annotate(current=ExpressionWrapper(Q(day__gte=period.start), output_field=BooleanField()))
        .order_by()
        .values("current", "currency")
        .annotate(**sums)
    )
    current_rows = [row for row in period_rows if row["current"]]
    previous_rows = [row for row in period_rows if not row["current"]]
    totals, previous_totals = _kpi_totals(current_rows), _kpi_totals(previous_rows)
    currencies = sorted(set(totals) | set(previous_totals))
    empty = KpiTotals("", 0, 0, ZERO, 0, ZERO)
    comparison = {}
    for currency in currencies:
        now, before = totals.get(currency, empty), previous_totals.get(currency, empty)
        comparison[currency] = {
            name: _change(getattr(now, name), getattr(before, name))
            for name in ("orders", "units", "gmv", "average_order_value", "cancelled_orders")
        }

    daily = (
        _rollups(tenant, shop=shop, start=period.start, end=period.end)
        .order_by()
        .values("day", "currency")
        .annotate(orders=Sum("orders"), units=Sum("units"), gmv=Sum("gmv"))
        .order_by("day", "currency")
    )
    by_day: dict[date, dict] = {
        day: {"day": day, "orders": 0, "units": 0, "by_currency": {c: {"orders": 0, "units": 0, "gmv": ZERO} for c in currencies}}
        for day in period.dates()
    }
    for row in daily:
        entry = by_day[row["day"]]
        entry["orders"] += row["orders"]
        entry["units"] += row["units"]
        entry["by_currency"][row["currency"]] = {"orders": row["orders"], "units": row["units"], "gmv": money_quantize(row["gmv"])}
    return KpiSummary(
        period=period,
        previous_period=previous,
        currencies=currencies,
        totals=totals,
        previous_totals=previous_totals,
        comparison=comparison,
        trend=list(by_day.values()),
        total_orders=sum(t.orders for t in totals.values()),
        previous_total_orders=sum(t.orders for t in previous_totals.values()),
    )


# --- Brands -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BrandRow:
    brand: str
    currency: str
    orders: int
    units: int
    gmv: Decimal
    gmv_share: float  # percent of the currency's brand GMV in the period
    previous_orders: int
    previous_gmv: Decimal
    gmv_change: dict
    orders_change: dict


def brand_breakdown(tenant: Tenant, *, period: Period, shop: ShopConnection | None = None) -> list[BrandRow]:
    """Brands in the period with their share of GMV (per currency) and the comparison with the
    previous equal period; read from the brand rollups in one grouped query."""
    rows = (
        _rollups(tenant, shop=shop, start=period.previous.start, end=period.end, whole_shop=False)
        .annotate(current=ExpressionWrapper(Q(day__gte=period.start), output_field=BooleanField()))
        .order_by()
        .values("brand", "currency", "current")
        .annotate(orders=Sum("orders"), units=Sum("units"), gmv=Sum("gmv"))
    )
    figures: dict[tuple[str, str], dict] = defaultdict(lambda: {"now": None, "before": None})
    for row in rows:
        figures[(row["brand"], row["currency"])]["now" if row["current"] else "before"] = row
    gmv_per_currency: dict[str, Decimal] = defaultdict(Decimal)
    for (_, currency), pair in figures.items():
        if pair["now"]:
            gmv_per_currency[currency] += pair["now"]["gmv"] or ZERO
    result = []
    for (brand, currency), pair in figures.items():
        now = pair["now"] or {"orders": 0, "units": 0, "gmv": ZERO}
        before = pair["before"] or {"orders": 0, "units": 0, "gmv": ZERO}
        gmv, previous_gmv = money_quantize(now["gmv"]), money_quantize(before["gmv"])
        total = gmv_per_currency[currency]
        result.append(
            BrandRow(
                brand=brand,
                currency=currency,
                orders=now["orders"],
                units=now["units"],
                gmv=gmv,
                gmv_share=float((gmv / total * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)) if total else 0.0,
                previous_orders=before["orders"],
                previous_gmv=previous_gmv,
                gmv_change=_change(gmv, previous_gmv),
                orders_change=_change(now["orders"], before["orders"]),
            )
        )
    result.sort(key=lambda row: (row.currency, -row.gmv, row.brand))
    return result


def brands_for_tenant(tenant: Tenant) -> list[str]:
    """Brand names present in the rollups, for filter choices."""
    return list(DailyRollup.objects.for_tenant(tenant).exclude(brand="").order_by("brand").values_list("brand", flat=True).distinct())
