"""Reads of the Accounts page: studios with their accounts and what each credential holds
(expiries, masked tokens: a token is never shown in full), and one QR login of the tenant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from core.fields import mask_secret
from shopee_live.models import QrLogin, ShopeeAccount, Studio


@dataclass(frozen=True)
class Credential:
    """One credential of an account as the page shows it."""

    present: bool
    masked: str
    expires_at: datetime | None
    expired: bool


@dataclass(frozen=True)
class AccountRow:
    account: ShopeeAccount
    open_platform: Credential
    seller_center: Credential

    @property
    def needs_reauth(self) -> bool:
        return self.account.status == "needs_reauth"


@dataclass(frozen=True)
class StudioAccounts:
    studio: Studio
    accounts: list[AccountRow]


def _credential(token: str, expires_at: datetime | None, now: datetime) -> Credential:
    return Credential(bool(token), mask_secret(token), expires_at, bool(token) and expires_at is not None and expires_at <= now)


def account_row(account: ShopeeAccount, *, now: datetime | None = None) -> AccountRow:
    now = now or timezone.now()
    # The Open Platform pair lives as long as its refresh token: an expired access token is
    # renewed on the next call.
    open_expiry = account.refresh_token_expires_at if account.refresh_token else account.access_token_expires_at
    return AccountRow(
        account=account,
        open_platform=_credential(account.refresh_token or account.access_token, open_expiry, now),
        seller_center=_credential(account.web_session, account.web_session_expires_at, now),
    )


def studios_with_accounts(tenant) -> list[StudioAccounts]:
    """Every studio of the tenant (by name) with its accounts (by name)."""
    now = timezone.now()
    accounts: dict[int, list[AccountRow]] = {}
    for account in ShopeeAccount.objects.for_tenant(tenant).order_by("name", "pk"):
        accounts.setdefault(account.studio_id, []).append(account_row(account, now=now))
    return [StudioAccounts(studio, accounts.get(studio.pk, [])) for studio in Studio.objects.for_tenant(tenant).order_by("name", "pk")]


def qr_login_for_page(tenant, pk: int) -> QrLogin:
    """The tenant's QR login ``pk`` (``QrLogin.DoesNotExist`` for another tenant's)."""
    return QrLogin.objects.for_tenant(tenant).select_related("studio", "account").get(pk=pk)
