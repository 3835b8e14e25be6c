"""The tenant's studios and the lookups every entry point shares (another tenant's is a 404)."""

from __future__ import annotations

from django.db.models import QuerySet

from core.exceptions import NotFound
from core.models import Tenant
from shopee_live.errors import LiveError
from shopee_live.models import QrLogin, ShopeeAccount, Studio


def studios_for_tenant(tenant: Tenant) -> QuerySet[Studio]:
    return Studio.objects.for_tenant(tenant).order_by("name", "id")


def studio_get(tenant: Tenant, *, studio_id: int) -> Studio:
    """The tenant's studio ``studio_id``; another tenant's is the same 404 as a missing one."""
    studio = studios_for_tenant(tenant).filter(pk=studio_id).first()
    if studio is None:
        raise NotFound("No such studio in this tenant.", extra={"fields": {"studio_id": ["No such studio."]}})
    return studio


# Reads never need the credentials: leaving them out spares the decryption and keeps them out of
# every page's memory.
ACCOUNT_SECRETS = ("access_token", "refresh_token", "web_session")


def accounts_for_tenant(tenant: Tenant, *, studio_id: int | None = None) -> QuerySet[ShopeeAccount]:
    accounts = ShopeeAccount.objects.for_tenant(tenant).defer(*ACCOUNT_SECRETS).select_related("studio")
    if studio_id is not None:
        accounts = accounts.filter(studio_id=studio_id)
    return accounts.order_by("name", "id")


def account_for_tenant(tenant: Tenant, *, account_id: int) -> ShopeeAccount:
    """The tenant's account ``account_id`` without its credentials; another tenant's is a 404."""
    account = accounts_for_tenant(tenant).filter(pk=account_id).first()
    if account is None:
        raise NotFound(
            "No such Shopee account in this tenant.",
            code=LiveError.ACCOUNT_NOT_FOUND,
            extra={"fields": {"shopee_account_id": ["No such account."]}},
        )
    return account


def qr_login_get(tenant: Tenant, *, qrcode_id: str) -> QrLogin:
    """The tenant's QR login with Shopee's ``qrcode_id``; another tenant's is a 404."""
    qr_login = QrLogin.objects.for_tenant(tenant).select_related("studio", "account").filter(qrcode_id=qrcode_id).first()
    if qr_login is None:
        raise NotFound("No such QR login in this tenant.", extra={"fields": {"qrcode_id": ["No such QR code."]}})
    return qr_login
