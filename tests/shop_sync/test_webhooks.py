"""Platform pushes at /webhooks/tiktok-shop/: signature checked in constant time, order status
updates refresh the named orders, deauthorization flags the shop."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings

from core.models import WebhookDelivery
from integrations.tiktok_shop import webhook_signature
from shop_sync.models import ConnectionStatus, Order, ShopConnection
from tests.shop_sync.order_payloads import platform_order, ts
from tests.shop_sync.shop_fixtures import make_shop
from tests.shop_sync.test_client import envelope

URL = "/webhooks/tiktok-shop/"
DETAIL = f"{settings.TIKTOK_SHOP_API_BASE}/order/202309/orders"


def push(client, payload, *, signature=None):
    body = json.dumps(payload, separators=(",", ":")).encode() if not isinstance(payload, bytes) else payload
    if signature is None:
        signature = webhook_signature(app_key=settings.TIKTOK_SHOP_APP_KEY, app_secret=settings.TIKTOK_SHOP_APP_SECRET, body=body)
    return client.post(URL, data=body, content_type="application/json", HTTP_AUTHORIZATION=signature)


def status_update(shop_id, order_id="576684019603311365"):
    return {
        "type": 1,
        "shop_id": shop_id,
        "timestamp": 1664095733,
        "data": {"order_id": order_id, "order_status": "AWAITING_SHIPMENT", "update_time": 1664095610},
    }


@pytest.mark.parametrize("signature", ["0" * 64, "", "not-hex"])
def test_a_bad_signature_is_401_and_does_nothing(client, shop_a, mock_upstream, django_capture_on_commit_callbacks, signature):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = push(client, status_update(shop_a.shop_id), signature=signature)

    assert response.status_code == 401
    assert response.json()["code"] == "invalid_signature"
    assert callbacks == [] and len(mock_upstream.calls) == 0


def test_a_body_signed_for_another_body_is_401(client, shop_a):
    good = json.dumps(status_update(shop_a.shop_id)).encode()
    signature = webhook_signature(app_key=settings.TIKTOK_SHOP_APP_KEY, app_secret=settings.TIKTOK_SHOP_APP_SECRET, body=good)

    assert push(client, good.replace(b"AWAITING", b"CANCELLED"), signature=signature).status_code == 401


@pytest.mark.parametrize(
    "body", [b"{not json", b"[1, 2]", b'{"type": "x", "shop_id": "1"}', b'{"shop_id": "1"}', b'{"type": 1, "shop_id": "1", "data": [1]}']
)
def test_a_malformed_body_is_400(db, client, body):
    response = push(client, body)

    assert response.status_code == 400
    assert response.json()["code"] == "malformed_webhook"


def test_an_order_status_update_refreshes_the_order(client, tenant_a, shop_a, mock_upstream, django_capture_on_commit_callbacks):
    order = platform_order("576684019603311365", create_time=ts(2026, 10, 1, 8), update_time=ts(2026, 10, 1, 9), status="IN_TRANSIT")
    mock_upstream.get(DETAIL, json=envelope({"orders": [order]}))

    with django_capture_on_commit_callbacks(execute=True):
        response = push(client, status_update(shop_a.shop_id))

    assert response.status_code == 200
    (call,) = mock_upstream.calls
    assert parse_qs(urlsplit(call.request.url).query)["ids"] == ["576684019603311365"]
    stored = Order.objects.for_tenant(tenant_a).get(order_id="576684019603311365")
    assert stored.status == "IN_TRANSIT"


def test_every_tenant_that_connected_the_shop_gets_the_refresh(
    client, tenant_a, tenant_b, shop_a, mock_upstream, django_capture_on_commit_callbacks
):
    make_shop(tenant_b, shop_id=shop_a.shop_id)
    mock_upstream.get(DETAIL, json=envelope({"orders": [platform_order("576684019603311365", create_time=ts(2026, 10, 1, 8))]}))

    with django_capture_on_commit_callbacks(execute=True):
        assert push(client, status_update(shop_a.shop_id)).json()["shops"] == 2

    assert sorted(Order.all_tenants.values_list("tenant_id", flat=True)) == sorted([tenant_a.pk, tenant_b.pk])


def test_an_unknown_shop_is_acknowledged_without_work(db, client, mock_upstream, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = push(client, status_update("999"))

    assert (response.status_code, response.json()["shops"]) == (200, 0)
    assert callbacks == []


def test_deauthorization_marks_the_shop_needs_reauth(client, tenant_a, shop_a):
    response = push(client, {"type": 6, "shop_id": shop_a.shop_id, "timestamp": 1664095733, "data": {"reason": "seller revoked"}})

    assert response.status_code == 200
    shop = ShopConnection.objects.for_tenant(tenant_a).get(pk=shop_a.pk)
    assert (shop.status, shop.status_reason) == (ConnectionStatus.NEEDS_REAUTH, "The seller deauthorized the app on TikTok Shop.")


def test_get_is_not_allowed(db, client):
    assert client.get(URL).status_code == 405


# --- replays and rotation (core.webhooks) ----------------------------------------------------------


def test_a_replayed_push_is_acknowledged_and_does_nothing_again(client, tenant_a, shop_a, mock_upstream, django_capture_on_commit_callbacks):
    mock_upstream.get(DETAIL, json=envelope({"orders": [platform_order("576684019603311365", create_time=ts(2026, 10, 1, 8))]}))
    with django_capture_on_commit_callbacks(execute=True):
        first = push(client, status_update(shop_a.shop_id))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = push(client, status_update(shop_a.shop_id))

    assert first.json() == {"code": 0, "message": "success", "shops": 1, "duplicate": False}
    assert (again.status_code, again.json()) == (200, {"code": 0, "message": "success", "shops": 1, "duplicate": True})
    assert callbacks == [] and len(mock_upstream.calls) == 1
    assert WebhookDelivery.objects.for_tenant(tenant_a).filter(provider="tiktok_shop").count() == 1


def test_a_replay_is_deduplicated_per_tenant(client, tenant_a, tenant_b, shop_a, mock_upstream, django_capture_on_commit_callbacks):
    push(client, status_update(shop_a.shop_id))  # tenant A alone had the shop then
    make_shop(tenant_b, shop_id=shop_a.shop_id)
    mock_upstream.get(DETAIL, json=envelope({"orders": [platform_order("576684019603311365", create_time=ts(2026, 10, 1, 8))]}))

    with django_capture_on_commit_callbacks(execute=True):
        response = push(client, status_update(shop_a.shop_id))

    assert response.json()["duplicate"] is False
    assert list(Order.all_tenants.values_list("tenant_id", flat=True)) == [tenant_b.pk]


@pytest.mark.parametrize("previous", [["old-app-secret"], ["other", "old-app-secret"]])
def test_a_push_signed_with_a_secret_being_retired_is_accepted(client, settings, shop_a, mock_upstream, previous):
    settings.TIKTOK_SHOP_APP_PREVIOUS_SECRETS = previous
    body = json.dumps(status_update(shop_a.shop_id)).encode()

    response = push(client, body, signature=webhook_signature(app_key=settings.TIKTOK_SHOP_APP_KEY, app_secret="old-app-secret", body=body))

    assert response.status_code == 200


def test_a_refused_push_stores_nothing(client, tenant_a, shop_a):
    assert push(client, status_update(shop_a.shop_id), signature="0" * 64).status_code == 401
    assert push(client, b'{"type": "x", "shop_id": "%s"}' % shop_a.shop_id.encode()).status_code == 400

    assert not WebhookDelivery.all_tenants.exists()
    body = push(client, status_update(shop_a.shop_id), signature="0" * 64).json()
    assert body["error"] == {"code": "invalid_signature", "message": "Signature does not match.", "fields": {}}
