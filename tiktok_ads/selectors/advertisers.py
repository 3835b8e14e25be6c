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


def advertisers_listed(tenant: Tenant) -> QuerySet[Advertiser]:
    """The active advertisers of connections not disconnected (what the ad accounts page lists),
    with their connection and stores."""
    return advertisers_for_tenant(tenant).exclude(connection__status=ConnectionStatus.DISCONNECTED)


def has_active_advertiser(tenant: Tenant) -> bool:
    """Onboarding: is an ad account connected?"""
    return advertisers_listed(tenant).exists()


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


# --- For GMV Max: rows and querysets it uses (and embeds as subqueries) without naming these
# tables or models itself.


def advertiser_get(tenant: Tenant | int, pk: int) -> Advertiser | None:
    """An active advertiser of the tenant with its connection (what a client is built from)."""
    return Advertiser.objects.for_tenant(tenant).select_related("connection", "tenant").filter(pk=pk, is_active=True).first()


def advertiser_stores(advertiser: Advertiser) -> list[AdvertiserStore]:
    return list(AdvertiserStore.objects.for_tenant(advertiser.tenant_id).filter(advertiser=advertiser).order_by("shop_number", "id"))


def advertisers_report_rows(tenant: Tenant) -> QuerySet:
    """Active advertisers as ``id, name, currency, time_zone`` rows (a report joins them)."""
    return Advertiser.objects.for_tenant(tenant).filter(is_active=True).order_by().values("id", "name", "currency", "time_zone")


def gmvmax_advertiser_rows(tenant: Tenant, shop_number: int | None = None) -> QuerySet:
    """The advertisers ``gmvmax_stores`` covers (of one shop number or all) as
    ``id, advertiser_id, name, time_zone`` rows, one per advertiser."""
    stores = AdvertiserStore.objects.for_tenant(tenant).filter(is_gmv_max_available=True)
    if shop_number is not None:
        stores = stores.filter(shop_number=shop_number)
    return (
        Advertiser.objects.for_tenant(tenant)
        .filter(is_active=True, pk__in=stores.values("advertiser_id"))
        .order_by("id")
        .values("id", "advertiser_id", "name", "time_zone")
    )


def advertiser_ids_by_pk(tenant: Tenant, pks: list[int]) -> dict[int, str]:
    """``{pk: platform advertiser_id}``."""
    return dict(Advertiser.objects.for_tenant(tenant).filter(pk__in=pks).values_list("pk", "advertiser_id"))


def tenant_ids_with_active_advertisers() -> list[int]:
    """Cross-tenant on purpose (beat schedulers): the tenants with an active advertiser."""
    return sorted(set(Advertiser.all_tenants.filter(is_active=True).values_list("tenant_id", flat=True)))


def advertisers_of_connection(connection: BusinessConnection) -> list[Advertiser]:
    """The advertisers one authorization reaches, by name."""
    return list(Advertiser.objects.for_tenant(connection.tenant_id).filter(connection=connection).order_by("name", "id"))


def connections_needing_reauth(tenant: Tenant) -> QuerySet[BusinessConnection]:
    """Business API authorizations TikTok refused: someone has to authorize them again."""
    return connections_for_tenant(tenant).filter(status=ConnectionStatus.NEEDS_REAUTH)
