"""Reads of studios and accounts."""

from __future__ import annotations

from django.db.models import QuerySet

from core.models import ConnectionStatus, Tenant
from shopee_live.models import ShopeeAccount


def accounts_syncable(tenant: Tenant | int) -> QuerySet[ShopeeAccount]:
    """Active accounts with a Seller Center session: the ones the session sync can read (an
    encrypted field can't be compared, so the session's expiry says one is stored)."""
    return ShopeeAccount.objects.for_tenant(tenant).filter(status=ConnectionStatus.ACTIVE, web_session_expires_at__isnull=False)


def tenant_ids_with_accounts() -> list[int]:
    """Tenants with an active Shopee account; cross-tenant on purpose (the beat's fan-out)."""
    return list(ShopeeAccount.all_tenants.filter(status=ConnectionStatus.ACTIVE).values_list("tenant_id", flat=True).distinct())


def account_for_sync(tenant: Tenant | int, account_pk: int) -> ShopeeAccount | None:
    """An active account with its Seller Center session, or None (disconnected since)."""
    return accounts_syncable(tenant).select_related("tenant").filter(pk=account_pk).first()


def accounts_needing_reauth(tenant: Tenant | int) -> QuerySet[ShopeeAccount]:
    """Shopee accounts whose authorization Shopee refused: someone has to connect them again."""
    return ShopeeAccount.objects.for_tenant(tenant).filter(status=ConnectionStatus.NEEDS_REAUTH).order_by("name", "id")
