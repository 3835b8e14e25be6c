"""Credentials of both Shopee surfaces, kept in sandbox tables.

Open Platform: ``shop/auth_partner`` issues a 32-hex code (single use, 10 minutes);
``auth/token/get`` exchanges it for an access token (4 hours) and a refresh token (30 days,
single use: ``auth/access_token/get`` spends it and returns a new pair). Seller Center: a QR
(120 seconds) confirmed on the phone becomes a ``qrcode_token``, which ``qrcode_login`` trades
for the ``SPC_EC`` cookie (30 days). Expiries are on the Shopee clock (``data.sandbox_now``).
"""

from __future__ import annotations

import base64
import secrets

from django.db import transaction

from core.exceptions import ApplicationError
from sandbox.emulators.shopee.data import Account, account_get, sandbox_now
from sandbox.models import ShopeeAuthCode, ShopeeQrCode, ShopeeToken, ShopeeWebSession

AUTH_CODE_SECONDS = 10 * 60
ACCESS_TOKEN_SECONDS = 4 * 3600
REFRESH_TOKEN_SECONDS = 30 * 86400
QR_SECONDS = 120
WEB_SESSION_SECONDS = 30 * 86400


class OpenApiError(Exception):
    """An Open Platform error: ``error`` code and ``message``, HTTP status 200 unless said."""

    def __init__(self, error: str, message: str, *, status: int = 200):
        super().__init__(message)
        self.error, self.message, self.status = error, message, status


def account_require(key: str) -> Account:
    account = account_get(str(key or ""))
    if account is None:
        raise ApplicationError(
            f"No sandbox Shopee account {key!r}; GET /sandbox/_control/shopee/accounts lists them.", code="unknown_account", status=404
        )
    return account


# --- Open Platform -------------------------------------------------------------------------


def auth_code_issue(*, account: str) -> str:
    """The code ``shop/auth_partner`` hands to the redirect when ``account`` authorizes."""
    account_require(account)
    return ShopeeAuthCode.objects.create(code=secrets.token_hex(16), account=account, expires_at=sandbox_now() + AUTH_CODE_SECONDS).code


def _pair_issue(account: str, now: int) -> ShopeeToken:
    return ShopeeToken.objects.create(
        account=account,
        access_token=secrets.token_hex(16),
        access_expires_at=now + ACCESS_TOKEN_SECONDS,
        refresh_token=secrets.token_hex(16),
        refresh_expires_at=now + REFRESH_TOKEN_SECONDS,
    )


def token_get(*, code: str) -> tuple[Account, ShopeeToken]:
    now = sandbox_now()
    with transaction.atomic():
        # A conditional UPDATE: of two concurrent exchanges of one code, only one gets it.
        used = ShopeeAuthCode.objects.filter(code=code, used_at__isnull=True, expires_at__gt=now).update(used_at=now)
        if not used:
            raise OpenApiError("invalid_code", "The code is expired or used or invalid, please check the code.")
        account = ShopeeAuthCode.objects.values_list("account", flat=True).get(code=code)
        return account_get(account), _pair_issue(account, now)


def token_refresh(*, refresh_token: str) -> tuple[Account, ShopeeToken]:
    now = sandbox_now()
    with transaction.atomic():
        used = ShopeeToken.objects.filter(
            refresh_token=refresh_token, refresh_used_at__isnull=True, revoked_at__isnull=True, refresh_expires_at__gt=now
        ).update(refresh_used_at=now)
        if not used:
            raise OpenApiError("error_auth", "Invalid refresh_token.")
        account = ShopeeToken.objects.values_list("account", flat=True).get(refresh_token=refresh_token)
        return account_get(account), _pair_issue(account, now)


def access_token_account(token: str) -> Account:
    """The account an access token speaks for; ``invalid_access_token`` when unknown, expired or revoked."""
    row = ShopeeToken.objects.filter(access_token=token or "").values_list("account", "access_expires_at", "revoked_at").first()
    if row is None or row[2] is not None or row[1] <= sandbox_now():
        raise OpenApiError("invalid_access_token", "Invalid access_token.")
    return account_get(row[0])


