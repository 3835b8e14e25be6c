"""Connecting TikTok shops (OAuth) and keeping their tokens fresh."""

from __future__ import annotations

import logging
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.connections import NeedsReauth, connection_mark_needs_reauth, oauth_state_consume, oauth_state_issue
from core.exceptions import ApplicationError
from core.http import AuthExpired, BadRequest, UpstreamError
from core.locks import named_lock
from core.models import ConnectionStatus, Tenant
from shop_sync.client import ShopCredentials, TikTokShopAuthClient, TikTokShopClient
from shop_sync.errors import ShopSyncError
from shop_sync.models import ShopConnection, ShopSyncState

logger = logging.getLogger(__name__)

PROVIDER = "tiktok_shop"  # the provider of this app's OAuth states
# The published code of a shop needing re-authorization (``core.connections.NEEDS_REAUTH`` is
# in ``extra.connection_status`` too); API clients switch on it.
SHOP_NEEDS_REAUTH = ShopSyncError.SHOP_NEEDS_REAUTH
TOKEN_REFRESH_AHEAD = timedelta(days=1)


# Region → (currency, time zone) of a shop: the authorized-shops call gives only the region.
REGION_SETTINGS = {
    "MY": ("MYR", "Asia/Kuala_Lumpur"),
    "ID": ("IDR", "Asia/Jakarta"),
    "TH": ("THB", "Asia/Bangkok"),
    "VN": ("VND", "Asia/Ho_Chi_Minh"),
    "PH": ("PHP", "Asia/Manila"),
    "SG": ("SGD", "Asia/Singapore"),
    "US": ("USD", "America/Los_Angeles"),
    "GB": ("GBP", "Europe/London"),
    "MX": ("MXN", "America/Mexico_City"),
    "BR": ("BRL", "America/Sao_Paulo"),
    "JP": ("JPY", "Asia/Tokyo"),
    "ES": ("EUR", "Europe/Madrid"),
    "DE": ("EUR", "Europe/Berlin"),
    "FR": ("EUR", "Europe/Paris"),
    "IT": ("EUR", "Europe/Rome"),
    "IE": ("EUR", "Europe/Dublin"),
}


# --- OAuth and tokens ---------------------------------------------------------------------


def shop_oauth_start(*, tenant: Tenant, user) -> str:
    """A fresh single-use ``state`` for this tenant, and the authorize URL carrying it."""
    state = oauth_state_issue(tenant=tenant, provider=PROVIDER, user=user)
    query = urlencode({"app_key": settings.TIKTOK_SHOP_APP_KEY, "state": state, "redirect_uri": settings.TIKTOK_SHOP_REDIRECT_URI})
    return f"{settings.TIKTOK_SHOP_AUTHORIZE_URL}?{query}"


def shop_oauth_complete(*, tenant: Tenant, user, state: str, code: str) -> list[ShopConnection]:
    """Check ``state`` (this tenant's, unused, under 10 minutes old; used up now), exchange the
    code for tokens, and store every shop they authorize, with its tokens encrypted."""
    oauth_state_consume(tenant=tenant, provider=PROVIDER, state=state, auth_code=code, start_label="Connect a shop")

    try:
        grant = TikTokShopAuthClient(tenant=tenant).token_get(auth_code=code)
        authorized = TikTokShopClient(tenant=tenant, access_token=grant.access_token).authorized_shops()
    except (AuthExpired, BadRequest) as exc:
        raise ApplicationError(f"TikTok Shop refused the authorization: {exc.message}", code="authorization_refused", status=400)
    if not authorized:
        raise ApplicationError("The authorization grants no shop.", code="no_shops", status=400)

    shops = []
    with transaction.atomic():
        for entry in authorized:
            region = str(entry.get("region") or "").upper()
            currency, time_zone = REGION_SETTINGS.get(region, ("", "UTC"))
            shop, _ = ShopConnection.objects.for_tenant(tenant).update_or_create(
                tenant=tenant,
                shop_id=str(entry["id"]),
                defaults={
                    "name": str(entry.get("name") or entry["id"])[:200],
                    "code": str(entry.get("code") or "")[:32],
                    "region": region[:8],
                    "seller_type": str(entry.get("seller_type") or "")[:32],
                    "cipher": str(entry["cipher"]),
                    "currency": currency,
                    "time_zone": time_zone,
                    "open_id": grant.open_id,
                    "seller_name": grant.seller_name[:200],
                    "granted_scopes": grant.granted_scopes,
                    "access_token": grant.access_token,
                    "access_token_expires_at": grant.access_token_expires_at,
                    "refresh_token": grant.refresh_token,
                    "refresh_token_expires_at": grant.refresh_token_expires_at,
                    "status": ConnectionStatus.ACTIVE,
                    "status_reason": "",
                    "connected_by": user,
                },
            )
            ShopSyncState.objects.for_tenant(tenant).get_or_create(tenant=tenant, shop=shop)
            shops.append(shop)
    return shops


