"""The tenant's brand dictionary: adding, editing and deleting rules, and re-applying them.

Brands are stored at sync time (each line's ``brand``, the order's ``brands``, the product's
``brand`` and the daily brand rollups), so a dictionary change re-applies the matcher to the
stored product names and rebuilds the rollups of the days whose lines changed brand.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models.functions import TruncDate

from core.exceptions import ApplicationError
from core.models import Tenant
from core.timezones import zone_or_utc
from shop_sync.brands import BRAND_MAX_LENGTH, OTHER_BRAND, BrandMatcher
from shop_sync.errors import ShopSyncError
from shop_sync.models import Brand, Order, OrderLine, Product, ShopConnection
from shop_sync.services.common import _SHOP_WRITE_LOCK, _zone_name
from shop_sync.services.rollups import daily_rollups_recompute

_UPDATE_CHUNK = 500


@dataclass(frozen=True)
class BrandsReapplied:
    lines: int
    orders: int
    products: int
    days: int


def _clean_keywords(keywords) -> list[str]:
    seen, cleaned = set(), []
    for keyword in keywords or []:
        keyword = str(keyword).strip()[:BRAND_MAX_LENGTH]
        if keyword and keyword.casefold() not in seen:
            seen.add(keyword.casefold())
            cleaned.append(keyword)
    return cleaned


def brand_rule_save(*, tenant: Tenant, name: str, keywords=(), is_active: bool = True, rule: Brand | None = None) -> tuple[Brand, BrandsReapplied]:
    """Add a rule (``rule`` None) or change one, then re-apply the dictionary. A name another
    rule of the tenant has (in any case) is refused, naming the field."""
    name = (name or "").strip()[:BRAND_MAX_LENGTH]
    if not name or name.casefold() == OTHER_BRAND.casefold():
        raise ApplicationError("Give the brand a name (not “Other”).", code=ShopSyncError.INVALID_BRAND_RULE, extra={"fields": {"name": ["Enter a brand name."]}})
    clash = Brand.objects.for_tenant(tenant).filter(name__iexact=name)
    if rule is not None:
        clash = clash.exclude(pk=rule.pk)
    if clash.exists():
        message = f"There is already a rule for “{name}”."
        raise ApplicationError(message, code=ShopSyncError.INVALID_BRAND_RULE, extra={"fields": {"name": [message]}})
    with transaction.atomic():
        if rule is None:
            rule = Brand.objects.for_tenant(tenant).create(tenant=tenant, name=name, keywords=_clean_keywords(keywords), is_active=is_active)
        else:
            rule.name, rule.keywords, rule.is_active = name, _clean_keywords(keywords), is_active
            rule.save(update_fields=["name", "keywords", "is_active"])
        return rule, brands_reapply(tenant=tenant)


def brand_rule_delete(*, rule: Brand) -> BrandsReapplied:
    tenant = rule.tenant
    with transaction.atomic():
        rule.delete()
        return brands_reapply(tenant=tenant)


def brands_reapply(*, tenant: Tenant) -> BrandsReapplied:
    """Re-match every stored product name against the tenant's dictionary and rewrite what
    changed: line brands, order brand lists, product brands and the affected days' rollups.
    Holds each shop's write lock, so no sync page is written meanwhile."""
    matcher = BrandMatcher.for_tenant(tenant)
    lines = OrderLine.objects.for_tenant(tenant)
    with transaction.atomic():
        shops = list(ShopConnection.objects.for_tenant(tenant).order_by("pk"))
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for shop in shops:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_SHOP_WRITE_LOCK, shop.pk % 2**31])
        moves: dict[tuple[str, str], list[str]] = defaultdict(list)  # (old, new) -> product names
        for name, brand in lines.order_by().values_list("product_name", "brand").distinct():
            new = (matcher.brand_for(name)[:BRAND_MAX_LENGTH] if name else OTHER_BRAND) or OTHER_BRAND
            if new != brand:
                moves[(brand, new)].append(name)
        changed_orders: set[int] = set()
        changed_lines = 0
        for (old, new), names in moves.items():
            for start in range(0, len(names), _UPDATE_CHUNK):
                chunk = lines.filter(brand=old, product_name__in=names[start : start + _UPDATE_CHUNK])
                changed_orders.update(chunk.values_list("order_id", flat=True))
                changed_lines += chunk.update(brand=new)

        days_by_shop: dict[int, set] = defaultdict(set)
        orders_updated = 0
        by_pk = {shop.pk: shop for shop in shops}
        ids = sorted(changed_orders)
        for start in range(0, len(ids), _UPDATE_CHUNK):
            chunk = ids[start : start + _UPDATE_CHUNK]
            brands: dict[int, set[str]] = defaultdict(set)
            for order_id, brand in lines.filter(order_id__in=chunk).values_list("order_id", "brand"):
                brands[order_id].add(brand)
            orders = list(Order.objects.for_tenant(tenant).filter(pk__in=chunk).only("pk", "shop_id", "create_time", "brands"))
            for order in orders:
                order.brands = ",".join(sorted(brands[order.pk]))[:300]
            orders_updated += Order.objects.for_tenant(tenant).bulk_update(orders, ["brands"])
            for shop_id in {order.shop_id for order in orders}:
                zone = _zone_name(by_pk[shop_id])
                days_by_shop[shop_id].update(
                    Order.objects.for_tenant(tenant)
                    .filter(pk__in=chunk, shop_id=shop_id)
                    .annotate(local_day=TruncDate("create_time", tzinfo=zone_or_utc(zone)))
                    .values_list("local_day", flat=True)
                )
        for shop_id, days in days_by_shop.items():
            daily_rollups_recompute(shop=by_pk[shop_id], days=days)

        products = list(Product.objects.for_tenant(tenant).only("pk", "title", "brand"))
        stale = []
        for product in products:
            new = matcher.brand_for(product.title)[:BRAND_MAX_LENGTH] if product.title else OTHER_BRAND
            if new != product.brand:
                product.brand = new
                stale.append(product)
        Product.objects.for_tenant(tenant).bulk_update(stale, ["brand"], batch_size=_UPDATE_CHUNK)
    return BrandsReapplied(lines=changed_lines, orders=orders_updated, products=len(stale), days=sum(len(d) for d in days_by_shop.values()))
