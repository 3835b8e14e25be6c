"""Driving the TikTok Shop sandbox from sync tests: its control API (auth codes, clock, changes,
truth), connecting a sandbox seller through the real OAuth services, and the digest of what the
database holds, computed the way the sandbox computes its truth."""

from __future__ import annotations

import requests
from django.conf import settings

from core.models import SyncRun
from sandbox.emulators.tiktok_shop.changes import movable_order_count
from sandbox.emulators.tiktok_shop.data import shop_directory
from sandbox.emulators.tiktok_shop.truth import truth_digest, truth_line
from shop_sync.models import Order, ShopConnection
from shop_sync.services import shop_oauth_complete, shop_oauth_start

OPEN_API = "tiktok-shop"
AUTH_API = "tiktok-shop-auth"


def control(method: str, path: str, payload: dict | None = None, **params) -> dict:
    response = requests.request(method, f"{settings.SANDBOX_BASE_URL}/_control/{path}", json=payload, params=params or None, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def movable_orders(shop: ShopConnection, limit: int = 20) -> int:
    """How many of ``shop``'s sandbox orders a change could move one status step now (up to ``limit``)."""
    return movable_order_count(shop_directory().by_id[shop.shop_id], limit=limit)


def freeze_clock() -> int:
    """Stop the sandbox clock at the current second, so the truth holds still."""
    now = control("GET", f"{OPEN_API}/clock")["now"]
    control("POST", f"{OPEN_API}/clock", {"frozen_at": now})
    return now


def connect_seller(tenant, user, seller: str) -> list[ShopConnection]:
    from urllib.parse import parse_qs, urlsplit

    code = control("POST", f"{AUTH_API}/codes", {"seller": seller})["code"]
    state = parse_qs(urlsplit(shop_oauth_start(tenant=tenant, user=user)).query)["state"][0]
    return shop_oauth_complete(tenant=tenant, user=user, state=state, code=code)


def truth(shop: ShopConnection) -> dict:
    return control("GET", f"{OPEN_API}/truth", shop_id=shop.shop_id)


def stored_truth(shop: ShopConnection) -> dict:
    rows = Order.objects.for_tenant(shop.tenant_id).filter(shop=shop).values_list("order_id", "update_time", "status", "total_amount")
    lines = [truth_line(order_id, int(update_time.timestamp()), status, total) for order_id, update_time, status, total in rows]
    return {"order_count": len(lines), "digest": truth_digest(lines)}


def run_to_end(start, django_capture_on_commit_callbacks) -> SyncRun:
    """Start a sync and let its tasks run (eagerly, when the start commits)."""
    with django_capture_on_commit_callbacks(execute=True):
        run = start()
    run.refresh_from_db()
    return run
