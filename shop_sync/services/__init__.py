"""Writes for TikTok Shop: connecting shops (OAuth, tokens), order syncs, webhooks and rollups.

Full sync: the shop's history is split into create-time windows of about ``WINDOW_TARGET_ORDERS``
orders, one ``SyncRunPart`` (and one Celery task on the ``sync`` queue) per window. Each page of
100 orders is written together with the window's next ``page_token`` in one transaction
(``core.services.sync_page_commit``), so a killed worker resumes at the page it lost and never
writes one twice. An order is only replaced by an equal-or-newer ``update_time`` with different
content; its lines are replaced with it.

On PostgreSQL a page is COPYed into a temporary staging table; one statement inserts the orders
the shop doesn't have yet (``ON CONFLICT DO NOTHING``), and only when some were stored already a
second one replaces those by the rule (``ON CONFLICT DO UPDATE ... WHERE``); both move the shop's
``DailyStatusRollup`` rows in the same statement. Lines of the orders actually written are
deleted and COPYed in. Other databases use ``bulk_create`` with the same rule applied in Python
and recompute the status rollups of the touched days.

Incremental sync: ``update_time >= watermark - 5 minutes``, sorted by update time, the same write
path; the watermark moves only when the run succeeds, and only touched days are re-rolled-up.

The package is split by concern; every public name is re-exported here, so callers import from
``shop_sync.services`` as before:

- ``oauth``: connecting shops (OAuth) and keeping their tokens fresh;
- ``sync``: starting full and incremental order syncs, working their parts, finishing runs;
- ``order_write``: the write path of a page of orders (parsing, COPY/upsert, lines);
- ``rollups``: the daily status rollups and the daily (shop and brand) rollups;
- ``webhooks``: platform pushes and refreshing single orders;
- ``products``: the product and SKU catalogue;
- ``brands``: the brand dictionary's rules and re-applying them to stored lines and rollups;
- ``common``: the few helpers those share (the shop's write lock and zone, reading numbers).
"""

from core.connections import OAUTH_STATE_TTL
from core.exceptions import ApplicationError
from core.selectors import sync_run_active
from shop_sync.services.brands import BrandsReapplied, brand_rule_delete, brand_rule_save, brands_reapply
from shop_sync.services.oauth import (
    PROVIDER,
    REGION_SETTINGS,
    SHOP_NEEDS_REAUTH,
    TOKEN_REFRESH_AHEAD,
    shop_client,
    shop_credentials_renew,
    shop_oauth_complete,
    shop_oauth_start,
    shop_token_refresh,
    shop_tokens_refresh_expiring,
)
from shop_sync.services.order_write import LINE_MONEY_FIELDS, ORDER_MONEY_FIELDS, PageWrite, content_hash, orders_page_write
from shop_sync.services.products import products_sync
from shop_sync.services.rollups import CANCELLED, daily_rollups_recompute, order_status_rollups_rebuild
from shop_sync.services.sync import (
    ANALYZE_AFTER_ORDERS,
    KIND_FULL,
    KIND_INCREMENTAL,
    MIN_WINDOW_ORDERS,
    MIN_WINDOWS,
    WATERMARK_OVERLAP,
    WINDOW_TARGET_ORDERS,
    orders_first_syncs_start,
    orders_full_sync_start,
    orders_incremental_sync_due,
    orders_incremental_sync_start,
    orders_sync_finish,
    orders_sync_part_run,
    plan_windows,
)
from shop_sync.services.webhooks import (
    WEBHOOK_AUTHORIZATION_EXPIRING,
    WEBHOOK_DEAUTHORIZED,
    WEBHOOK_ORDER_STATUS,
    ShopWebhookResult,
    orders_refresh,
    shop_webhook_receive,
    shop_webhook_secrets,
)

__all__ = [
    "BrandsReapplied",
    "brand_rule_delete",
    "brand_rule_save",
    "brands_reapply",
    "ANALYZE_AFTER_ORDERS",
    "ApplicationError",
    "CANCELLED",
    "KIND_FULL",
    "KIND_INCREMENTAL",
    "LINE_MONEY_FIELDS",
    "MIN_WINDOWS",
    "MIN_WINDOW_ORDERS",
    "OAUTH_STATE_TTL",
    "ORDER_MONEY_FIELDS",
    "PROVIDER",
    "PageWrite",
    "REGION_SETTINGS",
    "SHOP_NEEDS_REAUTH",
    "ShopWebhookResult",
    "TOKEN_REFRESH_AHEAD",
    "WATERMARK_OVERLAP",
    "WEBHOOK_AUTHORIZATION_EXPIRING",
    "WEBHOOK_DEAUTHORIZED",
    "WEBHOOK_ORDER_STATUS",
    "WINDOW_TARGET_ORDERS",
    "content_hash",
    "daily_rollups_recompute",
    "order_status_rollups_rebuild",
    "orders_first_syncs_start",
    "orders_full_sync_start",
    "orders_incremental_sync_due",
    "orders_incremental_sync_start",
    "orders_page_write",
    "orders_refresh",
    "orders_sync_finish",
    "orders_sync_part_run",
    "plan_windows",
    "products_sync",
    "shop_client",
    "shop_credentials_renew",
    "shop_oauth_complete",
    "shop_oauth_start",
    "shop_token_refresh",
    "shop_tokens_refresh_expiring",
    "shop_webhook_receive",
    "shop_webhook_secrets",
    "sync_run_active",
]
