"""Platform pushes (order status, deauthorization, expiring authorization) and refreshing single orders."""

from __future__ import annotations

import hmac
import json

from django.conf import settings
from django.db import transaction

from core.exceptions import ApplicationError
from shop_sync.client import TikTokShopClient, webhook_signature
from shop_sync.models import ConnectionStatus, ShopConnection
from shop_sync.services.oauth import shop_mark_needs_reauth
from shop_sync.services.order_write import PageWrite, orders_page_write
from shop_sync.services.rollups import daily_rollups_recompute

# --- Webhooks and single orders -------------------------------------------------------------

WEBHOOK_ORDER_STATUS = 1
WEBHOOK_DEAUTHORIZED = 6
WEBHOOK_AUTHORIZATION_EXPIRING = 7


def orders_refresh(*, shop: ShopConnection, order_ids: list[str]) -> PageWrite:
    """Fetch the named orders (``GET /order/202309/orders?ids=``) and write them; rollups of
    the days they fall on are recomputed."""
    order_ids = sorted({str(order_id) for order_id in order_ids if order_id})
    if not order_ids:
        return PageWrite()
    orders = TikTokShopClient(tenant=shop.tenant, shop=shop).orders_get(order_ids=order_ids)
    result = orders_page_write(shop=shop, orders=orders)
    if result.days:
        daily_rollups_recompute(shop=shop, days=result.days)
    return result


def shop_webhook_receive(*, body: bytes, signature: str) -> int:
    """Verify a platform push and act on it. Returns how many shop connections it concerned.

    The platform names the shop, not the tenant: the shop id is looked up across tenants on
    purpose (several tenants may have connected the same shop). Raises ``ApplicationError``
    401 ``invalid_signature`` or 400 ``malformed_webhook``.
    """
    expected = webhook_signature(app_key=settings.TIKTOK_SHOP_APP_KEY, app_secret=settings.TIKTOK_SHOP_APP_SECRET, body=body)
    if not hmac.compare_digest(expected.encode(), (signature or "").strip().lower().encode()):
        raise ApplicationError("Invalid webhook signature.", code="invalid_signature", status=401)
    try:
        payload = json.loads(body)
        kind, shop_id, data = int(payload["type"]), str(payload["shop_id"]), payload.get("data") or {}
        if not isinstance(data, dict):
            raise TypeError("data is not an object")
    except (ValueError, TypeError, KeyError) as exc:
        raise ApplicationError(f"Malformed webhook body: {exc}", code="malformed_webhook", status=400)

    from shop_sync.tasks import orders_refresh_task, shop_token_refresh_task

    shops = list(ShopConnection.all_tenants.filter(shop_id=shop_id))
    for shop in shops:
        if kind == WEBHOOK_ORDER_STATUS and data.get("order_id"):
            order_ids = [str(data["order_id"])]
            transaction.on_commit(
                lambda shop=shop, order_ids=order_ids: orders_refresh_task.delay(
                    tenant_id=shop.tenant_id, shop_pk=shop.pk, order_ids=order_ids
                )
            )
        elif kind == WEBHOOK_DEAUTHORIZED:
            shop_mark_needs_reauth(shop=shop, reason="The seller deauthorized the app on TikTok Shop.")
        elif kind == WEBHOOK_AUTHORIZATION_EXPIRING and shop.status == ConnectionStatus.ACTIVE:
            transaction.on_commit(lambda shop=shop: shop_token_refresh_task.delay(tenant_id=shop.tenant_id, shop_pk=shop.pk))
    return len(shops)
