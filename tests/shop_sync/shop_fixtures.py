"""Helpers of the sync tests: a connected shop (``make_shop``), and the signature check the
platform applies (to assert what the client sends)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

from django.conf import settings
from django.utils import timezone

from integrations.tiktok_shop import tiktok_sign
from shop_sync.models import ShopConnection, ShopSyncState


def make_shop(tenant, *, shop_id="7000000000000000001", cipher="ROW_cipher_1", time_zone="Asia/Kuala_Lumpur", currency="MYR", **fields):
    now = timezone.now()
    values = {
        "name": "Glow Shop MY",
        "region": "MY",
        "cipher": cipher,
        "currency": currency,
        "time_zone": time_zone,
        "access_token": "TTP_access_old_0001",
        "access_token_expires_at": now + timedelta(days=7),
        "refresh_token": "TTP_refresh_old_0001",
        "refresh_token_expires_at": now + timedelta(days=300),
        **fields,
    }
    shop = ShopConnection.objects.create(tenant=tenant, shop_id=shop_id, **values)
    ShopSyncState.objects.create(tenant=tenant, shop=shop)
    return shop


def assert_signed(request, *, shop_cipher: str | None) -> dict:
    """The request carries app_key, a fresh timestamp, the shop cipher (or none) and a valid sign
    over exactly the bytes sent. Returns the query parameters."""
    url = urlsplit(request.url)
    params = dict(parse_qsl(url.query, keep_blank_values=True))
    base_path = urlsplit(settings.TIKTOK_SHOP_API_BASE).path
    path = url.path[len(base_path) :]
    body = request.body or b""
    if isinstance(body, str):
        body = body.encode()
    assert params["app_key"] == settings.TIKTOK_SHOP_APP_KEY
    assert abs(int(params["timestamp"]) - int(timezone.now().timestamp())) <= 5
    assert params.get("shop_cipher") == shop_cipher
    expected = tiktok_sign(app_secret=settings.TIKTOK_SHOP_APP_SECRET, path=path, params=params, body=body)
    assert params["sign"] == expected
    return params
