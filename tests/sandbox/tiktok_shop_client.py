"""A signed Partner API caller for the TikTok Shop emulator tests (Django test client, no server)."""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

from django.conf import settings

from sandbox.emulators.tiktok_shop.data import shop_directory
from sandbox.emulators.tiktok_shop.signing import request_sign
from sandbox.emulators.tiktok_shop.tokens import auth_code_issue, token_get
from sandbox.services import emulator_config_update

API = "/sandbox/tiktok-shop"
AUTH = "/sandbox/tiktok-shop-auth"
CONTROL = "/sandbox/_control"


def shop(key: str):
    return next(s for s in shop_directory().shops if s.key == key)


def freeze_clock(at: int) -> None:
    emulator_config_update(emulator="tiktok-shop", options={"clock_frozen_at": at})


def issue_tokens(seller: str = "demo") -> dict:
    code = auth_code_issue(seller=seller).code
    return token_get(
        app_key=settings.TIKTOK_SHOP_APP_KEY, app_secret=settings.TIKTOK_SHOP_APP_SECRET, auth_code=code, grant_type="authorized_code"
    )


class PartnerApi:
    """``api.post("/order/202309/orders/search", query={...}, body={...})`` signed as a client signs."""

    def __init__(self, client, *, access_token: str, cipher: str | None = None):
        self.client, self.access_token, self.cipher = client, access_token, cipher

    def signed_query(self, method: str, path: str, query: dict | None = None, body: bytes = b"", *, timestamp: int | None = None) -> dict:
        params = {"app_key": settings.TIKTOK_SHOP_APP_KEY, "timestamp": str(int(time.time()) if timestamp is None else timestamp)}
        if self.cipher:
            params["shop_cipher"] = self.cipher
        params.update({key: str(value) for key, value in (query or {}).items()})
        params["sign"] = request_sign(
            app_secret=settings.TIKTOK_SHOP_APP_SECRET, path=path, params=params, body=body, method=method, content_type="application/json"
        )
        return params

    def get(self, path: str, query: dict | None = None, **kwargs):
        params = self.signed_query("GET", path, query, **kwargs)
        return self.client.get(f"{API}{path}?{urlencode(params)}", headers={"x-tts-access-token": self.access_token})

    def post(self, path: str, query: dict | None = None, body: dict | None = None, **kwargs):
        raw = json.dumps(body or {}).encode()
        params = self.signed_query("POST", path, query, raw, **kwargs)
        return self.client.post(
            f"{API}{path}?{urlencode(params)}", data=raw, content_type="application/json", headers={"x-tts-access-token": self.access_token}
        )

    def search(self, body: dict | None = None, **query):
        query.setdefault("page_size", 100)
        return self.post("/order/202309/orders/search", query, body)

    def search_all(self, body: dict | None = None, **query) -> tuple[list[dict], list[int]]:
        """Every page of a search: the orders, and total_count as each page reported it."""
        orders, totals, token = [], [], ""
        while True:
            page = self.search(body, **({"page_token": token} if token else {}), **query).json()
            assert page["code"] == 0, page
            orders += page["data"]["orders"]
            totals.append(page["data"]["total_count"])
            token = page["data"]["next_page_token"]
            if not token:
                return orders, totals
