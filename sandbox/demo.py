"""The sandbox's part of ``manage.py demo``: it serves the product's demo seeds.

``make run`` seeds before the web server starts, so while the seeds run every ``requests`` call to
``SANDBOX_BASE_URL`` is answered in-process by the emulators (the bridge the tests use), and the
Business API's demo account is authorized with a code issued as the sandbox's authorize page would
issue it (Shopee: an Open Platform code for ``demo-id-1``, and for the Seller Center web a QR id
already confirmed by that account's phone). Product apps never import this: the demo command finds it through
``SandboxConfig.demo_upstreams`` and hands the seeds a ``DemoUpstreams``.

Only platforms whose base URL points into the sandbox are served; one pointed at a real host is
left alone (its demo account is connected from the pages instead).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.conf import settings

from core.management.commands.demo import DemoUpstreams

DEMO_FIXTURE = "demo"  # the Business API fixture the demo tenant connects

# provider (the product client's name) → the setting holding its base URL.
PROVIDER_BASE_SETTINGS = {
    "tiktok_shop": "TIKTOK_SHOP_API_BASE",
    "tiktok_shop_auth": "TIKTOK_SHOP_AUTH_BASE",
    "tiktok_business": "TIKTOK_BUSINESS_API_BASE",
    "tiktok_events": "TIKTOK_EVENTS_API_BASE",
    "google_ads": "GOOGLE_ADS_API_BASE",
    "google_oauth": "GOOGLE_OAUTH_TOKEN_URL",
    "meta_capi": "META_GRAPH_API_BASE",
    "telegram": "TELEGRAM_API_BASE",
    "shopee": "SHOPEE_OPEN_API_BASE",
    "shopee_web": "SHOPEE_WEB_BASE",
}


def sandboxed_providers() -> frozenset[str]:
    """Providers whose configured base URL is inside ``SANDBOX_BASE_URL``."""
    if not settings.SANDBOX_ENABLED:
        return frozenset()
    base = settings.SANDBOX_BASE_URL.rstrip("/")
    return frozenset(
        provider
        for provider, name in PROVIDER_BASE_SETTINGS.items()
        if (value := str(getattr(settings, name, "") or "")) == base or value.startswith(base + "/")
    )


def _business_auth_code() -> str:
    from sandbox.emulators.tiktok_business.tokens import auth_code_issue

    return auth_code_issue(fixture=DEMO_FIXTURE)


def _shopee_auth_code() -> str:
    """An Open Platform code for the demo account, as ``shop/auth_partner`` hands it over."""
    from sandbox.emulators.shopee.data import DEMO_ACCOUNT
    from sandbox.emulators.shopee.tokens import auth_code_issue

    return auth_code_issue(account=DEMO_ACCOUNT)


def _shopee_web_qrcode() -> str:
    """A Seller Center login QR already scanned and confirmed by the demo account's phone: the
    seed polls ``qrcode_status`` with this ``qrcode_id`` and logs in with the token it gets."""
    from sandbox.emulators.shopee.data import DEMO_ACCOUNT
    from sandbox.emulators.shopee.tokens import qr_confirm, qr_create

    return qr_confirm(qrcode_id=qr_create().qrcode_id, account=DEMO_ACCOUNT).qrcode_id


def _business_leads_auth_code() -> str:
    """The Business API's "leads" account (KZT lead-generation advertisers, no shops)."""
    from sandbox.emulators.tiktok_business.tokens import auth_code_issue

    return auth_code_issue(fixture="leads")


AUTH_CODE_ISSUERS = {
    "tiktok_business": _business_auth_code,
    "tiktok_business:leads": _business_leads_auth_code,
    "shopee": _shopee_auth_code,
    "shopee_web": _shopee_web_qrcode,
}


@contextlib.contextmanager
def demo_upstreams() -> Iterator[DemoUpstreams]:
    """Serve the sandboxed platforms in-process for the duration, and say which they are."""
    providers = sandboxed_providers()
    if not providers:
        yield DemoUpstreams()
        return
    from sandbox.testing import SandboxBridge

    # "provider:account" keys issue codes for a provider's other demo accounts.
    auth_codes = {key: issue for key, issue in AUTH_CODE_ISSUERS.items() if key.partition(":")[0] in providers}
    with SandboxBridge(settings.SANDBOX_BASE_URL):
        yield DemoUpstreams(in_process=providers, auth_codes=auth_codes)
