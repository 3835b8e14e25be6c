"""Operator screens of Shopee Live: tokens and sessions never shown, accounts not added here."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from shopee_live.models import Host
from tests.shopee_live.account_fixtures import make_account


def superuser_client(client):
    user = get_user_model().objects.create_superuser(username="operator", email="op@example.com", password="pass-word-123")
    client.force_login(user)
    return client


def test_account_list_and_form_never_show_the_credentials(client, tenant_a, studio_a):
    account = make_account(tenant_a, studio_a)
    Host.objects.create(tenant=tenant_a, studio=studio_a, streamer_id="70011", name="Host A")
    client = superuser_client(client)

    pages = [
        client.get("/admin/shopee_live/shopeeaccount/"),
        client.get(f"/admin/shopee_live/shopeeaccount/{account.pk}/change/"),
        client.get("/admin/shopee_live/studio/"),
        client.get("/admin/shopee_live/host/"),
    ]

    assert [page.status_code for page in pages] == [200, 200, 200, 200]
    for page in pages[:2]:
        for secret in (b"open-token-7001", b"refresh-token-7001", b"spc-ec-7001"):
            assert secret not in page.content
    assert "••••••••7001".encode() in pages[0].content
    assert b"Host A" in pages[3].content
    assert client.get("/admin/shopee_live/shopeeaccount/add/").status_code == 403
    host = Host.objects.for_tenant(tenant_a).get()
    assert client.get(f"/admin/shopee_live/host/{host.pk}/change/").status_code == 200
