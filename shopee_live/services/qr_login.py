"""The Seller Center QR login: a QR from Shopee (or one issued elsewhere), its status polled,
and on CONFIRMED the session stored, encrypted, on the tenant's account of that Shopee user in
that region (a new one in the studio otherwise). Upstream trouble never raises to the page: the
QR keeps its status with a message, and past its lifetime it expires with a clear "scan again"."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.db import transaction
from django.utils import timezone

from core.errors import CoreError
from core.exceptions import ApplicationError
from core.http import UpstreamError
from core.locks import named_lock
from core.models import ConnectionStatus, Tenant
from shopee_live.client import ShopeeWebClient
from shopee_live.models import QrLogin, QrLoginStatus, ShopeeAccount, Studio
from shopee_live.regions import MARKETS, market
from shopee_live.services.accounts import creator_profile_fill, region_checked
from shopee_live.services.sync import account_connected

WEB_SESSION_LIFETIME = timedelta(days=30)
QR_LIFETIME = timedelta(seconds=120)
QR_EXPIRED_MESSAGE = "This code expired. Scan again."


def qr_universal_link(qr_login: QrLogin) -> str:
    """What the QR encodes: the Shopee app opens it and asks to confirm the login."""
    return f"https://shopee.{market(qr_login.region).domain}/universal-link/qrcode-login?{urlencode({'id': qr_login.qrcode_id})}"


def qr_login_start(*, tenant: Tenant, user, studio: Studio, region: str) -> QrLogin:
    """Ask Shopee for a login QR in ``region``; the page renders it and polls its status."""
    region = region_checked(region)
    if studio.tenant_id != tenant.pk:
        raise ApplicationError("No such studio.", code=CoreError.NOT_FOUND, status=404)
    with ShopeeWebClient(tenant=tenant, region=region) as client:
        data = client.qr_generate()
    qrcode_id = str(data.get("qrcode_id") or "")
    if not qrcode_id:
        raise ApplicationError("Shopee sent no QR code; try again.", code=CoreError.UPSTREAM_ERROR, status=502)
    now = timezone.now()
    return QrLogin.objects.create(
        tenant=tenant, qrcode_id=qrcode_id, region=region, studio=studio, created_by=user, created_at=now, expires_at=now + QR_LIFETIME
    )


def qr_login_track(*, tenant: Tenant, user, studio: Studio, region: str, qrcode_id: str) -> QrLogin:
    """Follow a QR Shopee issued elsewhere (the same ``qrcode_id``): ``qr_login_poll`` then
    finishes it like one from ``qr_login_start``."""
    region = region_checked(region)
    if studio.tenant_id != tenant.pk:
        raise ApplicationError("No such studio.", code=CoreError.NOT_FOUND, status=404)
    qrcode_id = (qrcode_id or "").strip()
    if not qrcode_id or len(qrcode_id) > 200:
        raise _qr_id_error()
    now = timezone.now()
    qr, _ = QrLogin.objects.for_tenant(tenant).get_or_create(
        tenant=tenant,
        qrcode_id=qrcode_id,
        defaults={"region": region, "studio": studio, "created_by": user, "created_at": now, "expires_at": now + QR_LIFETIME},
    )
    return qr


def _qr_id_error() -> ApplicationError:
    return ApplicationError("Send the qrcode_id Shopee issued.", code=CoreError.INVALID, extra={"fields": {"qrcode_id": ["Required."]}})


def qr_login_poll(*, tenant: Tenant, qr_login: QrLogin) -> QrLogin:
    """Where the QR stands now; on CONFIRMED the login is finished and the session stored on
    the account (a new one, or the tenant's account of that Shopee user in that region).
    Upstream trouble never raises: the QR keeps its status with a message, and past its
    lifetime it expires."""
    with named_lock(f"shopee-qr:{qr_login.pk}", ttl=60, wait=30):
        qr = QrLogin.objects.for_tenant(tenant).get(pk=qr_login.pk)
        if qr.status not in (QrLoginStatus.NEW, QrLoginStatus.SCANNED):
            return qr
        try:
            # One attempt per poll: the page polls again in two seconds anyway.
            with ShopeeWebClient(tenant=tenant, region=qr.region, max_attempts=1) as client:
                answer = client.qr_status(qr.qrcode_id)
                status = str(answer.get("status") or "").upper()
                if status == QrLoginStatus.CONFIRMED:
                    login = client.qr_login(str(answer.get("qrcode_token") or ""))
                    return _qr_login_finish(qr, login)
        except UpstreamError as exc:
            if timezone.now() >= qr.expires_at:
                return _qr_set(qr, QrLoginStatus.EXPIRED, QR_EXPIRED_MESSAGE)
            return _qr_set(qr, qr.status, f"Shopee did not answer ({exc.message[:200]}); still waiting.")
        if status == QrLoginStatus.EXPIRED or (status not in QrLoginStatus.values and timezone.now() >= qr.expires_at):
            return _qr_set(qr, QrLoginStatus.EXPIRED, QR_EXPIRED_MESSAGE)
        if status == QrLoginStatus.CANCELED:
            return _qr_set(qr, QrLoginStatus.CANCELED, "The login was cancelled on the phone. Scan again.")
        if status == QrLoginStatus.SCANNED:
            return _qr_set(qr, QrLoginStatus.SCANNED, "Scanned — confirm on your phone.")
        return _qr_set(qr, QrLoginStatus.NEW, "")


def _qr_set(qr: QrLogin, status: str, message: str) -> QrLogin:
    if (qr.status, qr.message) != (status, message):
        qr.status, qr.message = status, message
        qr.save(update_fields=["status", "message"])
    return qr


def _qr_login_finish(qr: QrLogin, login: dict) -> QrLogin:
    token = str(login.get("token") or "")
    user_id = str(login.get("user_id") or "")
    if not token or not user_id:
        return _qr_set(qr, QrLoginStatus.EXPIRED, "Shopee did not finish the login. Scan again.")
    region = str(login.get("region") or qr.region).upper()
    region = region if region in MARKETS else qr.region
    now = timezone.now()
    with transaction.atomic():
        account = ShopeeAccount.objects.for_tenant(qr.tenant_id).select_for_update().filter(region=region, user_id=user_id).first()
        if account is None:
            account = ShopeeAccount(
                tenant_id=qr.tenant_id, studio_id=qr.studio_id, region=region, user_id=user_id, connected_by=qr.created_by
            )
        account.name = str(login.get("username") or login.get("shop_name") or account.name or f"Shopee user {user_id}")[:200]
        account.shop_id = str(login.get("shop_id") or account.shop_id or "")
        account.currency = market(region).currency
        account.web_session = token
        account.web_session_expires_at = now + WEB_SESSION_LIFETIME
        account.status, account.status_reason = ConnectionStatus.ACTIVE, ""
        account.save()
        qr.account = account
        qr.status, qr.message = QrLoginStatus.CONFIRMED, f"Connected {account.name}."
        qr.save(update_fields=["account", "status", "message"])
        account_connected(account=account)
    creator_profile_fill(account)
    return qr
