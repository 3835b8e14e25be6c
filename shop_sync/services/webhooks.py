"""Platform pushes (order status, deauthorization, expiring authorization) and refreshing single orders."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from core.connections import connection_mark_needs_reauth
from core.exceptions import ApplicationError
from core.jobs import enqueue
from core.webhooks import body_delivery_id, webhook_delivery_claim, webhook_verify
from shop_sync.errors import ShopSyncError
from shop_sync.models import ConnectionStatus, ShopConnection
from shop_sync.services.oauth import PROVIDER, shop_client
from shop_sync.services.order_write import PageWrite, orders_page_write
from shop_sync.services.rollups import daily_rollups_recompute

# --- Webhooks and single orders -------------------------------------------------------------

WEBHOOK_ORDER_STATUS = 1
WEBHOOK_DEAUTHORIZED = 6
WEBHOOK_AUTHORIZATION_EXPIRING = 7
# Registered task names (shop_sync.tasks), enqueued through core.jobs.
ORDERS_REFRESH_TASK = "shop_sync.tasks.orders_refresh_task"
TOKEN_REFRESH_TASK = "shop_sync.tasks.shop_token_refresh_task"


def orders_refresh(*, shop: ShopConnection, order_ids: list[str]) -> PageWrite:
    """Fetch the named orders (``GET /order/202309/orders?ids=``) and write them; rollups of
    the days they fall on are recomputed."""
    order_ids = sorted({str(order_id) for order_id in order_ids if order_id})
    if not order_ids:
        return PageWrite()
    orders = shop_client(shop).orders_get(order_ids=order_ids)
    result = orders_page_write(shop=shop, orders=orders)
    if result.days:
        daily_rollups_recompute(shop=shop, days=result.days)
    return result


@dataclass(frozen=True)
class ShopWebhookResult:
    shops: int  # shop connections the push concerned
    duplicate: bool  # every one of them had processed this push already


def shop_webhook_secrets() -> list[str]:
    """The app secret, then the ones being retired: pushes signed with any of them are accepted."""
    return [settings.TIKTOK_SHOP_APP_SECRET, *settings.TIKTOK_SHOP_APP_PREVIOUS_SECRETS]


def shop_webhook_receive(*, body: bytes, signature: str) -> ShopWebhookResult:
    """Verify a platform push and act on it once per tenant that connected the shop.

    The signature is ``hex(HMAC-SHA256(app_secret, app_key + body))`` with no timestamp, so
    replays are caught by the delivery table alone; the platform sends no delivery id, so the
    body's hash stands for one. The platform names the shop, not the tenant: the shop id is
    looked up across tenants on purpose (several tenants may have connected the same shop).
    Raises ``ApplicationError`` 401 ``invalid_signature`` or 400 ``malformed_webhook``; a
    refused push stores nothing.
    """
    webhook_verify(secrets=shop_webhook_secrets(), message=settings.TIKTOK_SHOP_APP_KEY.encode() + body, signatures=[signature])
    try:
        payload = json.loads(body)
        kind, shop_id, data = int(payload["type"]), str(payload["shop_id"]), payload.get("data") or {}
        if not isinstance(data, dict):
            raise TypeError("data is not an object")
    except (ValueError, TypeError, KeyError) as exc:
        raise ApplicationError(f"Malformed webhook body: {exc}", code=ShopSyncError.MALFORMED_WEBHOOK, status=400)

    delivery_id = body_delivery_id(body)
    shops = list(ShopConnection.all_tenants.filter(shop_id=shop_id))
    fresh = 0
    with transaction.atomic():
        for shop in shops:
            if webhook_delivery_claim(tenant=shop.tenant_id, provider=PROVIDER, delivery_id=delivery_id) is None:
                continue  # this tenant processed the same push already
            fresh += 1
            if kind == WEBHOOK_ORDER_STATUS and data.get("order_id"):
                order_ids = [str(data["order_id"])]
                enqueue(ORDERS_REFRESH_TASK, tenant_id=shop.tenant_id, shop_pk=shop.pk, order_ids=order_ids)
            elif kind == WEBHOOK_DEAUTHORIZED:
                connection_mark_needs_reauth(connection=shop, reason="The seller deauthorized the app on TikTok Shop.")
            elif kind == WEBHOOK_AUTHORIZATION_EXPIRING and shop.status == ConnectionStatus.ACTIVE:
                enqueue(TOKEN_REFRESH_TASK, tenant_id=shop.tenant_id, shop_pk=shop.pk)
    return ShopWebhookResult(shops=len(shops), duplicate=bool(shops) and not fresh)
