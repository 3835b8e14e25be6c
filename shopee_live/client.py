"""Shopee clients for this app: the wire protocols (signing, envelopes, paths) are
``integrations.shopee``; these wrappers add what is this app's: settings, the tenant the calls
are logged to, the circuit and rate limit of each account, and an account's stored credentials
(renewed by what the services pass in).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings

from core.models import Tenant
from integrations.shopee import ShopeeAuthClient as _AuthWire
from integrations.shopee import ShopeeOpenClient as _OpenWire
from integrations.shopee import ShopeeWebClient as _WebWire
from integrations.shopee import authorize_url
from shopee_live.regions import market

# renew_with(account=, failed_token=) -> the account with a working credential, or None.
Renew = Callable[..., Any]


class AccountCredentials:
    """One stored account's Open Platform access token. ``renew`` hands the refused token to
    ``renew_with`` (the services pass ``account_credentials_renew``: another worker's token,
    else a refresh, else the account marked as needing re-authorization) and follows the
    renewed account; ``refused`` hears of a renewed token refused again (``on_refused``)."""

    def __init__(self, account, *, renew_with: Renew | None = None, on_refused: Renew | None = None):
        self.account = account
        self.renew_with = renew_with
        self.on_refused = on_refused

    @property
    def access_token(self) -> str:
        return self.account.access_token

    def renew(self, failed_token: str) -> str | None:
        if self.renew_with is None:
            return None
        renewed = self.renew_with(account=self.account, failed_access_token=failed_token)
        if renewed is None:
            return None
        self.account = renewed
        return renewed.access_token

    def refused(self, failed_token: str) -> None:
        if self.on_refused is not None:
            self.on_refused(account=self.account, failed_access_token=failed_token)

    def secrets(self) -> tuple[str, ...]:
        return (self.account.refresh_token, self.account.web_session)


class WebSessionCredentials:
    """One stored account's Seller Center session cookie. It can't be refreshed: ``renew``
    asks ``renew_with`` (another QR login may have stored a newer one; else the services
    record that the session is gone) and follows the account it returns."""

    def __init__(self, account, *, renew_with: Renew | None = None):
        self.account = account
        self.renew_with = renew_with

    @property
    def access_token(self) -> str:
        return self.account.web_session

    def renew(self, failed_token: str) -> str | None:
        if self.renew_with is None:
            return None
        renewed = self.renew_with(account=self.account, failed_web_session=failed_token)
        if renewed is None:
            return None
        self.account = renewed
        return renewed.web_session

    def secrets(self) -> tuple[str, ...]:
        return (self.account.access_token, self.account.refresh_token)


def shopee_rate_limit() -> str:
    """``SHOPEE_RATE_LIMIT`` (calls per second per account, or a limits string) as a limit."""
    limit = settings.SHOPEE_RATE_LIMIT
    return f"{limit}/second" if isinstance(limit, int) else str(limit)


def _account_call_settings(account, kwargs: dict, kind: str) -> None:
    kwargs.setdefault("rate_limit", shopee_rate_limit())
    kwargs.setdefault("credential_key", f"shopee-{kind}:{account.tenant_id}:{account.pk}")
    kwargs.setdefault("credential_label", f"{account.region} user {account.user_id}")
    kwargs.setdefault("breaker_key", f"shopee-{kind}:account:{account.pk}")


class ShopeeAuthClient(_AuthWire):
    """The token endpoints with this deployment's partner id and key."""

    def __init__(self, *, tenant: Tenant, **kwargs: Any):
        kwargs.setdefault("base_url", settings.SHOPEE_OPEN_API_BASE)
        kwargs.setdefault("credential_key", f"partner:{settings.SHOPEE_PARTNER_ID}")
        kwargs.setdefault("credential_label", f"partner {settings.SHOPEE_PARTNER_ID}")
        super().__init__(tenant=tenant, partner_id=settings.SHOPEE_PARTNER_ID, partner_key=settings.SHOPEE_PARTNER_KEY, **kwargs)


class ShopeeOpenClient(_OpenWire):
    """The livestream and principal APIs for one stored account (User-signed with its
    ``user_id``). On a token error the base class renews the credentials once."""

    def __init__(self, *, account, credentials: AccountCredentials | None = None, **kwargs: Any):
        kwargs.setdefault("base_url", settings.SHOPEE_OPEN_API_BASE)
        _account_call_settings(account, kwargs, "open")
        super().__init__(
            tenant=account.tenant,
            partner_id=settings.SHOPEE_PARTNER_ID,
            partner_key=settings.SHOPEE_PARTNER_KEY,
            credentials=credentials or AccountCredentials(account),
            user_id=account.user_id,
            shop_id=account.shop_id,
            **kwargs,
        )

    @property
    def account(self):
        """The account the calls run for, the renewed one after a token refresh."""
        return self.credentials.account


class ShopeeWebClient(_WebWire):
    """The Seller Center / creator endpoints: for one stored ``account`` (its session cookie and
    region), or for a bare ``region`` before any account exists (the QR login)."""

    def __init__(self, *, tenant: Tenant, account=None, region: str | None = None, credentials=None, **kwargs: Any):
        if account is None and not region:
            raise ValueError("ShopeeWebClient needs an account or a region.")
        region = account.region if account is not None else region
        kwargs.setdefault("base_url", settings.SHOPEE_WEB_BASE)
        if account is not None:
            _account_call_settings(account, kwargs, "web")
            credentials = credentials or WebSessionCredentials(account)
        else:
            kwargs.setdefault("rate_limit", shopee_rate_limit())
            kwargs.setdefault("credential_key", f"shopee-qr:{tenant.pk}:{region}")
            kwargs.setdefault("credential_label", f"QR login {region}")
        super().__init__(tenant=tenant, region=region, region_domain=market(region).domain, credentials=credentials, **kwargs)

    @property
    def account(self):
        return getattr(self.credentials, "account", None)


def shopee_authorize_url(*, redirect: str) -> str:
    """The consent page link for this deployment's partner app."""
    return authorize_url(
        authorize_base=settings.SHOPEE_AUTHORIZE_URL,
        partner_id=settings.SHOPEE_PARTNER_ID,
        partner_key=settings.SHOPEE_PARTNER_KEY,
        redirect=redirect,
    )
