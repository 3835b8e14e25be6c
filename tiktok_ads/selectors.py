"""Reads of advertisers, connections and stores. GMV Max uses these (never the models directly):
``advertisers_for_tenant``, ``gmvmax_stores`` and ``shop_numbers``."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from core.exceptions import ApplicationError
from core.models import Tenant
from tiktok_ads.errors import TikTokAdsError
from tiktok_ads.models import Advertiser, AdvertiserStore, BusinessConnection, ConnectionStatus


class UnknownShopNumber(ApplicationError):
    """A ``shopNumber`` the tenant has no GMV Max store for (400)."""

    status = 400
    code = TikTokAdsError.UNKNOWN_SHOP_NUMBER


def advertisers_for_tenant(tenant: Tenant, *, active_only: bool = True) -> QuerySet[Advertiser]:
    """The tenant's advertisers (active ones by default) with their connection and stores."""
    rows = Advertiser.objects.for_tenant(tenant)
    if active_only:
        rows = rows.filter(is_active=True)
    stores = AdvertiserStore.objects.for_tenant(tenant).order_by("shop_number", "id")
    return rows.select_related("connection").prefetch_related(Prefetch("stores", queryset=stores)).order_by("name", "id")


def connections_for_tenant(tenant: Tenant) -> QuerySet[BusinessConnection]:
    return BusinessConnection.objects.for_tenant(tenant).exclude(status=ConnectionStatus.DISCONNECTED).order_by("id")


def connection_get(tenant: Tenant, pk: int) -> BusinessConnection | None:
    return BusinessConnection.objects.for_tenant(tenant).filter(pk=pk).first()


def connections_with_advertisers(tenant: Tenant) -> list[tuple[BusinessConnection, list[Advertiser]]]:
    """The tenant's connections (not disconnected) in order, each with its active advertisers
    (stores prefetched): what the advertisers page lists."""
    by_connection: dict[int, list[Advertiser]] = {}
    for advertiser in advertisers_for_tenant(tenant):
        by_connection.setdefault(advertiser.connection_id, []).append(advertiser)
    connections = connections_for_tenant(tenant).select_related("connected_by")
    return [(connection, by_connection.get(connection.pk, [])) for connection in connections]


def _gmvmax_rows(tenant: Tenant) -> QuerySet[AdvertiserStore]:
    return (
        AdvertiserStore.objects.for_tenant(tenant)
        .filter(advertiser__is_active=True, is_gmv_max_available=True)
        .select_related("advertiser", "advertiser__connection")
        .order_by("shop_number", "advertiser__name", "id")
    )


def gmvmax_stores(tenant: Tenant, shop_number: int | None = None) -> list[AdvertiserStore]:
    """(advertiser, store) rows GMV Max reports cover: active advertisers' GMV-Max-available
    stores, of one shop number or all. ``UnknownShopNumber`` for a number the tenant hasn't."""
    rows = _gmvmax_rows(tenant)
    if shop_number is not None:
        rows = list(rows.filter(shop_number=shop_number))
        if not rows:
            raise UnknownShopNumber(f"Unknown shopNumber {shop_number}: this workspace has no GMV Max shop with that number.")
        return rows
    return list(rows)


def shop_numbers(tenant: Tenant) -> list[tuple[int, str]]:
    """``[(shop number, store name)]`` of the stores ``gmvmax_stores`` covers, by number."""
    seen: dict[int, str] = {}
    for number, name, store_id in _gmvmax_rows(tenant).values_list("shop_number", "name", "store_id"):
        seen.setdefault(number, name or store_id)
    return sorted(seen.items())
