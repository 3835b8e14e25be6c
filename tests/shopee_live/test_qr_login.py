"""The Seller Center QR login against the sandbox: a QR from Shopee, its status polled, the
session stored on a new or existing account when confirmed, a clear "scan again" on expiry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from core.exceptions import ApplicationError
from core.models import ConnectionStatus
from shopee_live.models import QrLogin, QrLoginStatus, ShopeeAccount
from shopee_live.services import qr_login_poll, qr_login_start, qr_universal_link
from tests.shopee_live.account_fixtures import make_account, sandbox_account


def test_a_confirmed_qr_stores_the_session_on_a_new_account(sandbox, tenant_a, owner_a, studio_a):
    expected = sandbox_account()
    qr = qr_login_start(tenant=tenant_a, user=owner_a, studio=studio_a, region="ID")
    assert (qr.status, qr.region, qr.studio, qr.created_by) == (QrLoginStatus.NEW, "ID", studio_a, owner_a)
    assert qr_universal_link(qr) == f"https://shopee.co.id/universal-link/qrcode-login?id={qr.qrcode_id}"

    assert qr_login_poll(tenant=tenant_a, qr_login=qr).status == QrLoginStatus.NEW
    from sandbox.emulators.shopee.tokens import qr_confirm

    qr_confirm(qrcode_id=qr.qrcode_id, account="demo-id-1", action="scan")
    scanned = qr_login_poll(tenant=tenant_a, qr_login=qr)
    assert (scanned.status, scanned.message) == (QrLoginStatus.SCANNED, "Scanned — confirm on your phone.")

    sandbox.shopee_qr_confirm(qr.qrcode_id, "demo-id-1")
    done = qr_login_poll(tenant=tenant_a, qr_login=qr)

    assert done.status == QrLoginStatus.CONFIRMED
    account = ShopeeAccount.objects.for_tenant(tenant_a).get()
    assert done.account == account
    assert (account.name, account.user_id, account.shop_id, account.region, account.currency, account.studio) == (
        expected["username"],
        str(expected["user_id"]),
        str(expected["shop_id"]),
        "ID",
        "IDR",
        studio_a,
    )
    assert account.follower_count > 0  # read from the creator profile with the new session
    assert account.web_session and timedelta(days=29) < account.web_session_expires_at - timezone.now() <= timedelta(days=30)
    assert (account.access_token, account.status) == ("", ConnectionStatus.ACTIVE)
    with connection.cursor() as cursor:
        cursor.execute("SELECT web_session FROM shopee_live_shopeeaccount")
        assert cursor.fetchone()[0] != account.web_session
    # Polling a finished QR asks Shopee nothing more.
    calls = len(sandbox.calls)
    assert qr_login_poll(tenant=tenant_a, qr_login=qr).status == QrLoginStatus.CONFIRMED
    assert len(sandbox.calls) == calls


def test_a_qr_login_of_a_known_user_updates_that_account(sandbox, tenant_a, owner_a, studio_a):
    expected = sandbox_account()
    existing = make_account(tenant_a, studio_a, user_id=str(expected["user_id"]), web_session="spc-old")
    ShopeeAccount.objects.for_tenant(tenant_a).update(
        status=ConnectionStatus.NEEDS_REAUTH, status_reason="The Seller Center session expired"
    )
    qr = qr_login_start(tenant=tenant_a, user=owner_a, studio=studio_a, region="ID")
    sandbox.shopee_qr_confirm(qr.qrcode_id, "demo-id-1")

    done = qr_login_poll(tenant=tenant_a, qr_login=qr)

    stored = ShopeeAccount.objects.for_tenant(tenant_a).get()
    assert done.account == stored and stored.pk == existing.pk
    assert stored.web_session not in ("", "spc-old")
    assert (stored.status, stored.status_reason, stored.access_token) == (ConnectionStatus.ACTIVE, "", "open-token-7001")


def test_an_expired_qr_says_scan_again(sandbox, tenant_a, owner_a, studio_a):
    qr = qr_login_start(tenant=tenant_a, user=owner_a, studio=studio_a, region="VN")
    sandbox.shopee_clock(advance_seconds=121)

    expired = qr_login_poll(tenant=tenant_a, qr_login=qr)

    assert (expired.status, expired.message) == (QrLoginStatus.EXPIRED, "This code expired. Scan again.")
    assert not ShopeeAccount.all_tenants.exists()


def test_an_unreachable_shopee_keeps_polling_until_the_qr_is_past_its_life(sandbox, tenant_a, owner_a, studio_a):
    qr = qr_login_start(tenant=tenant_a, user=owner_a, studio=studio_a, region="ID")
    sandbox.set_faults("shopee-web", status=503)

    waiting = qr_login_poll(tenant=tenant_a, qr_login=qr)
    assert waiting.status == QrLoginStatus.NEW and "still waiting" in waiting.message

    QrLogin.objects.for_tenant(tenant_a).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert qr_login_poll(tenant=tenant_a, qr_login=qr).status == QrLoginStatus.EXPIRED


def test_a_bad_region_or_another_tenants_studio_is_refused(tenant_a, tenant_b, owner_a, studio_a):
    from tests.shopee_live.account_fixtures import make_studio

    with pytest.raises(ApplicationError) as caught:
        qr_login_start(tenant=tenant_a, user=owner_a, studio=studio_a, region="BR")
    assert caught.value.extra["fields"]["region"]
    with pytest.raises(ApplicationError) as caught:
        qr_login_start(tenant=tenant_a, user=owner_a, studio=make_studio(tenant_b), region="ID")
    assert caught.value.status == 404


def test_a_login_cancelled_on_the_phone_says_so(sandbox, tenant_a, owner_a, studio_a):
    from sandbox.emulators.shopee.tokens import qr_confirm

    qr = qr_login_start(tenant=tenant_a, user=owner_a, studio=studio_a, region="ID")
    qr_confirm(qrcode_id=qr.qrcode_id, account="demo-id-1", action="cancel")

    cancelled = qr_login_poll(tenant=tenant_a, qr_login=qr)

    assert (cancelled.status, cancelled.message) == (QrLoginStatus.CANCELED, "The login was cancelled on the phone. Scan again.")
    assert not ShopeeAccount.all_tenants.exists()
