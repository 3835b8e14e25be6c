"""Operator screens: the access token is never shown; advertisers and stores are read-only."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from core.fields import mask_secret
from core.models import OAuthState, Role
from tests.tiktok_ads.helpers import connect_business
from tiktok_ads.models import AdvertiserStore, ConnectionStatus


def superuser_client(client):
    user = get_user_model().objects.create_superuser(username="operator", email="op@example.com", password="pass-word-123")
    client.force_login(user)
    return client


def test_connection_list_and_form_never_show_the_token(sandbox, client, tenant_a):
    connection = connect_business(tenant_a)
    client = superuser_client(client)

    listing = client.get("/admin/tiktok_ads/businessconnection/")
    form = client.get(f"/admin/tiktok_ads/businessconnection/{connection.pk}/change/")

    assert listing.status_code == form.status_code == 200
    for page in (listing, form):
        assert connection.access_token.encode() not in page.content
        assert connection.access_token[-4:].encode() in page.content or b"\xe2\x80\xa2" in page.content


def test_stores_are_read_only_and_states_abbreviated(sandbox, client, tenant_a):
    connect_business(tenant_a)
    store = AdvertiserStore.objects.for_tenant(tenant_a).first()
    state = OAuthState.objects.for_tenant(tenant_a).get()
    client = superuser_client(client)

    page = client.get(f"/admin/tiktok_ads/advertiserstore/{store.pk}/change/")
    states = client.get("/admin/core/oauthstate/")
    state_page = client.get(f"/admin/core/oauthstate/{state.pk}/change/")

    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert store.store_id.encode() in page.content
    assert client.get("/admin/tiktok_ads/advertiserstore/add/").status_code == 403
    assert states.status_code == state_page.status_code == 200
    assert state.state.encode() not in states.content and state.state.encode() not in state_page.content


def test_nothing_is_deleted_here_and_disconnect_goes_through_the_service(sandbox, client, tenant_a):
    connection = connect_business(tenant_a)
    store = AdvertiserStore.objects.for_tenant(tenant_a).first()
    client = superuser_client(client)

    form = client.get(f"/admin/tiktok_ads/businessconnection/{connection.pk}/change/")
    listing = client.get("/admin/tiktok_ads/businessconnection/")

    assert b'name="tenant"' not in form.content and b'name="status"' not in form.content
    assert mask_secret(connection.access_token).encode() in form.content
    assert b'value="delete_selected"' not in listing.content and b'value="disconnect"' in listing.content
    assert client.get(f"/admin/tiktok_ads/businessconnection/{connection.pk}/delete/").status_code == 403
    assert client.get(f"/admin/tiktok_ads/advertiserstore/{store.pk}/delete/").status_code == 403

    response = client.post("/admin/tiktok_ads/businessconnection/", {"action": "disconnect", "_selected_action": [connection.pk]})

    assert response.status_code == 302
    connection.refresh_from_db()
    assert (connection.status, connection.access_token) == (ConnectionStatus.DISCONNECTED, "")
    assert AdvertiserStore.objects.for_tenant(tenant_a).count() == 5  # shop numbers kept


def test_staff_act_only_where_they_manage(sandbox, client, tenant_a, member_factory):
    connection = connect_business(tenant_a)
    analyst = member_factory(tenant_a, Role.ANALYST, username="analyst-a", is_staff=True)
    client.force_login(analyst)

    response = client.post("/admin/tiktok_ads/businessconnection/", {"action": "disconnect", "_selected_action": [connection.pk]})

    assert response.status_code == 200 and b'value="disconnect"' not in response.content  # not offered to an analyst
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.ACTIVE
