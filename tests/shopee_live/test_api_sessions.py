"""The seed's session endpoints: list, create, one session (with stale figures when Shopee fails),
sync, and the share link."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from core.http import UpstreamUnavailable
from core.models import Role
from shopee_live.models import Host, LiveSession
from tests.shopee_live.conftest import TOKEN_B, TOKEN_ID
from tests.shopee_live.factories import at, item, make_account, make_host, make_session, make_studio

URL = "/api/live-streaming/sessions"


@pytest.fixture
def sessions(account_id, studio):
    host = make_host(studio, "creator_1", "Host A")
    ended = make_session(
        account_id,
        "sess_100",
        session_name="Flash Sale - Clothing",
        status="ended",
        started_at=at(2026, 11, 1, 20),
        total_viewers=5000,
        total_orders=150,
        total_revenue="5000000.50",
        campaign_spent="2000000",
        is_final=True,
        host=host,
        items=[
            item("it_1", product_name="T-Shirt", live_price="50000", quantity_sold=30, revenue="1500000"),
            item("it_2", product_name="Hat", live_price="25000", quantity_sold=40, revenue="1000000"),
        ],
    )
    ongoing = make_session(
        account_id,
        "sess_200",
        session_name="Evening live",
        status="ongoing",
        started_at=at(2026, 11, 2, 19),
        total_viewers=800,
        total_orders=20,
        total_revenue="400000",
        current_viewers=120,
        is_final=False,
    )
    return {"ended": ended, "ongoing": ongoing}


# --- GET /sessions --------------------------------------------------------------------------


def test_list_is_a_bare_list_newest_first_with_the_seed_fields(viewer_api, sessions, studio, account_id):
    response = viewer_api.get(URL, {"studio_id": studio.pk})
    assert response.status_code == 200
    body = response.json()
    assert [row["session_id"] for row in body] == ["sess_200", "sess_100"]
    ended = body[1]
    assert ended["id"] == sessions["ended"].pk
    assert ended["session_name"] == "Flash Sale - Clothing"
    assert ended["total_revenue"] == 5000001  # IDR is whole rupiah, rounded half up
    assert ended["total_viewers"] == 5000
    assert ended["total_orders"] == 150
    assert ended["campaign_spent"] == 2000000
    assert ended["currency"] == "IDR"
    assert ended["streamer_id"] == "creator_1" and ended["streamer_name"] == "Host A"
    assert ended["studio_id"] == studio.pk and ended["shopee_account_id"] == account_id.pk
    assert ended["started_at"] == "2026-11-01T20:00:00+07:00"  # in Jakarta time


def test_list_filters_by_status_account_skip_and_limit(viewer_api, sessions, studio, account_id):
    assert [r["session_id"] for r in viewer_api.get(URL, {"studio_id": studio.pk, "status": "ongoing"}).json()] == ["sess_200"]
    assert [r["session_id"] for r in viewer_api.get(URL, {"shopee_account_id": account_id.pk, "skip": 1, "limit": 50}).json()] == [
        "sess_100"
    ]
    assert [r["session_id"] for r in viewer_api.get(URL, {"limit": 1}).json()] == ["sess_200"]
    assert len(viewer_api.get(URL, {"limit": 100000}).json()) == 2  # read as 500


@pytest.mark.parametrize(
    ("query", "field"),
    [({"status": "live"}, "status"), ({"skip": -1}, "skip"), ({"limit": 0}, "limit"), ({"studio_id": "x"}, "studio_id")],
)
def test_list_bad_query_is_a_400_naming_the_field(viewer_api, sessions, query, field):
    response = viewer_api.get(URL, query)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_list_of_another_tenants_studio_or_account_is_a_404(viewer_api, sessions, foreign):
    assert viewer_api.get(URL, {"studio_id": foreign["studio"].pk}).status_code == 404
    assert viewer_api.get(URL, {"shopee_account_id": foreign["account"].pk}).status_code == 404
    assert [r["session_id"] for r in viewer_api.get(URL).json()] == ["sess_200", "sess_100"]


# --- POST /sessions -------------------------------------------------------------------------


def _create_body(studio, account, **overrides):
    return {
        "studio_id": studio.pk,
        "shopee_account_id": account.pk,
        "session_id": "sess_123",
        "session_name": "Flash Sale - Clothing",
        "streamer_id": "creator_9",
        "streamer_name": "Host B",
        **overrides,
    }


def test_create_records_the_session_and_links_a_new_host(api, studio, account_id, in_a):
    response = api.post(URL, _create_body(studio, account_id), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["session_id"] == "sess_123" and body["session_name"] == "Flash Sale - Clothing"
    assert body["status"] == "initial" and body["source"] == "manual" and body["currency"] == "IDR"
    assert body["total_revenue"] == 0
    session = LiveSession.objects.get(pk=body["id"])
    assert (session.host.streamer_id, session.host.name, session.host.studio_id) == ("creator_9", "Host B", studio.pk)


def test_create_links_an_existing_host(api, studio, account_id, in_a):
    host = make_host(studio, "creator_9", "Old name")
    response = api.post(URL, _create_body(studio, account_id), format="json")
    assert response.status_code == 201
    assert LiveSession.objects.get(pk=response.json()["id"]).host_id == host.pk
    host.refresh_from_db()
    assert host.name == "Host B"
    assert Host.objects.count() == 1


def test_create_a_duplicate_session_id_is_a_409_naming_it(api, studio, account_id, sessions):
    response = api.post(URL, _create_body(studio, account_id, session_id="sess_100"), format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "duplicate_session"
    assert "session_id" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"session_id": ""}, "session_id"),
        ({"session_id": "a b"}, "session_id"),
        ({"studio_id": None}, "studio_id"),
        ({"shopee_account_id": "x"}, "shopee_account_id"),
    ],
)
def test_create_bad_body_is_a_400_naming_the_field(api, studio, account_id, overrides, field):
    response = api.post(URL, _create_body(studio, account_id, **overrides), format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not LiveSession.objects.for_tenant(studio.tenant_id).exists()


def test_create_with_an_account_of_another_studio_is_a_400(api, studio, account_id, in_a):
    other = make_account(make_studio(in_a, "Bandung Studio"), region="ID")
    response = api.post(URL, _create_body(studio, other), format="json")
    assert response.status_code == 400
    assert "shopee_account_id" in response.json()["error"]["fields"]


def test_create_with_another_tenants_studio_or_account_is_a_404(api, studio, account_id, foreign):
    assert api.post(URL, _create_body(foreign["studio"], account_id), format="json").status_code == 404
    assert api.post(URL, _create_body(studio, foreign["account"]), format="json").status_code == 404


def test_create_needs_an_analyst(api_client_for, tenant_a, studio, account_id):
    viewer = api_client_for(tenant_a, Role.VIEWER)
    assert viewer.post(URL, _create_body(studio, account_id), format="json").status_code == 403


# --- GET /sessions/{session_id} -------------------------------------------------------------


def test_detail_of_a_final_session_is_served_as_stored(viewer_api, sessions):
    with mock.patch("shopee_live.services.sessions.session_sync") as sync:
        response = viewer_api.get(f"{URL}/sess_100")
    sync.assert_not_called()
    assert response.status_code == 200
    body = response.json()
    assert body["session_name"] == "Flash Sale - Clothing"
    assert body["total_viewers"] == 5000 and body["total_orders"] == 150
    assert body["average_order_value"] == 33333  # 5,000,000.50 / 150
    assert body["conversion_rate"] == "0.03"  # 150 / 5000
    assert body["share_link"] == "https://live.shopee.co.id/share?from=live&session=sess_100&share_user_id=500001"
    assert [(i["item_id"], i["quantity_sold"], i["revenue"], i["live_price"]) for i in body["items"]] == [
        ("it_2", 40, 1000000, 25000),
        ("it_1", 30, 1500000, 50000),
    ]
    assert body["stale"] is False and body["stale_reason"] == ""


def test_detail_refreshes_an_old_live_session_from_shopee(viewer_api, sessions):
    sessions["ongoing"].synced_at = timezone.now() - timedelta(minutes=5)
    sessions["ongoing"].save()

    def sync(*, account, session_id):
        assert (account.pk, session_id) == (sessions["ongoing"].account_id, "sess_200")
        LiveSession.objects.filter(pk=sessions["ongoing"].pk).update(total_viewers=900, synced_at=timezone.now())

    with mock.patch("shopee_live.services.sessions.session_sync", side_effect=sync):
        body = viewer_api.get(f"{URL}/sess_200").json()
    assert body["total_viewers"] == 900
    assert body["stale"] is False and body["age_seconds"] == 0


def test_detail_serves_stored_figures_marked_stale_when_shopee_fails(viewer_api, sessions):
    sessions["ongoing"].synced_at = timezone.now() - timedelta(minutes=5)
    sessions["ongoing"].save()
    failure = UpstreamUnavailable("connect timeout", provider="shopee_web")
    with mock.patch("shopee_live.services.sessions.session_sync", side_effect=failure):
        response = viewer_api.get(f"{URL}/sess_200")
    assert response.status_code == 200
    body = response.json()
    assert body["total_viewers"] == 800
    assert body["stale"] is True
    assert 300 <= body["age_seconds"] < 360
    assert "Shopee could not be reached" in body["stale_reason"]


def test_detail_of_a_disconnected_account_is_stale_without_calling_shopee(viewer_api, sessions, account_id):
    account_id.status = "needs_reauth"
    account_id.save()
    sessions["ongoing"].synced_at = timezone.now() - timedelta(minutes=5)
    sessions["ongoing"].save()
    with mock.patch("shopee_live.services.sessions.session_sync") as sync:
        body = viewer_api.get(f"{URL}/sess_200").json()
    sync.assert_not_called()
    assert body["stale"] is True and "not connected" in body["stale_reason"]


def test_detail_of_another_tenants_session_is_a_404(viewer_api, sessions, foreign):
    assert viewer_api.get(f"{URL}/sess_b_1").status_code == 404
    assert viewer_api.get(f"{URL}/nope").status_code == 404


# --- POST /sessions/sync --------------------------------------------------------------------


def _synced(*, account, session_id):
    return LiveSession.objects.filter(session_id=session_id).update(
        total_viewers=5000, total_orders=150, total_revenue=5000000, synced_at=at(2025, 11, 1, 22, 30)
    )


def test_sync_answers_with_the_seed_shape(api, sessions, studio, account_id):
    def sync(*, account, session_id):
        _synced(account=account, session_id=session_id)
        return LiveSession.objects.get(session_id=session_id)

    body = {"session_id": "sess_200", "studio_id": studio.pk, "shopee_account_id": account_id.pk}
    with mock.patch("shopee_live.services.sessions.session_sync", side_effect=sync):
        response = api.post(f"{URL}/sync", body, format="json")
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "status": "success",
        "session_id": "sess_200",
        "data": {
            "total_viewers": 5000,
            "total_orders": 150,
            "total_revenue": 5000000,
            "currency": "IDR",
            "synced_at": "2025-11-01T15:30:00Z",
        },
    }


def test_sync_names_the_account_by_its_stored_access_token(api, sessions, studio, account_id):
    seen = []

    def sync(*, account, session_id):
        seen.append(account.pk)
        return LiveSession.objects.get(session_id=session_id)

    with mock.patch("shopee_live.services.sessions.session_sync", side_effect=sync):
        response = api.post(f"{URL}/sync", {"session_id": "sess_200", "studio_id": studio.pk, "access_token": TOKEN_ID}, format="json")
    assert response.status_code == 200
    assert seen == [account_id.pk]


def test_sync_with_an_unknown_or_another_tenants_token_is_a_401(api, sessions, studio, foreign):
    for token in ("not-a-token", TOKEN_B):
        response = api.post(f"{URL}/sync", {"session_id": "sess_200", "studio_id": studio.pk, "access_token": token}, format="json")
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unknown_access_token"


def test_sync_refusals(api, sessions, studio, account_id, foreign):
    assert api.post(f"{URL}/sync", {"studio_id": studio.pk, "shopee_account_id": account_id.pk}, format="json").status_code == 400
    missing_account = api.post(f"{URL}/sync", {"session_id": "sess_200", "studio_id": studio.pk}, format="json")
    assert missing_account.status_code == 400 and "shopee_account_id" in missing_account.json()["error"]["fields"]
    body = {"session_id": "sess_200", "studio_id": foreign["studio"].pk, "shopee_account_id": account_id.pk}
    assert api.post(f"{URL}/sync", body, format="json").status_code == 404
    body = {"session_id": "sess_200", "studio_id": studio.pk, "shopee_account_id": foreign["account"].pk}
    assert api.post(f"{URL}/sync", body, format="json").status_code == 404


def test_sync_when_shopee_is_down_is_a_503_with_retry_after(api, sessions, studio, account_id):
    failure = UpstreamUnavailable("connect timeout", provider="shopee_web", retry_after=20)
    body = {"session_id": "sess_200", "studio_id": studio.pk, "shopee_account_id": account_id.pk}
    with mock.patch("shopee_live.services.sessions.session_sync", side_effect=failure):
        response = api.post(f"{URL}/sync", body, format="json")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "upstream_unavailable"
    assert response.json()["error"]["retry_after"] == 20


# --- GET /share-link/{session_id} -----------------------------------------------------------


def test_share_link_is_on_the_accounts_region_domain(viewer_api, studio, in_a):
    account = make_account(studio, region="VN", user_id="700001")
    make_session(account, "sess_vn", is_final=True)
    response = viewer_api.get("/api/live-streaming/share-link/sess_vn")
    assert response.json() == {"share_link": "https://live.shopee.vn/share?from=live&session=sess_vn&share_user_id=700001"}


def test_share_link_of_another_tenants_session_is_a_404(viewer_api, foreign, in_a):
    assert viewer_api.get("/api/live-streaming/share-link/sess_b_1").status_code == 404
