"""Reads of TikTok Shop data for pages, the API and exports.

Every selector takes the tenant explicitly and answers with a bounded number of queries: totals
are SQL aggregates (grouped by currency, since MYR and IDR never add up), never Python loops over
orders. KPIs, trends and brands read ``DailyRollup``, so a dashboard never scans orders.

Dates given by users are days in the shop's time zone; with several shops in different zones a
day range becomes one time range per zone.

The package is split by concern; every public name is re-exported here, so callers import from
``shop_sync.selectors`` as before:

- ``common``: zones, money rounding and periods every read shares;
- ``shops``: the tenant's shops (without their tokens);
- ``orders``: order filters, the orders list, one order, the orders export;
- ``stats``: order statistics and status breakdowns (from the status rollups when they can);
- ``products``: product and SKU rankings, one product's analytics;
- ``kpis``: KPI cards, trends and brands from the daily rollups;
- ``brands``: the brand dictionary and rules suggested from unmatched product names;
- ``syncs``: the shops' sync status and history;
- ``overview``: global-search hits and the business overview's figures.
"""

from core.selectors import sync_run_progress
from shop_sync.selectors.brands import (
    SUGGESTION_MIN_PRODUCTS,
    BrandSuggestion,
    UnmatchedSummary,
    brand_rule_suggestions,
    brand_rules_for_tenant,
)
from shop_sync.selectors.common import CANCELLED, CENT, ZERO, Period, period_ending, today_for, zone
from shop_sync.selectors.kpis import BrandRow, KpiSummary, KpiTotals, brand_breakdown, brands_for_tenant, kpi_summary
from shop_sync.selectors.orders import (
    ORDER_STATUSES,
    ORDERS_PAGE_SIZE,
    OrderFilters,
    order_get,
    order_line_groups,
    order_lines,
    order_timeline,
    orders_export_rows,
    orders_filtered,
    orders_list,
)
from shop_sync.selectors.overview import search_hits, shop_gmv_per_day, shop_overview
from shop_sync.selectors.products import (
    PRODUCT_ORDERINGS,
    ProductAnalytics,
    product_analytics,
    products_catalog,
    products_ranking,
    products_stock,
    products_unsold_with_stock,
    skus_ranking,
)
from shop_sync.selectors.shops import (
    ORDER_LIST_DEFERRED,
    SHOP_SECRETS,
    shop_get,
    shop_resolve_for_sync,
    shops_for_tenant,
    shops_needing_reauth,
)
from shop_sync.selectors.stats import (
    AGGREGATE_CACHE_SECONDS,
    CurrencyTotals,
    OrderStats,
    StatusCount,
    StatusMix,
    order_stats,
    order_status_breakdown,
    order_status_mix,
    orders_version,
    status_rollups_for,
)
from shop_sync.selectors.syncs import (
    SYNC_KIND_FULL,
    SYNC_KIND_INCREMENTAL,
    SYNC_KINDS,
    ShopSyncStatus,
    shop_target,
    sync_error_explained,
    sync_history,
    sync_history_export_rows,
    sync_status,
    tenant_ids_with_synced_shops,
)

__all__ = [
    "sync_error_explained",
    "shop_gmv_per_day",
    "shop_overview",
    "search_hits",
    "order_timeline",
    "order_line_groups",
    "SUGGESTION_MIN_PRODUCTS",
    "BrandSuggestion",
    "UnmatchedSummary",
    "brand_rule_suggestions",
    "brand_rules_for_tenant",
    "AGGREGATE_CACHE_SECONDS",
    "BrandRow",
    "CANCELLED",
    "CENT",
    "CurrencyTotals",
    "KpiSummary",
    "KpiTotals",
    "ORDERS_PAGE_SIZE",
    "ORDER_LIST_DEFERRED",
    "ORDER_STATUSES",
    "OrderFilters",
    "OrderStats",
    "PRODUCT_ORDERINGS",
    "Period",
    "ProductAnalytics",
    "SHOP_SECRETS",
    "SYNC_KINDS",
    "SYNC_KIND_FULL",
    "SYNC_KIND_INCREMENTAL",
    "ShopSyncStatus",
    "StatusCount",
    "ZERO",
    "brand_breakdown",
    "brands_for_tenant",
    "kpi_summary",
    "order_get",
    "order_lines",
    "order_stats",
    "order_status_breakdown",
    "orders_export_rows",
    "orders_filtered",
    "orders_list",
    "orders_version",
    "period_ending",
    "product_analytics",
    "products_catalog",
    "products_ranking",
    "products_stock",
    "products_unsold_with_stock",
    "order_status_mix",
    "StatusMix",
    "shop_get",
    "shop_resolve_for_sync",
    "shop_target",
    "shops_for_tenant",
    "shops_needing_reauth",
    "skus_ranking",
    "status_rollups_for",
    "sync_history",
    "sync_history_export_rows",
    "sync_run_progress",
    "sync_status",
    "tenant_ids_with_synced_shops",
    "today_for",
    "zone",
]
