"""Connecting advertisers: state checked and single use, codes single use, tokens encrypted at
rest and never shown, advertisers + details + stores stored, shop numbers stable."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.db import connection as db
from django.utils import timezone

from core.exceptions import ApplicationError
from core.models import ApiCallLog, OAuthState
from sandbox.emulators.tiktok_business import data
from sandbox.emulators.tiktok_business.tokens import auth_code_issue
from tests.tiktok_ads.factories import make_connection
from tests.tiktok_ads.helpers import authorize_redirect, connect_business
from tiktok_ads.models import Advertiser, AdvertiserStore, BusinessConnection, ConnectionStatus
from tiktok_ads.services import advertisers_refresh, business_oauth_complete, business_oauth_start, connection_disconnect

DEMO = data.fixture_get("demo")


def state_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["state"][0]


def stores_of(tenant) -> list[tuple[str, str, int, bool]]:
    rows = AdvertiserStore.objects.for_tenant(tenant).select_related("advertiser").order_by("shop_number", "advertiser__name")
    return [(row.advertiser.name, row.name, row.shop_number, row.is_gmv_max_available) for row in rows]


def test_start_builds_the_authorize_url_with_a_fresh_state(tenant_a, owner_a, settings):
    url = business_oauth_start(tenant=tenant_a, user=owner_a)

    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == settings.TIKTOK_BUSINESS_AUTHORIZE_URL
    assert query["app_id"] == settings.TIKTOK_BUSINESS_APP_ID
    assert query["redirect_uri"] == settings.TIKTOK_BUSINESS_REDIRECT_URI
    stored = OAuthState.objects.for_tenant(tenant_a).get()
    assert stored.state == query["state"] and stored.used_at is None and stored.created_by == owner_a


def test_connect_stores_advertisers_stores_and_numbers(sandbox, tenant_a, owner_a):
    connection = connect_business(tenant_a, user=owner_a)

    assert connection.status == ConnectionStatus.ACTIVE and connection.connected_by == owner_a
    advertisers = Advertiser.objects.for_tenant(tenant_a).order_by("id")
    assert [(a.name, a.currency, a.time_zone, a.connection_id) for a in advertisers] == [
        ("Glow Corner MY", "MYR", "Asia/Kuala_Lumpur", connection.pk),
        ("Glow Corner Outlet", "MYR", "Asia/Kuala_Lumpur", connection.pk),
        ("Glow Corner MY Live", "MYR", "Asia/Kuala_Lumpur", connection.pk),
        ("Glow Corner ID", "IDR", "Asia/Jakarta", connection.pk),
    ]
    assert [a.advertiser_id for a in advertisers] == [a.advertiser_id for a in DEMO.advertisers]
    assert stores_of(tenant_a) == [
        ("Glow Corner MY", "Glow Corner MY", 1, True),
        ("Glow Corner MY Live", "Glow Corner MY", 1, True),
        ("Glow Corner Outlet", "Glow Corner Outlet", 2, True),
        ("Glow Corner ID", "Glow Corner ID", 3, True),
        ("Glow Corner ID", "Glow Corner ID Pop-up", 4, False),
    ]
    assert ApiCallLog.objects.for_tenant(tenant_a).filter(provider="tiktok_business", outcome="ok").count() == 7


def test_the_token_is_encrypted_at_rest(sandbox, tenant_a):
    connection = connect_business(tenant_a)

    with db.cursor() as cursor:
        cursor.execute("SELECT access_token FROM tiktok_ads_businessconnection WHERE id = %s", [connection.pk])
        (raw,) = cursor.fetchone()
    assert connection.access_token.startswith("act.")
    assert raw != connection.access_token and connection.access_token not in raw
    assert raw.startswith("gAAAA")
    assert BusinessConnection.objects.for_tenant(tenant_a).get().access_token == connection.access_token


def test_a_replayed_state_is_rejected(sandbox, tenant_a):
    redirect = authorize_redirect(business_oauth_start(tenant=tenant_a), "demo")
    business_oauth_complete(tenant=tenant_a, state=redirect["state"], auth_code=redirect["auth_code"])

    with pytest.raises(ApplicationError) as caught:
        business_oauth_complete(tenant=tenant_a, state=redirect["state"], auth_code=auth_code_issue(fixture="demo"))

    assert caught.value.code == "invalid_state"
    assert BusinessConnection.objects.for_tenant(tenant_a).count() == 1


@pytest.mark.parametrize("state", ["", "never-issued"])
def test_unknown_or_missing_state_is_rejected_and_nothing_stored(sandbox, tenant_a, state):
    business_oauth_start(tenant=tenant_a)

    with pytest.raises(ApplicationError) as caught:
        business_oauth_complete(tenant=tenant_a, state=state, auth_code=auth_code_issue(fixture="demo"))

    assert caught.value.code == "invalid_state"
    assert not BusinessConnection.objects.for_tenant(tenant_a).exists()


def test_another_tenants_state_is_rejected(sandbox, tenant_a, tenant_b):
    state = state_of(business_oauth_start(tenant=tenant_a))

    with pytest.raises(ApplicationError):
        business_oauth_complete(tenant=tenant_b, state=state, auth_code=auth_code_issue(fixture="demo"))

    assert OAuthState.objects.for_tenant(tenant_a).get().used_at is None


def test_an_expired_state_is_rejected(sandbox, tenant_a):
    state = state_of(business_oauth_start(tenant=tenant_a))
    OAuthState.objects.for_tenant(tenant_a).update(created_at=timezone.now() - timezone.timedelta(minutes=11))

    with pytest.raises(ApplicationError) as caught:
        business_oauth_complete(tenant=tenant_a, state=state, auth_code=auth_code_issue(fixture="demo"))

    assert caught.value.code == "invalid_state"


def test_auth_codes_are_single_use(sandbox, tenant_a):
    code = auth_code_issue(fixture="demo")
    business_oauth_complete(tenant=tenant_a, state=state_of(business_oauth_start(tenant=tenant_a)), auth_code=code)

    with pytest.raises(ApplicationError) as caught:
        business_oauth_complete(tenant=tenant_a, state=state_of(business_oauth_start(tenant=tenant_a)), auth_code=code)

    assert caught.value.code == "authorization_refused"
    assert "already been used" in caught.value.message
    assert BusinessConnection.objects.for_tenant(tenant_a).count() == 1


def test_upstream_outage_during_the_exchange_is_a_clear_error(sandbox, tenant_a):
    sandbox.set_faults("tiktok-business", status=503)

    with pytest.raises(ApplicationError) as caught:
        business_oauth_complete(
            tenant=tenant_a, state=state_of(business_oauth_start(tenant=tenant_a)), auth_code=auth_code_issue(fixture="demo")
        )

    assert caught.value.status == 502
    assert not BusinessConnection.objects.for_tenant(tenant_a).exists()


def test_shop_numbers_stay_stable_across_reconnects_refreshes_and_disconnects(sandbox, tenant_a):
    first = connect_business(tenant_a)
    before = stores_of(tenant_a)

    second = connect_business(tenant_a)  # the same accounts authorized again
    assert stores_of(tenant_a) == before
    first.refresh_from_db()
    assert first.status == ConnectionStatus.DISCONNECTED and first.access_token == ""
    assert set(Advertiser.objects.for_tenant(tenant_a).values_list("connection_id", flat=True)) == {second.pk}

    advertisers_refresh(connection=second)
    assert stores_of(tenant_a) == before

    connection_disconnect(connection=second)
    assert not Advertiser.objects.for_tenant(tenant_a).filter(is_active=True).exists()
    assert stores_of(tenant_a) == before

    connect_business(tenant_a, fixture="large")
    numbers = sorted(set(AdvertiserStore.objects.for_tenant(tenant_a).values_list("shop_number", flat=True)))
    assert numbers == list(range(1, 25))
    assert stores_of(tenant_a)[: len(before)] == before


def test_numbering_is_per_tenant(sandbox, tenant_a, tenant_b):
    connect_business(tenant_a, fixture="large")
    connect_business(tenant_b, fixture="demo")

    assert [row[2] for row in stores_of(tenant_b)] == [1, 1, 2, 3, 4]


def test_refresh_after_revocation_marks_needs_reauth(sandbox, tenant_a):
    connection = connect_business(tenant_a)
    requests.post(f"{sandbox.base_url}/_control/tiktok-business/tokens/revoke", json={"fixture": "demo"}, timeout=30)

    with pytest.raises(ApplicationError) as caught:
        advertisers_refresh(connection=connection)

    assert caught.value.code == "needs_reauth"
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.NEEDS_REAUTH

    reconnected = connect_business(tenant_a)
    assert reconnected.status == ConnectionStatus.ACTIVE
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.DISCONNECTED


def test_refreshing_an_older_connection_leaves_accounts_reauthorized_elsewhere(sandbox, tenant_a):
    older = connect_business(tenant_a)
    # The user authorized "Glow Corner MY" again, alone, through a newer authorization.
    newer = make_connection(tenant_a, access_token="act.newer-token.sig")
    Advertiser.objects.for_tenant(tenant_a).filter(name="Glow Corner MY").update(connection=newer)

    refreshed = advertisers_refresh(connection=older)

    assert sorted(advertiser.name for advertiser in refreshed) == ["Glow Corner ID", "Glow Corner MY Live", "Glow Corner Outlet"]
    newer.refresh_from_db()
    assert newer.status == ConnectionStatus.ACTIVE and newer.access_token == "act.newer-token.sig"
    moved = Advertiser.objects.for_tenant(tenant_a).get(name="Glow Corner MY")
    assert (moved.connection_id, moved.is_active) == (newer.pk, True)
