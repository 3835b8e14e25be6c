"""Error codes of the TikTok Shop app (shared ones are ``core.errors.CoreError``)."""

from __future__ import annotations

from enum import StrEnum


class ShopSyncError(StrEnum):
    SHOP_NOT_FOUND = "shop_not_found"
    ORDER_NOT_FOUND = "order_not_found"
    PRODUCT_NOT_FOUND = "product_not_found"
    INVALID_BRAND_RULE = "invalid_brand_rule"
    NO_SHOP = "no_shop"  # the tenant has no active shop
    SHOP_REQUIRED = "shop_required"  # several active shops: the request must name one
    SHOP_NEEDS_REAUTH = "shop_needs_reauth"
    FULL_SYNC_REQUIRED = "full_sync_required"
    NO_SHOPS = "no_shops"  # an authorization that grants no shop
    INVALID_SIGNATURE = "invalid_signature"
    MALFORMED_WEBHOOK = "malformed_webhook"
