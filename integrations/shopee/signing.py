"""Shopee Open Platform v2 request signatures (reference §1.2).

The sign is the lowercase hex HMAC-SHA256, keyed by the partner key, of the parts joined with
nothing between them: ``{partner_id}{path}{timestamp}`` for Public APIs, followed by
``{access_token}{id}`` for the others, where the id is the one the API type names (``shop_id``,
``user_id`` for every livestream API, ``principal_id``, ``merchant_id``).
"""

from __future__ import annotations

import hashlib
import hmac
from enum import StrEnum


class ApiType(StrEnum):
    PUBLIC = "public"
    SHOP = "shop"
    MERCHANT = "merchant"
    USER = "user"
    PRINCIPAL = "principal"


# The query parameter carrying the id each API type signs with.
ID_PARAM = {
    ApiType.SHOP: "shop_id",
    ApiType.MERCHANT: "merchant_id",
    ApiType.USER: "user_id",
    ApiType.PRINCIPAL: "principal_id",
}

PUBLIC_PREFIXES = ("/api/v2/auth/", "/api/v2/public/", "/api/v2/shop/auth_partner", "/api/v2/shop/cancel_auth_partner")


def api_type_for(path: str) -> ApiType:
    """The API type of a bare ``/api/v2/...`` path: livestream APIs are User-type, principal
    APIs Principal-type, auth and public ones Public; anything else is Shop-type."""
    if path.startswith(PUBLIC_PREFIXES):
        return ApiType.PUBLIC
    if path.startswith("/api/v2/livestream/"):
        return ApiType.USER
    if path.startswith("/api/v2/principal/"):
        return ApiType.PRINCIPAL
    if path.startswith("/api/v2/merchant/"):
        return ApiType.MERCHANT
    return ApiType.SHOP


def base_string(*, partner_id: int | str, path: str, timestamp: int | str, access_token: str = "", owner_id: int | str = "") -> str:
    """The string the sign covers; ``access_token`` and ``owner_id`` are empty for Public APIs."""
    return f"{partner_id}{path}{timestamp}{access_token}{owner_id}"


def shopee_sign(
    *, partner_key: str, partner_id: int | str, path: str, timestamp: int | str, access_token: str = "", owner_id: int | str = ""
) -> str:
    message = base_string(partner_id=partner_id, path=path, timestamp=timestamp, access_token=access_token, owner_id=owner_id)
    return hmac.new(partner_key.encode(), message.encode(), hashlib.sha256).hexdigest()
