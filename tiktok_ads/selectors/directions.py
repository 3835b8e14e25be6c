"""Reads of ad accounts, directions and the per-tenant TikTok UI switch.

A direction's platform reads as stored, a legacy row without one as facebook; the ``platform``
filter takes the UI's and the API's names (instagram = facebook, ``platforms.py``)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from core.exceptions import NotFound
from core.models import Tenant
from tiktok_ads.models import AdAccount, Direction, Platform, TikTokAdsSettings

SHOW_TIKTOK_MEMO = "_tiktok_ads_show_tiktok"


def tiktok_ui_enabled(tenant: Tenant | None) -> bool:
    """The seed's ``FEATURES.SHOW_TIKTOK`` for ``tenant``: on unless an owner or admin turned it
    off. Read once per tenant object (a request's navigation and page ask several times)."""
    if tenant is None:
        return True
    memo = getattr(tenant, SHOW_TIKTOK_MEMO, None)
    if memo is None:
        found = TikTokAdsSettings.objects.for_tenant(tenant).values_list("show_tiktok", flat=True).first()
        memo = True if found is None else found
        setattr(tenant, SHOW_TIKTOK_MEMO, memo)
    return memo


def ad_accounts_for_tenant(tenant: Tenant) -> QuerySet[AdAccount]:
    return AdAccount.objects.for_tenant(tenant).select_related("advertiser").order_by("name", "id")


def ad_account_get(tenant: Tenant, pk, *, field: str = "ad_account") -> AdAccount:
    """The tenant's ad account ``pk``; a missing one or another tenant's is a 404 naming ``field``."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound(f"{field}: no ad account {pk!r} in this workspace.", extra={"fields": {field: ["Unknown ad account."]}}) from None
    account = ad_accounts_for_tenant(tenant).filter(pk=pk).first()
    if account is None:
        raise NotFound(f"{field}: no ad account {pk} in this workspace.", extra={"fields": {field: ["Unknown ad account."]}})
    return account


def ad_account_currency(account: AdAccount) -> str:
    """The currency budgets of ``account`` are in: its advertiser's, KZT (the seed's) without one."""
    if account.advertiser_id and account.advertiser.currency:
        return account.advertiser.currency.upper()
    return "KZT"


def directions_list(tenant: Tenant, *, platform: str | None = None, ad_account_id: int | None = None) -> QuerySet[Direction]:
    """The tenant's directions, of one stored platform (facebook includes legacy rows without one)
    and/or one ad account."""
    rows = Direction.objects.for_tenant(tenant).select_related("ad_account", "ad_account__advertiser")
    if platform == Platform.FACEBOOK:
        rows = rows.filter(Q(platform=Platform.FACEBOOK) | Q(platform=""))
    elif platform:
        rows = rows.filter(platform=platform)
    if ad_account_id is not None:
        rows = rows.filter(ad_account_id=ad_account_id)
    return rows.order_by("ad_account__name", "name", "platform", "id")


def direction_get(tenant: Tenant, pk, *, field: str = "id") -> Direction:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound(f"{field}: no direction {pk!r} in this workspace.", extra={"fields": {field: ["Unknown direction."]}}) from None
    found = directions_list(tenant).filter(pk=pk).first()
    if found is None:
        raise NotFound(f"{field}: no direction {pk} in this workspace.", extra={"fields": {field: ["Unknown direction."]}})
    return found