def shop_client(shop: ShopConnection, **kwargs) -> TikTokShopClient:
    """The Open API client of a stored shop: a refused token is renewed once through
    ``shop_credentials_renew`` (under the shop's lock), so syncs survive token expiry."""
    return TikTokShopClient(tenant=shop.tenant, shop=shop, credentials=ShopCredentials(shop, renew_with=shop_credentials_renew), **kwargs)


def shop_credentials_renew(*, shop: ShopConnection, failed_access_token: str) -> ShopConnection | None:
    """Called by the client, under the shop's credential lock, after the platform refused
    ``failed_access_token``. Returns the shop with a working token, or None (and the shop marked
    as needing re-authorization) when the refresh token is refused too."""
    stored = ShopConnection.objects.for_tenant(shop.tenant_id).get(pk=shop.pk)
    if stored.status != ConnectionStatus.ACTIVE:
        return None
    if stored.access_token != failed_access_token:
        return stored  # another worker refreshed it while this one waited for the lock
    return _shop_tokens_refresh(shop=stored)


def shop_token_refresh(*, shop: ShopConnection) -> ShopConnection:
    """Refresh the shop's tokens now (under the same lock as the client's own refresh).
    Raises ``NeedsReauth`` (``shop_needs_reauth``, 409) when the platform refuses."""
    lock_name = shop_client(shop).refresh_lock_name
    with named_lock(lock_name, ttl=TikTokShopClient.refresh_lock_ttl, wait=TikTokShopClient.refresh_lock_wait):
        stored = ShopConnection.objects.for_tenant(shop.tenant_id).get(pk=shop.pk)
        refreshed = _shop_tokens_refresh(shop=stored)
    if refreshed is None:
        raise NeedsReauth("TikTok Shop refused the refresh token: re-authorize the shop.", code=SHOP_NEEDS_REAUTH)
    return refreshed


def _shop_tokens_refresh(*, shop: ShopConnection) -> ShopConnection | None:
    try:
        grant = TikTokShopAuthClient(tenant=shop.tenant).token_refresh(refresh_token=shop.refresh_token)
    except (AuthExpired, BadRequest) as exc:
        connection_mark_needs_reauth(connection=shop, reason=f"Token refresh refused: {exc.message}")
        return None
    shop.access_token = grant.access_token
    shop.access_token_expires_at = grant.access_token_expires_at
    shop.refresh_token = grant.refresh_token
    shop.refresh_token_expires_at = grant.refresh_token_expires_at
    shop.status, shop.status_reason = ConnectionStatus.ACTIVE, ""
    shop.save(
        update_fields=[
            "access_token",
            "access_token_expires_at",
            "refresh_token",
            "refresh_token_expires_at",
            "status",
            "status_reason",
            "updated_at",
        ]
    )
    return shop


def shop_tokens_refresh_expiring(*, ahead: timedelta = TOKEN_REFRESH_AHEAD) -> int:
    """Cross-tenant on purpose (beat): refresh every active shop whose access token expires
    within ``ahead``. Returns how many were refreshed."""
    from core.tenancy import tenant_scope

    due = ShopConnection.all_tenants.select_related("tenant").filter(
        status=ConnectionStatus.ACTIVE, access_token_expires_at__lt=timezone.now() + ahead
    )
    refreshed = 0
    for shop in due:
        with tenant_scope(shop.tenant):
            try:
                shop_token_refresh(shop=shop)
                refreshed += 1
            except (ApplicationError, UpstreamError) as exc:
                logger.warning("Token refresh of shop %s failed: %s", shop.shop_id, exc)
    return refreshed
