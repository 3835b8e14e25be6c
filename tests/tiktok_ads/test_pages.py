"""The advertisers page and the connect flow in the browser's shape: Connect → the sandbox's
authorize page → callback → the advertisers with their shop numbers; refresh, disconnect,
"needs re-authorization", roles and tenant scoping."""

from __future__ import annotations

from urllib.parse import urlsplit

import requests
from django.conf import settings

from core.models import OAuthState, Role
from tests.tiktok_ads.helpers import authorize_redirect, connect_business
from tiktok_ads.models import BusinessConnection, ConnectionStatus


def test_connect_flow_through_the_pages(sandbox, tenant_a, web_client_for):
    client, _ = web_client_for(tenant_a, Role.ADMIN)

    started = client.post("/ads/connect/")
    assert started.status_code == 302
    assert started["Location"].startswith(settings.TIKTOK_BUSINESS_AUTHORIZE_URL + "?")
    redirect = authorize_redirect(started["Location"], "demo")
    callback = client.get(
        "/ads/oauth/callback/", {"auth_code": redirect["auth_code"], "code": redirect["code"], "state": redirect["state"]}
    )
    assert callback.status_code == 302 and callback["Location"] == "/ads/"
    page = client.get("/ads/")

    html = page.content.decode()
    assert page.status_code == 200
    connection = BusinessConnection.objects.for_tenant(tenant_a).get()
    assert connection.access_token not in html
    for text in (
        "Glow Corner MY Live",
        "Glow Corner Outlet",
        "Asia/Jakarta",
        "Shop 1",
        "Shop 4",
        "(no GMV Max)",
        "Connected Glow Corner ID, Glow Corner MY, Glow Corner MY Live, Glow Corner Outlet.",
    ):
        assert text in html
    assert 'id="shop-numbers"' in html


def test_callback_with_a_bad_state_is_a_400_page(sandbox, tenant_a, web_client_for):
    client, _ = web_client_for(tenant_a, Role.ADMIN)

    response = client.get("/ads/oauth/callback/", {"auth_code": "code.x.y", "state": "forged"})

    assert response.status_code == 400
    assert b"invalid or has expired" in response.content
    assert not BusinessConnection.objects.for_tenant(tenant_a).exists()


def test_empty_page_and_roles(tenant_a, web_client_for):
    viewer, _ = web_client_for(tenant_a, Role.VIEWER)

    page = viewer.get("/ads/")

    assert page.status_code == 200
    assert b"No advertiser connected yet" in page.content
    assert b'id="connect-advertisers"' not in page.content
    assert viewer.post("/ads/connect/").status_code == 403
    assert viewer.get("/ads/oauth/callback/", {"state": "x"}).status_code == 403


def test_needs_reauthorization_is_shown_after_the_platform_rejects_the_token(sandbox, tenant_a, web_client_for):
    connection = connect_business(tenant_a)
    client, _ = web_client_for(tenant_a, Role.ADMIN)
    requests.post(f"{sandbox.base_url}/_control/tiktok-business/tokens/revoke", json={"fixture": "demo"}, timeout=30)

    refreshed = client.post(f"/ads/connections/{connection.pk}/refresh/", follow=True)

    assert refreshed.status_code == 200
    html = refreshed.content.decode()
    assert "needs re-authorization" in html
    assert "reconnect the advertisers" in html
    assert f'id="reauth-{connection.pk}"' in html
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.NEEDS_REAUTH


def test_refresh_and_disconnect(sandbox, tenant_a, web_client_for):
    connection = connect_business(tenant_a)
    client, _ = web_client_for(tenant_a, Role.ADMIN)

    refreshed = client.post(f"/ads/connections/{connection.pk}/refresh/", follow=True)
    assert b"Refreshed 4 advertiser(s)" in refreshed.content

    disconnected = client.post(f"/ads/connections/{connection.pk}/disconnect/", follow=True)
    assert b"Disconnected." in disconnected.content
    assert b"No advertiser connected yet" in disconnected.content
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.DISCONNECTED and connection.access_token == ""


def test_another_tenants_connection_is_a_404(sandbox, tenant_a, tenant_b, web_client_for):
    connection = connect_business(tenant_a)
    client, _ = web_client_for(tenant_b, Role.OWNER)

    assert client.post(f"/ads/connections/{connection.pk}/refresh/").status_code == 404
    assert client.post(f"/ads/connections/{connection.pk}/disconnect/").status_code == 404
    assert b"Glow Corner" not in client.get("/ads/").content
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.ACTIVE


def test_the_top_bar_links_the_page(tenant_a, web_client_for):
    client, _ = web_client_for(tenant_a, Role.VIEWER)

    html = client.get("/").content.decode()

    assert 'href="/ads/"' in html and ">Ad accounts<" in html
    assert urlsplit(settings.TIKTOK_BUSINESS_REDIRECT_URI).path == "/ads/oauth/callback/"


def test_state_changing_routes_refuse_get(tenant_a, web_client_for):
    client, _ = web_client_for(tenant_a, Role.ADMIN)

    assert client.get("/ads/connect/").status_code == 405
    assert client.get("/ads/connections/1/refresh/").status_code == 405
    assert client.get("/ads/connections/1/disconnect/").status_code == 405


def test_connect_without_app_credentials_says_so_and_stores_nothing(tenant_a, web_client_for, settings):
    settings.TIKTOK_BUSINESS_APP_SECRET = ""
    client, _ = web_client_for(tenant_a, Role.ADMIN)

    response = client.post("/ads/connect/", follow=True)

    assert response.redirect_chain == [("/ads/", 302)]
    assert b"The TikTok Business app is not configured" in response.content
    assert not OAuthState.objects.for_tenant(tenant_a).exists()


def test_the_page_reads_in_a_fixed_number_of_queries(sandbox, tenant_a, web_client_for, django_assert_max_num_queries):
    connect_business(tenant_a)
    connect_business(tenant_a, fixture="large")
    client, _ = web_client_for(tenant_a, Role.VIEWER)

    # 24 advertisers, 25 stores, 2 connections: no N+1 (+ the TikTok switch and the client ad accounts)
    with django_assert_max_num_queries(10):
        page = client.get("/ads/")

    html = page.content.decode()
    assert page.status_code == 200 and html.count('class="card connection-card"') == 2
    assert html.count("<tr data-advertiser=") == 24
