"""Demo data: connect the demo tenant's Shopee account without a browser.

The connection goes through the same services as the pages: a Seller Center QR login
(``qr_login_track`` + ``qr_login_poll``, with a QR already confirmed by the demo account's phone)
and the Open Platform authorization (``account_oauth_start`` for the state,
``account_oauth_complete`` with a code), both handed over by whatever serves Shopee during
``manage.py demo`` (the sandbox when it is enabled). Without them nothing is connected:
accounts are connected from the Accounts page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

from django.conf import settings

from core.tenancy import tenant_scope
from shopee_live.models import QrLoginStatus, ShopeeAccount, Studio
from shopee_live.services import account_oauth_complete, account_oauth_start, qr_login_poll, qr_login_track

logger = logging.getLogger(__name__)

DEMO_TENANT_SLUG = "demo"
DEMO_STUDIO = "Jakarta Studio"
DEMO_REGION = "ID"


def demo_connect(
    tenant, *, auth_code: Callable[[], str | None] | None = None, qrcode_id: Callable[[], str | None] | None = None
) -> ShopeeAccount | None:
    """Connect ``tenant`` (the demo tenant only) once: the QR login first (it names the Shopee
    user), then the Open Platform authorization of that user. Returns the account connected now."""
    if tenant.slug != DEMO_TENANT_SLUG or ShopeeAccount.objects.for_tenant(tenant).exists():
        return None
    qr_id = qrcode_id() if qrcode_id is not None else None
    if not qr_id:
        logger.info("No demo QR login for Shopee at %s: connect accounts from the Accounts page.", settings.SHOPEE_WEB_BASE)
        return None
    with tenant_scope(tenant):
        studio, _ = Studio.objects.for_tenant(tenant).get_or_create(tenant=tenant, name=DEMO_STUDIO)
        qr = qr_login_poll(
            tenant=tenant, qr_login=qr_login_track(tenant=tenant, user=None, studio=studio, region=DEMO_REGION, qrcode_id=qr_id)
        )
        if qr.status != QrLoginStatus.CONFIRMED or qr.account is None:
            logger.warning("The demo QR login did not finish (%s: %s).", qr.status, qr.message)
            return None
        account = qr.account
        code = auth_code() if auth_code is not None else None
        if code:
            redirect = parse_qs(urlsplit(account_oauth_start(tenant=tenant, user=None, studio=studio, account=account)).query)["redirect"][
                0
            ]
            back = {key: values[0] for key, values in parse_qs(urlsplit(redirect).query).items()}
            account = account_oauth_complete(
                tenant=tenant,
                user=None,
                state=back["state"],
                code=code,
                studio_id=back["studio"],
                region=back["region"],
                user_id=account.user_id,
                shop_id=account.shop_id,
            )
    return account
