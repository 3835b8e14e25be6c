"""TikTok Shop Partner API 202309: signing, the envelope and its codes, the Open API and token
clients. The tenant-aware wrappers are in ``shop_sync.client``."""

from integrations.tiktok_shop.client import (
    AUTHORIZED_SHOPS_PATH,
    ORDER_IDS_PER_CALL,
    ORDERS_DETAIL_PATH,
    ORDERS_SEARCH_PATH,
    PAGE_SIZE_MAX,
    PRODUCTS_SEARCH_PATH,
    TOKEN_GET_PATH,
    TOKEN_REFRESH_PATH,
    TikTokShopAuthClient,
    TikTokShopClient,
    TokenGrant,
)
from integrations.tiktok_shop.envelope import RATE_LIMIT_CODE, SERVER_ERROR_CODES, error_class_for, from_unix, raise_for_envelope
from integrations.tiktok_shop.signing import tiktok_sign, webhook_signature

__all__ = [
    "AUTHORIZED_SHOPS_PATH",
    "ORDERS_DETAIL_PATH",
    "ORDERS_SEARCH_PATH",
    "ORDER_IDS_PER_CALL",
    "PAGE_SIZE_MAX",
    "PRODUCTS_SEARCH_PATH",
    "RATE_LIMIT_CODE",
    "SERVER_ERROR_CODES",
    "TOKEN_GET_PATH",
    "TOKEN_REFRESH_PATH",
    "TikTokShopAuthClient",
    "TikTokShopClient",
    "TokenGrant",
    "error_class_for",
    "from_unix",
    "raise_for_envelope",
    "tiktok_sign",
    "webhook_signature",
]
