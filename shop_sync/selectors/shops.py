"""The tenant's shops, without their tokens."""

from __future__ import annotations

from django.db.models import QuerySet

from core.exceptions import ApplicationError, NotFound
from core.models import Tenant
from shop_sync.errors import ShopSyncError
from shop_sync.models import ConnectionStatus, ShopConnection

# --- Shops --------------------------------------------------------------------------------


# Reads never need the tokens: leaving them out spares a decryption per shop and keeps secrets
# out of every page's memory.
SHOP_SECRETS = ("access_token", "refresh_token")
ORDER_LIST_DEFERRED = ("content_hash", *(f"shop__{name}" for name in SHOP_SECRETS))


def shops_for_tenant(tenant: Tenant) -> QuerySet[ShopConnection]:
    return ShopConnection.objects.for_tenant(tenant).defer(*SHOP_SECRETS).order_by("name", "id")


def shop_get(tenant: Tenant, *, shop_id: str) -> ShopConnection:
    """The tenant's shop with the platform's ``shop_id``; another tenant's is the same 404 as a
    missing one."""
    shop = shops_for_tenant(tenant).filter(shop_id=shop_id).first()
    if shop is None:
        raise NotFound("No such shop in this tenant.", code=ShopSyncError.SHOP_NOT_FOUND)
    return shop


def shop_resolve_for_sync(tenant: Tenant, *, shop_id: str | None) -> ShopConnection:
    """The shop a sync request means: the named one, else the tenant's only active shop. With
    several active shops the caller must say which (400), so a sync never starts on a guess."""
    if shop_id:
        return shop_get(tenant, shop_id=shop_id)
    active = list(shops_for_tenant(tenant).filter(status=ConnectionStatus.ACTIVE)[:50])
    if not active:
        raise ApplicationError("Connect a TikTok Shop first: this tenant has no active shop.", code=ShopSyncError.NO_SHOP, status=400)
    if len(active) > 1:
        ids = ", ".join(shop.shop_id for shop in active)
        raise ApplicationError(
            f"This tenant has {len(active)} active shops; say which one with shop_id ({ids}).",
            code=ShopSyncError.SHOP_REQUIRED,
            extra={"fields": {"shop_id": ["Required when the tenant has several active shops."]}},
        )
    return active[0]


def shops_needing_reauth(tenant: Tenant) -> QuerySet[ShopConnection]:
    """Shops whose tokens the platform refused: someone has to authorize them again."""
    return shops_for_tenant(tenant).filter(status=ConnectionStatus.NEEDS_REAUTH)
