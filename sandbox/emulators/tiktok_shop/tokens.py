"""Auth codes, grants and access tokens of the emulated auth host.

``token/get`` exchanges a single-use auth code (valid ``AUTH_CODE_SECONDS``) for an access token
and a refresh token; ``token/refresh`` issues a new access token for the grant (earlier access
tokens stay valid until they expire). Expiries are absolute unix times on the sandbox clock.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.crypto import constant_time_compare

from core.exceptions import ApplicationError
from sandbox.emulators.tiktok_shop import errors
from sandbox.emulators.tiktok_shop.clock import sandbox_now
from sandbox.emulators.tiktok_shop.data import SELLERS, Shop, shop_directory
from sandbox.models import TikTokShopAccessToken, TikTokShopAuthCode, TikTokShopGrant
from sandbox.seed import rng

AUTH_CODE_SECONDS = 10 * 60
ACCESS_TOKEN_SECONDS = 7 * 86400
REFRESH_TOKEN_SECONDS = 365 * 86400
GRANTED_SCOPES = ["seller.authorization.info", "seller.order.info", "seller.product.basic", "seller.finance.info"]


def app_credentials_check(*, app_key: str, app_secret: str | None = None) -> None:
    """The partner app is the one configured in settings; anything else is an unknown app."""
    if not app_key or not constant_time_compare(app_key, settings.TIKTOK_SHOP_APP_KEY):
        raise errors.invalid_app_key()
    if app_secret is not None and not constant_time_compare(app_secret, settings.TIKTOK_SHOP_APP_SECRET):
        raise errors.PlatformError(36009004, "Invalid credentials. The `app_secret` query parameter is invalid.")


def seller_get(key: str):
    try:
        return SELLERS[key]
    except KeyError:
        raise ApplicationError(f"No sandbox seller {key!r}; sellers: {', '.join(sorted(SELLERS))}.", code="unknown_seller", status=404)


def auth_code_issue(*, seller: str, app_key: str | None = None) -> TikTokShopAuthCode:
    """The code the authorize page hands to the redirect URI when ``seller`` authorizes the app."""
    seller_get(seller)
    return TikTokShopAuthCode.objects.create(
        code="TTP_" + secrets.token_urlsafe(36),
        app_key=app_key or settings.TIKTOK_SHOP_APP_KEY,
        seller=seller,
        expires_at=sandbox_now() + AUTH_CODE_SECONDS,
    )


def token_get(*, app_key: str, app_secret: str, auth_code: str, grant_type: str) -> dict:
    app_credentials_check(app_key=app_key, app_secret=app_secret)
    if grant_type != "authorized_code":
        raise errors.invalid_parameter("The `grant_type` query parameter must be authorized_code.")
    now = sandbox_now()
    with transaction.atomic():
        # A conditional UPDATE: of two concurrent exchanges of one code, only one gets it.
        used = TikTokShopAuthCode.objects.filter(code=auth_code, app_key=app_key, used_at__isnull=True, expires_at__gt=now).update(
            used_at=now
        )
        if not used:
            raise errors.invalid_auth_code()
        seller = TikTokShopAuthCode.objects.values_list("seller", flat=True).get(code=auth_code)
        grant = TikTokShopGrant.objects.create(
            app_key=app_key, seller=seller, refresh_token="TTP_" + secrets.token_urlsafe(40), refresh_expires_at=now + REFRESH_TOKEN_SECONDS
        )
        access = _access_token_issue(grant, now)
    return _token_data(grant, access)


def token_refresh(*, app_key: str, app_secret: str, refresh_token: str, grant_type: str) -> dict:
    app_credentials_check(app_key=app_key, app_secret=app_secret)
    if grant_type != "refresh_token":
        raise errors.invalid_parameter("The `grant_type` query parameter must be refresh_token.")
    now = sandbox_now()
    grant = TikTokShopGrant.objects.filter(
        refresh_token=refresh_token, app_key=app_key, revoked_at__isnull=True, refresh_expires_at__gt=now
    ).first()
    if grant is None:
        raise errors.unknown_refresh_token()
    return _token_data(grant, _access_token_issue(grant, now))


def _access_token_issue(grant: TikTokShopGrant, now: int) -> TikTokShopAccessToken:
    return TikTokShopAccessToken.objects.create(
        grant=grant, token="TTP_" + secrets.token_urlsafe(48), expires_at=now + ACCESS_TOKEN_SECONDS
    )


def _token_data(grant: TikTokShopGrant, access: TikTokShopAccessToken) -> dict:
    seller = SELLERS[grant.seller]
    return {
        "access_token": access.token,
        "access_token_expire_in": access.expires_at,
        "refresh_token": grant.refresh_token,
        "refresh_token_expire_in": grant.refresh_expires_at,
        "open_id": rng("tiktok_shop", "seller", seller.key, "open_id").digits(19),
        "seller_name": seller.name,
        "seller_base_region": seller.region,
        "user_type": 0,
        "granted_scopes": list(GRANTED_SCOPES),
    }


@dataclass(frozen=True)
class Authorization:
    """Who an access token speaks for."""

    seller: str
    app_key: str

    def shops(self) -> list[Shop]:
        return shop_directory().for_seller(self.seller)


def access_token_check(*, token: str, app_key: str) -> Authorization:
    """The authorization behind ``token``; the platform's errors when it is missing, unknown,
    revoked or expired."""
    if not token:
        raise errors.invalid_access_token()
    row = (
        TikTokShopAccessToken.objects.filter(token=token)
        .values_list("expires_at", "grant__seller", "grant__app_key", "grant__revoked_at")
        .first()
    )
    if row is None:
        raise errors.invalid_access_token()
    expires_at, seller, token_app_key, revoked_at = row
    if revoked_at is not None or token_app_key != app_key:
        raise errors.invalid_access_token()
    if expires_at <= sandbox_now():
        raise errors.expired_access_token()
    return Authorization(seller=seller, app_key=token_app_key)


def _grants(*, seller: str | None, shop_id: str | None):
    if shop_id is not None:
        shop = shop_directory().by_id.get(str(shop_id))
        if shop is None:
            raise ApplicationError(f"No sandbox shop {shop_id!r}.", code="unknown_shop", status=404)
        seller = shop.seller
    if seller is None:
        raise ApplicationError("Name a seller or a shop_id.", code="invalid_request")
    seller_get(seller)
    return TikTokShopGrant.objects.filter(seller=seller)


def access_tokens_expire(*, seller: str | None = None, shop_id: str | None = None) -> int:
    """Expire every access token of the seller now (refresh tokens stay good); returns how many."""
    now = sandbox_now()
    return TikTokShopAccessToken.objects.filter(grant__in=_grants(seller=seller, shop_id=shop_id), expires_at__gt=now).update(
        expires_at=now
    )


def grants_revoke(*, seller: str | None = None, shop_id: str | None = None) -> int:
    """The seller deauthorizes the app: its access and refresh tokens stop working."""
    return _grants(seller=seller, shop_id=shop_id).filter(revoked_at__isnull=True).update(revoked_at=sandbox_now())
