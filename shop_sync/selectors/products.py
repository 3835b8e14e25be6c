"""Products and SKUs ranked by GMV or units in a period, the catalogue, and one product's analytics."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Max, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncDate

from core.exceptions import NotFound
from core.models import Tenant
from core.money import money_quantize
from shop_sync.errors import ShopSyncError
from shop_sync.models import OrderLine, Product, ShopConnection, Sku
from shop_sync.selectors.common import CANCELLED, ZERO, Period, _ratio, zone
from shop_sync.selectors.orders import OrderFilters, orders_filtered
from shop_sync.selectors.shops import SHOP_SECRETS

# --- Products -----------------------------------------------------------------------------


# GMV ranks within a currency (MYR and IDR amounts don't compare); units compare across shops.
PRODUCT_ORDERINGS = {"gmv": ("currency", "-gmv", "-units", "product_id"), "units": ("-units", "currency", "-gmv", "product_id")}


def _lines_in_period(tenant: Tenant, *, shop: ShopConnection | None, period: Period) -> QuerySet[OrderLine]:
    """Lines sold in the period: lines of orders created in it and not cancelled."""
    filters = OrderFilters(shop=shop, date_from=period.start, date_to=period.end)
    sold = orders_filtered(tenant, filters).exclude(status=CANCELLED)
    return OrderLine.objects.for_tenant(tenant).filter(order__in=sold.values("pk"))


def products_ranking(
    tenant: Tenant, *, period: Period, shop: ShopConnection | None = None, order_by: str = "gmv", brand: str = "", currency: str = ""
):
    """Products ranked by GMV or units sold in the period (units = line items, one per unit),
    per currency. Rows: product_id, product_name, brand, currency, units, orders, gmv."""
    lines = _lines_in_period(tenant, shop=shop, period=period)
    if brand:
        lines = lines.filter(brand=brand)
    if currency:
        lines = lines.filter(currency=currency)
    return (
        lines.order_by()
        .values("product_id", "currency")
        .annotate(
            product_name=Max("product_name"),
            brand=Max("brand"),
            units=Count("id"),
            orders=Count("order_id", distinct=True),
            gmv=Sum("sale_price"),
        )
        .order_by(*PRODUCT_ORDERINGS[order_by])
    )


def skus_ranking(
    tenant: Tenant, *, period: Period, shop: ShopConnection | None = None, product_id: str = "", order_by: str = "gmv", currency: str = ""
):
    """SKU level: the same figures per SKU. Rows: product_id, sku_id, seller_sku, sku_name,
    product_name, currency, units, orders, gmv."""
    lines = _lines_in_period(tenant, shop=shop, period=period)
    if product_id:
        lines = lines.filter(product_id=product_id)
    if currency:
        lines = lines.filter(currency=currency)
    ordering = tuple(column.replace("product_id", "sku_id") for column in PRODUCT_ORDERINGS[order_by])
    return (
        lines.order_by()
        .values("product_id", "sku_id", "currency")
        .annotate(
            seller_sku=Max("seller_sku"),
            sku_name=Max("sku_name"),
            product_name=Max("product_name"),
            units=Count("id"),
            orders=Count("order_id", distinct=True),
            gmv=Sum("sale_price"),
        )
        .order_by(*ordering)
    )


def products_stock(tenant: Tenant, *, period: Period, shop: ShopConnection | None = None) -> list[dict]:
    """The catalogue with its stock against the period's sales, for spotting slow movers: per
    product (of each shop) its SKUs' inventory, units sold in the period and days of cover at that pace (None
    when nothing sold). Two grouped queries."""
    products = Product.objects.for_tenant(tenant)
    if shop:
        products = products.filter(shop=shop)
    catalogue = products.order_by().values("product_id", "title", "status", "brand", "shop__name", "shop_id").annotate(inventory=Coalesce(Sum("skus__inventory_quantity"), 0))
    sold = dict(
        ((shop_id, product_id), n)
        for shop_id, product_id, n in _lines_in_period(tenant, shop=shop, period=period)
        .order_by()
        .values_list("order__shop_id", "product_id")
        .annotate(n=Count("id"))
    )
    rows = []
    for row in catalogue:
        units = sold.get((row["shop_id"], row["product_id"]), 0)
        cover = round(row["inventory"] * period.days / units) if units else None
        rows.append({**row, "units": units, "days_of_cover": cover})
    return rows


def products_catalog(tenant: Tenant, *, product_ids) -> dict[str, Product]:
    """Catalog rows (title, status, brand) of the given product ids, in one query."""
    return {
        p.product_id: p for p in Product.objects.for_tenant(tenant).filter(product_id__in=list(product_ids)).order_by("product_id", "pk")
    }


@dataclass
class ProductAnalytics:
    product_id: str
    product_name: str
    brand: str
    catalog: Product | None
    period: Period
    totals: list[dict]  # per currency: units, orders, gmv, average_unit_price
    previous_totals: list[dict]
    skus: list[dict]
    daily: list[dict] = field(default_factory=list)  # per day and currency: units, gmv
    catalog_skus: list[Sku] = field(default_factory=list)


def product_analytics(tenant: Tenant, *, product_id: str, period: Period, shop: ShopConnection | None = None) -> ProductAnalytics:
    """One product over the period: totals against the previous period, SKUs and a daily series
    (days in the shop's time zone)."""
    catalog = (
        Product.objects.for_tenant(tenant)
        .select_related("shop")
        .defer("raw", *(f"shop__{name}" for name in SHOP_SECRETS))
        .filter(product_id=product_id)
        .order_by("pk")
        .first()
    )
    any_line = OrderLine.objects.for_tenant(tenant).filter(product_id=product_id).values("product_name", "brand").first()
    if catalog is None and any_line is None:
        raise NotFound("No such product in this tenant.", code=ShopSyncError.PRODUCT_NOT_FOUND)

    def totals(p: Period) -> list[dict]:
        rows = (
            _lines_in_period(tenant, shop=shop, period=p)
            .filter(product_id=product_id)
            .order_by()
            .values("currency")
            .annotate(units=Count("id"), orders=Count("order_id", distinct=True), gmv=Sum("sale_price"))
            .order_by("currency")
        )
        return [{**row, "gmv": money_quantize(row["gmv"]), "average_unit_price": _ratio(row["gmv"] or ZERO, row["units"])} for row in rows]

    zone_name = shop.time_zone if shop else (catalog.shop.time_zone if catalog else tenant.time_zone)
    daily_rows = (
        _lines_in_period(tenant, shop=shop, period=period)
        .filter(product_id=product_id)
        .annotate(day=TruncDate("order__create_time", tzinfo=zone(zone_name)))
        .order_by()
        .values("day", "currency")
        .annotate(units=Count("id"), gmv=Sum("sale_price"))
        .order_by("day", "currency")
    )
    return ProductAnalytics(
        product_id=product_id,
        product_name=catalog.title if catalog else any_line["product_name"],
        brand=(catalog.brand if catalog else "") or (any_line or {}).get("brand", ""),
        catalog=catalog,
        period=period,
        totals=totals(period),
        previous_totals=totals(period.previous),
        skus=[{**row, "gmv": money_quantize(row["gmv"])} for row in skus_ranking(tenant, period=period, shop=shop, product_id=product_id)],
        daily=[{**row, "gmv": money_quantize(row["gmv"])} for row in daily_rows],
        catalog_skus=list(Sku.objects.for_tenant(tenant).filter(product=catalog).order_by("seller_sku", "sku_id")) if catalog else [],
    )


def products_unsold_with_stock(tenant: Tenant, *, since) -> list[dict]:
    """Slow movers: products with stock (their SKUs' inventory above zero) and no line in an order
    created since ``since`` (a datetime) that was not cancelled. Oldest-listed first."""
    sold = (
        OrderLine.objects.for_tenant(tenant)
        .filter(order__create_time__gte=since)
        .exclude(order__status=CANCELLED)
        .values_list("order__shop_id", "product_id")
        .distinct()
    )
    sold_keys = set(sold)
    catalogue = (
        Product.objects.for_tenant(tenant)
        .order_by()
        .values("product_id", "title", "shop_id", "shop__name")
        .annotate(inventory=Coalesce(Sum("skus__inventory_quantity"), 0))
        .filter(inventory__gt=0)
        .order_by("shop__name", "product_id")
    )
    return [row for row in catalogue if (row["shop_id"], row["product_id"]) not in sold_keys]
