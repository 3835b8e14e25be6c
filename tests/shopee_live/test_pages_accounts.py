"""The Accounts page: studios and accounts with masked credentials, adding and renaming studios,
the Open Platform authorization round trip and the QR login pages (against the sandbox)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import requests
from django.utils import timezone

from core.models import Role
from shopee_live.models import QrLogin, QrLoginStatus, ShopeeAccount, Studio
from tests.fixtures.html import messages
from tests.shopee_live.account_fixtures import make_account, make_studio

PAGE = "/live/accounts/"


def test_the_page_lists_studios_and_accounts_with_masked_tokens(web_client_for, tenant_a, tenant_b, studio_a):
    account = make_account(tenant_a, studio_a, status="needs_reauth", status_reason="Token refresh refused: Invalid refresh_token.")
    make_account(
        tenant_a, make_studio(tenant_a, "Bandung Studio"), user_id="7002", web_session="", access_token="tok-7002", refresh_token=""
    )
    make_account(tenant_b, make_studio(tenant_b, "Other Studio"), user_id="8001", name="other.shop")
    client, _ = web_client_for(tenant_a, Role.ADMIN)

    response = client.get(PAGE)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Jakarta Studio" in html and "Bandung Studio" in html and "Other Studio" not in html and "other.shop" not in html
    assert f'id="account-{account.pk}"' in html
    for secret in ("open-token-7001", "refresh-token-7001", "spc-ec-7001", "tok-7002"):
        assert secret not in html
    assert "••••••••7001" in html  # the masked tail only
    assert "needs re-authorization" in html.lower() and "Re-authorize" in html
    assert "not connected" in html  # the second account has no Seller Center session


def test_a_viewer_sees_no_connect_actions(web_client_for, tenant_a, studio_a):
    make_account(tenant_a, studio_a)
    client, _ = web_client_for(tenant_a, Role.VIEWER)

    html = client.get(PAGE).content.decode()

    assert "Connect with QR" not in html and "Add studio" not in html
    assert client.post("/live/accounts/studios/", {"name": "X"}).status_code == 403


def test_studios_are_added_and_renamed(web_client_for, tenant_a):
    client, _ = web_client_for(tenant_a, Role.ADMIN)

    response = client.post("/live/accounts/studios/", {"name": "Jakarta Studio"}, follow=True)
    studio = Studio.objects.for_tenant(tenant_a).get()
    assert "Studio Jakarta Studio added" in " ".join(messages(response.content))

    duplicate = client.post("/live/accounts/studios/", {"name": "jakarta studio"}, follow=True)
    assert any("exists already" in message for message in messages(duplicate.content))
    client.post(f"/live/accounts/studios/{studio.pk}/rename/", {"name": "Surabaya Studio"})
    assert Studio.objects.for_tenant(tenant_a).get().name == "Surabaya Studio"


def test_another_tenants_studio_is_a_404(web_client_for, tenant_a, tenant_b):
    other = make_studio(tenant_b, "Other Studio")
    client, _ = web_client_for(tenant_a, Role.ADMIN)

    assert client.post(f"/live/accounts/studios/{other.pk}/rename/", {"name": "Mine"}).status_code in (302, 404)
    assert Studio.objects.for_tenant(tenant_b).get().name == "Other Studio"
    response = client.post("/live/accounts/oauth/start/", {"studio": other.pk, "region": "ID"}, follow=True)
    assert any("No such studio" in message for message in messages(response.content))


def test_the_open_platform_round_trip_through_the_pages(sandbox, web_client_for, tenant_a, studio_a):
    client, _ = web_client_for(tenant_a, Role.ADMIN)

    start = client.post("/live/accounts/oauth/start/", {"studio": studio_a.pk, "region": "ID"})
    assert start.status_code == 302
    consent = requests.post(start["Location"], data={"account": "demo-id-1"}, allow_redirects=False, timeout=5)
    callback = urlsplit(consent.headers["Location"])
    assert callback.path == "/live/accounts/oauth/callback/"
    response = client.get(callback.path, {key: values[0] for key, values in parse_qs(callback.query).items()})

    account = ShopeeAccount.objects.for_tenant(tenant_a).get()
    assert response.status_code == 302 and response["Location"] == f"/live/accounts/#account-{account.pk}"
    assert account.refresh_token and account.studio == studio_a
    replay = client.get(callback.path, {key: values[0] for key, values in parse_qs(callback.query).items()})
    assert replay.status_code == 400  # the state was used


def test_the_qr_pages_poll_until_connected(sandbox, web_client_for, tenant_a, studio_a):
    client, _ = web_client_for(tenant_a, Role.ADMIN)
    assert client.get("/live/accounts/qr/").status_code == 200

    start = client.post("/live/accounts/qr/", {"studio": studio_a.pk, "region": "ID"})
    qr = QrLogin.objects.for_tenant(tenant_a).get()
    assert start["Location"] == f"/live/accounts/qr/{qr.pk}/"
    page = client.get(start["Location"]).content.decode()
    assert 'src="data:image/svg+xml' in page and f'hx-get="/live/accounts/qr/{qr.pk}/status/"' in page

    waiting = client.get(f"/live/accounts/qr/{qr.pk}/status/", HTTP_HX_REQUEST="true")
    assert waiting.status_code == 200 and 'hx-trigger="every 2s"' in waiting.content.decode()
    sandbox.shopee_qr_confirm(qr.qrcode_id, "demo-id-1")
    done = client.get(f"/live/accounts/qr/{qr.pk}/status/", HTTP_HX_REQUEST="true")

    account = ShopeeAccount.objects.for_tenant(tenant_a).get()
    assert done.status_code == 286  # htmx stops polling
    assert f'href="/live/accounts/#account-{account.pk}"' in done.content.decode()


def test_an_expired_qr_offers_scan_again(sandbox, web_client_for, tenant_a, studio_a):
    client, _ = web_client_for(tenant_a, Role.ADMIN)
    client.post("/live/accounts/qr/", {"studio": studio_a.pk, "region": "VN"})
    qr = QrLogin.objects.for_tenant(tenant_a).get()
    sandbox.shopee_clock(advance_seconds=125)

    html = client.get(f"/live/accounts/qr/{qr.pk}/status/", HTTP_HX_REQUEST="true").content.decode()

    assert "This code expired. Scan again." in html and 'id="qr-scan-again"' in html
    again = client.post("/live/accounts/qr/", {"studio": studio_a.pk, "region": "VN"})
    assert again.status_code == 302 and QrLogin.objects.for_tenant(tenant_a).filter(status=QrLoginStatus.NEW).count() == 1


def test_a_bad_qr_form_is_a_400_naming_the_field(web_client_for, tenant_a, studio_a):
    client, _ = web_client_for(tenant_a, Role.ADMIN)

    response = client.post("/live/accounts/qr/", {"studio": studio_a.pk, "region": "BR"})

    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    assert not QrLogin.objects.for_tenant(tenant_a).exists()


def test_another_tenants_qr_login_is_a_404(web_client_for, tenant_a, tenant_b):
    other = QrLogin.objects.create(
        tenant=tenant_b, qrcode_id="q-b", region="ID", studio=make_studio(tenant_b), expires_at=timezone.now() + timedelta(minutes=2)
    )
    client, _ = web_client_for(tenant_a, Role.ADMIN)

    assert client.get(f"/live/accounts/qr/{other.pk}/").status_code == 404
    assert client.get(f"/live/accounts/qr/{other.pk}/status/").status_code == 404