def tokens_expire(*, account: str) -> int:
    """Every access token of the account expires now (refresh tokens stay good)."""
    account_require(account)
    now = sandbox_now()
    return ShopeeToken.objects.filter(account=account, access_expires_at__gt=now).update(access_expires_at=now)


def tokens_revoke(*, account: str) -> int:
    """The account cancels the authorization: access and refresh tokens stop working."""
    account_require(account)
    return ShopeeToken.objects.filter(account=account, revoked_at__isnull=True).update(revoked_at=sandbox_now())


def tokens_issue(*, account: str) -> ShopeeToken:
    """A fresh pair without the consent page (control: the bench connects 200 accounts)."""
    account_require(account)
    return _pair_issue(account, sandbox_now())


# --- Seller Center web ---------------------------------------------------------------------


def qr_status(qr: ShopeeQrCode, now: int) -> str:
    if qr.status in ("NEW", "SCANNED") and now >= qr.created_at + QR_SECONDS:
        return "EXPIRED"
    return qr.status


def qr_create() -> ShopeeQrCode:
    return ShopeeQrCode.objects.create(qrcode_id=base64.urlsafe_b64encode(secrets.token_bytes(24)).decode(), created_at=sandbox_now())


QR_ACTIONS = {"confirm": "CONFIRMED", "scan": "SCANNED", "cancel": "CANCELED"}


def qr_confirm(*, qrcode_id: str, account: str, action: str = "confirm") -> ShopeeQrCode:
    """The phone of ``account`` answers the QR: ``confirm`` (scan and log in), ``scan`` (scanned,
    not confirmed yet) or ``cancel`` (the user refuses on the phone)."""
    account_require(account)
    if action not in QR_ACTIONS:
        raise ApplicationError(f"action must be one of {', '.join(QR_ACTIONS)}.", code="invalid_request")
    qr = ShopeeQrCode.objects.filter(qrcode_id=qrcode_id or "").first()
    if qr is None:
        raise ApplicationError(f"No QR {qrcode_id!r}.", code="unknown_qrcode", status=404)
    status = qr_status(qr, sandbox_now())
    if status not in ("NEW", "SCANNED"):
        raise ApplicationError(f"The QR is {status}; only a NEW or SCANNED QR can be answered.", code="qrcode_not_pending", status=409)
    qr.account = account
    qr.status = QR_ACTIONS[action]
    qr.qrcode_token = secrets.token_urlsafe(32) if action == "confirm" else ""
    qr.save(update_fields=["account", "status", "qrcode_token"])
    return qr


def qr_pending(limit: int = 20) -> list[ShopeeQrCode]:
    now = sandbox_now()
    rows = ShopeeQrCode.objects.filter(status__in=("NEW", "SCANNED"), created_at__gt=now - QR_SECONDS).order_by("-id")[:limit]
    return list(rows)


def qr_login(*, qrcode_token: str) -> ShopeeWebSession | None:
    """The web session for a confirmed QR's token (single use); None when the token is no good."""
    now = sandbox_now()
    with transaction.atomic():
        used = ShopeeQrCode.objects.filter(qrcode_token=qrcode_token or "-", status="CONFIRMED", used_at__isnull=True).update(used_at=now)
        if not used:
            return None
        account = ShopeeQrCode.objects.values_list("account", flat=True).get(qrcode_token=qrcode_token)
        return web_session_issue(account=account)


def web_session_issue(*, account: str) -> ShopeeWebSession:
    account_require(account)
    return ShopeeWebSession.objects.create(token=secrets.token_urlsafe(48), account=account, expires_at=sandbox_now() + WEB_SESSION_SECONDS)


def web_session_account(token: str) -> Account | None:
    row = ShopeeWebSession.objects.filter(token=token or "-").values_list("account", "expires_at", "revoked_at").first()
    if row is None or row[2] is not None or row[1] <= sandbox_now():
        return None
    return account_get(row[0])


def web_sessions_expire(*, account: str) -> int:
    account_require(account)
    now = sandbox_now()
    return ShopeeWebSession.objects.filter(account=account, expires_at__gt=now).update(expires_at=now)
