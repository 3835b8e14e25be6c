"""Shopee accounts of the tests, connected the way users connect them: through the sandbox's
consent page (Open Platform) and a QR confirmed by the sandbox's phone (Seller Center)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import requests
from django.utils import timezone

from shopee_live.models import ShopeeAccount, Studio

DEMO_ACCOUNT = "demo-id-1"  # an "always" account: one session is live at any time


def make_studio(tenant, name: str = "Jakarta Studio") -> Studio:
    return Studio.objects.create(tenant=tenant, name=name)


def make_account(tenant, studio, **fields) -> ShopeeAccount:
    """A stored account without any upstream (for reads, lookups and validation)."""
    defaults = {
        "name": "glow.id",
        "region": "ID",
        "currency": "IDR",
        "user_id": "7001",
        "shop_id": "9001",
        "access_token": "open-token-7001",
        "access_token_expires_at": timezone.now() + timedelta(hours=4),
        "refresh_token": "refresh-token-7001",
        "refresh_token_expires_at": timezone.now() + timedelta(days=30),
        "web_session": "spc-ec-7001",
        "web_session_expires_at": timezone.now() + timedelta(days=30),
    }
    return ShopeeAccount.objects.create(tenant=tenant, studio=studio, **{**defaults, **fields})


def consent(authorize_url: str, account_key: str = DEMO_ACCOUNT) -> dict:
    """Pick ``account_key`` on the sandbox's consent page; the query Shopee redirects back with."""
    answer = requests.post(authorize_url, data={"account": account_key}, allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text[:300]
    return {key: values[0] for key, values in parse_qs(urlsplit(answer.headers["Location"]).query).items()}


def oauth_connect(tenant, user, studio, *, account_key: str = DEMO_ACCOUNT, region: str = "ID") -> ShopeeAccount:
    from shopee_live.services import account_oauth_complete, account_oauth_start

    query = consent(account_oauth_start(tenant=tenant, user=user, studio=studio, region=region), account_key)
    return account_oauth_complete(
        tenant=tenant,
        user=user,
        state=query["state"],
        code=query["code"],
        studio_id=query["studio"],
        region=query["region"],
        user_id=query.get("user_id", ""),
        shop_id=query.get("shop_id", ""),
    )


def ongoing_session_id(account_key: str = DEMO_ACCOUNT) -> int:
    from sandbox.emulators.shopee.data import account_get, sandbox_now
    from sandbox.emulators.shopee.sessions import ongoing_sessions

    return ongoing_sessions(account_get(account_key), sandbox_now())[0].session_id


def sandbox_account(account_key: str = DEMO_ACCOUNT) -> dict:
    from sandbox.emulators.shopee.data import account_get

    return account_get(account_key).describe()


def sandbox_connected_account(sandbox, tenant, studio, account_key: str = DEMO_ACCOUNT, **fields) -> ShopeeAccount:
    """An account holding both credentials the sandbox issued for ``account_key`` (no consent
    page or QR: for tests of what comes after connecting)."""
    issued = sandbox.shopee_connect(account_key)
    from shopee_live.regions import market

    return make_account(
        tenant,
        studio,
        name=issued["username"],
        region=issued["region"],
        currency=market(issued["region"]).currency,
        user_id=str(issued["user_id"]),
        shop_id=str(issued["shop_id"]),
        access_token=issued["access_token"],
        refresh_token=issued["refresh_token"],
        web_session=issued["spc_ec"],
        **fields,
    )
