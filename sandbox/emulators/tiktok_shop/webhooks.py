"""Order status webhooks (type 1, ORDER_STATUS_UPDATE) pushed to
``settings.SANDBOX_TIKTOK_SHOP_WEBHOOK_URL``, signed as the platform signs them:
``Authorization: hex(HMAC-SHA256(app_secret, app_key + raw body))``."""

from __future__ import annotations

import json

import requests
from django.conf import settings

from core.exceptions import ApplicationError
from sandbox.emulators.tiktok_shop.changes import shop_snapshot
from sandbox.emulators.tiktok_shop.data import Shop, order_exists, order_index_for, order_state
from sandbox.emulators.tiktok_shop.signing import webhook_sign

ORDER_STATUS_UPDATE = 1
MAX_WEBHOOKS_PER_CALL = 100
TIMEOUT = (5, 30)


def order_webhook_body(*, shop: Shop, order_id: str, timestamp: int, status: str, update_time: int) -> bytes:
    body = {
        "type": ORDER_STATUS_UPDATE,
        "shop_id": shop.id,
        "timestamp": timestamp,
        "data": {"order_id": order_id, "order_status": status, "update_time": update_time},
    }
    return json.dumps(body, separators=(",", ":")).encode()


def order_webhooks_send(*, shop: Shop, order_ids: list[str]) -> list[dict]:
    """One signed push per order, with its current status; the receiver's answer per order."""
    if not isinstance(order_ids, list) or not order_ids or len(order_ids) > MAX_WEBHOOKS_PER_CALL:
        raise ApplicationError(f"order_ids must be a list of 1 to {MAX_WEBHOOKS_PER_CALL} order ids.", code="invalid_order_ids")
    snapshot = shop_snapshot(shop)
    states = []
    for order_id in order_ids:
        index = order_index_for(shop, str(order_id))
        if index is None or not order_exists(shop, index, snapshot):
            raise ApplicationError(f"{order_id!r} isn't an order of shop {shop.id}.", code="unknown_order", status=404)
        states.append((str(order_id), order_state(shop, index, snapshot)))
    results = []
    with requests.Session() as session:
        for order_id, state in states:
            body = order_webhook_body(
                shop=shop, order_id=order_id, timestamp=snapshot.now, status=state.status, update_time=state.update_time
            )
            signature = webhook_sign(app_key=settings.TIKTOK_SHOP_APP_KEY, app_secret=settings.TIKTOK_SHOP_APP_SECRET, body=body)
            headers = {"Authorization": signature, "Content-Type": "application/json"}
            try:
                response = session.post(settings.SANDBOX_TIKTOK_SHOP_WEBHOOK_URL, data=body, headers=headers, timeout=TIMEOUT)
            except requests.RequestException as exc:
                results.append({"order_id": order_id, "order_status": state.status, "error": str(exc)[:300]})
            else:
                results.append({"order_id": order_id, "order_status": state.status, "status": response.status_code})
    return results
