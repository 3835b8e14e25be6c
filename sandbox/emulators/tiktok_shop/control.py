"""Control endpoints of the TikTok Shop emulators (sandbox-only, under ``/sandbox/_control/``).

GET  tiktok-shop/shops                 every sandbox shop: id, seller, cipher, currency, time zone, orders now
GET  tiktok-shop/clock                 the sandbox clock
POST tiktok-shop/clock                 {"frozen_at": unix|null} and/or {"offset_seconds": n} or {"advance_seconds": n}
POST tiktok-shop/changes               {"shop_id", "new_orders": 50, "changed_orders": 20}
POST tiktok-shop/webhooks/send         {"shop_id", "order_ids": [...]}: signed ORDER_STATUS_UPDATE pushes
GET  tiktok-shop/truth?shop_id=        order count, status counts and the digest (``truth.py``)
POST tiktok-shop-auth/codes            {"seller": "demo"} -> {"code": ...}, as the Authorize button issues it
POST tiktok-shop-auth/tokens/expire    {"seller"} or {"shop_id"}: the seller's access tokens expire now
POST tiktok-shop-auth/tokens/revoke    {"seller"} or {"shop_id"}: the seller deauthorizes the app
"""

from __future__ import annotations

from django.http import HttpRequest

from core.exceptions import ApplicationError
from sandbox.control import _json_object, emulator_clock_control
from sandbox.emulators.tiktok_shop.changes import shop_orders_change, shop_snapshot
from sandbox.emulators.tiktok_shop.clock import sandbox_now
from sandbox.emulators.tiktok_shop.data import Shop, shop_directory, visible_count
from sandbox.emulators.tiktok_shop.tokens import access_tokens_expire, auth_code_issue, grants_revoke
from sandbox.emulators.tiktok_shop.truth import shop_truth
from sandbox.emulators.tiktok_shop.views.auth import tiktok_shop_auth
from sandbox.emulators.tiktok_shop.views.emulator import tiktok_shop
from sandbox.emulators.tiktok_shop.webhooks import order_webhooks_send
from sandbox.framework import json_response


def _shop(shop_id) -> Shop:
    shop = shop_directory().by_id.get(str(shop_id or ""))
    if shop is None:
        raise ApplicationError(
            f"No sandbox shop {shop_id!r}; GET /sandbox/_control/tiktok-shop/shops lists them.", code="unknown_shop", status=404
        )
    return shop


@tiktok_shop.control_route("shops", methods=("GET",), name="shops")
def shops(request: HttpRequest):
    now = sandbox_now()
    return json_response(
        {
            "now": now,
            "shops": [
                {
                    **shop.describe(),
                    "seller": shop.seller,
                    "currency": shop.currency,
                    "time_zone": shop.time_zone,
                    "order_count": visible_count(shop, now)
                    + sum(change.is_new for change in shop_snapshot(shop, now=now).changes.values()),
                }
                for shop in shop_directory().shops
            ],
        }
    )


@tiktok_shop.control_route("clock", methods=("GET", "POST"), name="clock")
def clock(request: HttpRequest):
    return emulator_clock_control(request, emulator=tiktok_shop.name, now=sandbox_now)


@tiktok_shop.control_route("changes", methods=("POST",), name="changes")
def changes(request: HttpRequest):
    data = _json_object(request)
    result = shop_orders_change(
        shop=_shop(data.get("shop_id")), new_orders=data.get("new_orders", 0), changed_orders=data.get("changed_orders", 0)
    )
    return json_response(result)


@tiktok_shop.control_route("webhooks/send", methods=("POST",), name="webhooks-send")
def webhooks_send(request: HttpRequest):
    data = _json_object(request)
    shop = _shop(data.get("shop_id"))
    return json_response({"shop_id": shop.id, "sent": order_webhooks_send(shop=shop, order_ids=data.get("order_ids"))})


@tiktok_shop.control_route("truth", methods=("GET",), name="truth")
def truth(request: HttpRequest):
    shop = _shop(request.GET.get("shop_id"))
    return json_response(shop_truth(shop, shop_snapshot(shop)))


@tiktok_shop_auth.control_route("codes", methods=("POST",), name="codes")
def codes(request: HttpRequest):
    data = _json_object(request)
    code = auth_code_issue(seller=str(data.get("seller") or ""))
    return json_response({"code": code.code, "seller": code.seller, "expires_at": code.expires_at})


@tiktok_shop_auth.control_route("tokens/expire", methods=("POST",), name="tokens-expire")
def tokens_expire(request: HttpRequest):
    data = _json_object(request)
    return json_response({"expired": access_tokens_expire(seller=data.get("seller"), shop_id=data.get("shop_id"))})


@tiktok_shop_auth.control_route("tokens/revoke", methods=("POST",), name="tokens-revoke")
def tokens_revoke(request: HttpRequest):
    data = _json_object(request)
    return json_response({"revoked": grants_revoke(seller=data.get("seller"), shop_id=data.get("shop_id"))})
