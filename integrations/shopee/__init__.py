"""Shopee: the Open Platform v2 (signing, envelope, the livestream and principal APIs, tokens,
the authorize URL) and the Seller Center / creator web endpoints (QR login, dashboards,
promotions, coins). The tenant-aware wrappers are in ``shopee_live.client``."""

from integrations.shopee.client import (
    ACCESS_TOKEN_LIFETIME,
    AUTH_PARTNER_PATH,
    PAGE_SIZE_MAX,
    REFRESH_TOKEN_LIFETIME,
    TOKEN_GET_PATH,
    TOKEN_REFRESH_PATH,
    ShopeeAuthClient,
    ShopeeOpenClient,
    TokenGrant,
    authorize_url,
)
from integrations.shopee.envelope import error_class_for, from_platform_time, web_error_class_for
from integrations.shopee.signing import ApiType, api_type_for, base_string, shopee_sign
from integrations.shopee.web import SESSION_COOKIE, ShopeeWebClient

__all__ = [
    "ACCESS_TOKEN_LIFETIME",
    "AUTH_PARTNER_PATH",
    "ApiType",
    "PAGE_SIZE_MAX",
    "REFRESH_TOKEN_LIFETIME",
    "SESSION_COOKIE",
    "ShopeeAuthClient",
    "ShopeeOpenClient",
    "ShopeeWebClient",
    "TOKEN_GET_PATH",
    "TOKEN_REFRESH_PATH",
    "TokenGrant",
    "api_type_for",
    "authorize_url",
    "base_string",
    "error_class_for",
    "from_platform_time",
    "shopee_sign",
    "web_error_class_for",
]
