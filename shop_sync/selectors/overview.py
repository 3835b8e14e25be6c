"""What the platform asks of the shop app: global-search hits, the business overview's figures,
freshness and onboarding steps. A few queries each, whatever the number of shops."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from core.formatting import label_text, money
from core.models import SyncRun, Tenant
from core.registry import ChecklistStep, DailyFigure, Freshness, Overview, SearchResult
from shop_sync.models import DailyRollup, Order, Product, ShopSyncState
from shop_sync.selectors.shops import ORDER_LIST_DEFERRED, shops_for_tenant
from shop_sync.selectors.syncs import SYNC_KINDS, shop_target


def search_hits(tenant: Tenant, query: str, *, limit: int) -> list[SearchResult]:
    """Orders whose id is ``query`` or starts with it (the exact one first), then products by id
    or by a part of their name."""
    query = query.strip()
    if not query:
        return []
    hits: list[SearchResult] = []
    if query.isdigit():
        orders = (
            Order.objects.for_tenant(tenant)
            .filter(order_id__startswith=query)
            .select_related("shop")
            .defer(*ORDER_LIST_DEFERRED)
            .order_by("-create_time", "-id")[:limit]
        )
        orders = sorted(orders, key=lambda order: order.order_id != query)  # stable: newest first otherwise
        hits += [
            SearchResult(
                "Order",
                order.order_id,
                reverse("shop_sync:order-detail", args=[order.pk]),
                f"{order.shop.name} · {label_text(order.status, 'order_status')} · {money(order.total_amount, order.currency)}",
            )
            for order in orders
        ]
    products = Product.objects.for_tenant(tenant).select_related("shop").only("product_id", "title", "brand", "shop__name")
    match = Q(product_id=query) if query.isdigit() else Q(title__icontains=query)
    seen: set[str] = set()
    for product in products.filter(match).order_by("title", "product_id")[: max(limit - len(hits), 0) * 2]:
        if product.product_id in seen or len(hits) >= limit:
            continue
        seen.add(product.product_id)
        detail = " · ".join(part for part in (product.brand, product.shop.name, product.product_id) if part)
        hits.append(SearchResult("Product", product.title, reverse("shop_sync:product-detail", args=[product.product_id]), detail))
    return hits[:limit]


def shop_overview(tenant: Tenant, date_range) -> Overview | None:
    """Per shop and day (in the shop's zone, as TikTok Shop counts days): GMV and orders over the
    range and its comparison span; when each shop last synced; the two onboarding steps."""
    shops = list(shops_for_tenant(tenant).only("pk", "name", "currency", "shop_id"))
    sync_url = reverse("shop_sync:sync")
    if not shops:
        return Overview(checklist=_checklist(connected=False, synced=False, url=sync_url))
    names = {shop.pk: shop.name for shop in shops}
    spans = Q(day__range=(date_range.start, date_range.end))
    if date_range.compare_start is not None:
        spans |= Q(day__range=(date_range.compare_start, date_range.compare_end))
    rollups = (
        DailyRollup.objects.for_tenant(tenant)
        .filter(spans, brand="", shop_id__in=list(names))
        .order_by("day", "shop_id")
        .values_list("day", "shop_id", "currency", "gmv", "orders")
    )
    figures = [
        DailyFigure(day=day, source=names[shop_id], currency=currency, gmv=gmv, orders=orders)
        for day, shop_id, currency, gmv, orders in rollups
    ]

    states = {state.shop_id: state for state in ShopSyncState.objects.for_tenant(tenant).filter(shop_id__in=list(names))}
    targets = {shop_target(shop): shop.pk for shop in shops}
    running = {
        targets[target]
        for target in SyncRun.objects.for_tenant(tenant)
        .filter(kind__in=SYNC_KINDS, target__in=list(targets), state__in=("pending", "running"))
        .values_list("target", flat=True)
    }
    freshness = [
        Freshness(f"{shop.name} orders", _last_synced(states.get(shop.pk)), sync_url, running=shop.pk in running) for shop in shops
    ]
    synced = any(state.last_full_sync_at for state in states.values())
    return Overview(figures=figures, freshness=freshness, checklist=_checklist(connected=True, synced=synced, url=sync_url))


def _last_synced(state: ShopSyncState | None):
    if state is None:
        return None
    moments = [moment for moment in (state.last_full_sync_at, state.last_incremental_sync_at) if moment]
    return max(moments) if moments else None


def _checklist(*, connected: bool, synced: bool, url: str) -> list[ChecklistStep]:
    return [
        ChecklistStep(1, "Connect a TikTok Shop", connected, url),
        ChecklistStep(2, "First order sync (starts by itself after connecting)", synced, url),
    ]


def shop_gmv_per_day(tenant: Tenant, *, start, end) -> list[DailyFigure]:
    """Every shop's GMV and orders per day in ``start``..``end`` (shop-local days, as TikTok Shop
    counts them), each in the shop's currency: the platform-level shop revenue line of ROI."""
    names = dict(shops_for_tenant(tenant).values_list("pk", "name"))
    if not names:
        return []
    rollups = (
        DailyRollup.objects.for_tenant(tenant)
        .filter(day__range=(start, end), brand="", shop_id__in=list(names))
        .order_by("day", "shop_id")
        .values_list("day", "shop_id", "currency", "gmv", "orders")
    )
    return [DailyFigure(day=day, source=names[shop_id], currency=currency, gmv=gmv, orders=orders) for day, shop_id, currency, gmv, orders in rollups]
