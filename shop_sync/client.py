"""TikTok Shop clients for this app: the wire protocol (signing, envelope, paging) is
``integrations.tiktok_shop``; these wrappers add what is this app's: settings, the tenant the
calls are logged to, and a shop's stored credentials (renewed by what the services pass in).
Wire names (signing, paths, ``from_unix``) are imported from ``integrations.tiktok_shop``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from core.models import Tenant
from integrations.base import Credentials, StaticCredentials
from integrations.tiktok_shop import TikTokShopAuthClient as _AuthWire
from integrations.tiktok_shop import TikTokShopClient as _OpenApiWire


class ShopCredentials:
    """A stored shop's access token. ``renew`` hands the refused token to ``renew_with`` (the
    services pass ``shop_credentials_renew``: another worker's token, else a refresh, else the
    shop marked as needing re-authorization) and follows the renewed shop. Without ``renew_with``
    a refused token stays refused."""

    def __init__(self, shop, *, access_token: str | None = None, renew_with=None):
        self.shop = shop
        self._access_token = access_token
        self.renew_with = renew_with

    @property
    def access_token(self) -> str:
        return self._access_token if self._access_token is not None else self.shop.access_token

    def renew(self, failed_token: str) -> str | None:
        if self.renew_with is None:
            return None
        renewed = self.renew_with(shop=self.shop, failed_access_token=failed_token)
        if renewed is None:
            return None
        self.shop, self._access_token = renewed, None
        return renewed.access_token

    def secrets(self) -> tuple[str, ...]:
        return (self.shop.refresh_token,)


class TikTokShopAuthClient(_AuthWire):
    """The auth host with this deployment's app key and secret."""

    def __init__(self, *, tenant: Tenant, **kwargs: Any):
        kwargs.setdefault("base_url", settings.TIKTOK_SHOP_AUTH_BASE)
        kwargs.setdefault("credential_key", f"app:{settings.TIKTOK_SHOP_APP_KEY}")
        kwargs.setdefault("credential_label", f"app {settings.TIKTOK_SHOP_APP_KEY}")
        super().__init__(tenant=tenant, app_key=settings.TIKTOK_SHOP_APP_KEY, app_secret=settings.TIKTOK_SHOP_APP_SECRET, **kwargs)


class TikTokShopClient(_OpenApiWire):
    """The Open API for one stored ``shop``, or for a bare ``access_token`` before any shop is
    stored (during OAuth: listing the authorized shops).

    On ``AuthExpired`` the base class renews the shop's credentials once under the shop's lock.
    """

    def __init__(
        self,
        *,
        tenant: Tenant,
        shop=None,
        access_token: str | None = None,
        credentials: Credentials | None = None,
        **kwargs: Any,
    ):
        if shop is None and not access_token:
            raise ValueError("TikTokShopClient needs a shop or an access token.")
        if credentials is None:
            credentials = ShopCredentials(shop, access_token=access_token) if shop is not None else StaticCredentials(access_token)
        kwargs.setdefault("base_url", settings.TIKTOK_SHOP_API_BASE)
        kwargs.setdefault("rate_limit", settings.TIKTOK_SHOP_RATE_LIMIT)
        if shop is not None:
            kwargs.setdefault("credential_key", f"shop:{shop.tenant_id}:{shop.shop_id}")
            kwargs.setdefault("credential_label", f"shop {shop.shop_id}")
        else:
            kwargs.setdefault("credential_key", access_token)
        super().__init__(
            tenant=tenant,
            app_key=settings.TIKTOK_SHOP_APP_KEY,
            app_secret=settings.TIKTOK_SHOP_APP_SECRET,
            credentials=credentials,
            shop_cipher=shop.cipher if shop is not None else None,
            **kwargs,
        )

    @property
    def shop(self):
        """The shop the calls run for, the renewed one after a token refresh."""
        return getattr(self.credentials, "shop", None)
