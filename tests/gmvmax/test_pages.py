"""The GMV Max page and its partials: accounts → campaigns with totals, the rooms partial
(loading → table with badges; failed → Retry), CSV exports per level, bad queries."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from django.core.cache import cache

from core.models import Role
from core.tenancy import tenant_scope
from gmvmax import selectors, services
from gmvmax.models import GmvMaxCampaign, LiveRoom
from tests.gmvmax import expected
from tests.gmvmax.conftest import EMULATOR

pytestmark = pytest.mark.django_db


@pytest.fixture
def synced(advertisers, tenant_a):
    with tenant_scope(tenant_a):
        for advertiser in advertisers.values():
            end = services.advertiser_today(advertiser)
            services.campaign_stats_sync(advertiser=advertiser, start=end - timedelta(days=14), end=end)
    return advertisers


def _query(advertiser, promotion_type="LIVE_GMV_MAX", days=7):
    end = services.advertiser_today(advertiser) - timedelta(days=1)
    return {"promotion_type": promotion_type, "startDate": (end - timedelta(days=days - 1)).isoformat(), "endDate": end.isoformat()}


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_page_lists_accounts_with_campaigns_and_totals(synced, client_a, tenant_a):
    query = _query(synced["Glow Corner MY"])
    response = client_a.get("/gmv-max/", query)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Breakdown by Account" in html and "LIVE GMV MAX (Marketing API)" in html
    rows = selectors.campaigns_report(
        tenant_a, start=response.context["query"]["startDate"], end=response.context["query"]["endDate"], promotion_type="LIVE_GMV_MAX"
    )
    accounts = response.context["accounts"]
    assert [a.name for a in accounts] == ["Glow Corner ID", "Glow Corner MY", "Glow Corner MY Live", "Glow Corner Outlet"]
    assert sum(len(a.campaigns) for a in accounts) == len(rows) == 16
    for account in accounts:
        assert f'id="account-{account.advertiser_pk}"' in html
        assert account.totals["cost"] == sum(c["cost"] for c in account.campaigns)
    # Grand totals per currency: IDR and MYR are never added up.
    assert [t["currency"] for t in response.context["grand_totals"]] == ["IDR", "MYR"]
    # LIVE campaigns expand to their rooms partial.
    campaign = GmvMaxCampaign.objects.for_tenant(tenant_a).filter(promotion_type="LIVE_GMV_MAX").first()
    assert f'hx-get="/gmv-max/campaigns/{campaign.pk}/rooms/?startDate={query["startDate"]}&amp;endDate={query["endDate"]}"' in html
    assert "MYR" in html and "IDR" in html


def test_product_campaigns_do_not_expand_and_alias_serves_the_page(synced, client_a):
    response = client_a.get("/debug-table-ikram", _query(synced["Glow Corner MY"], "PRODUCT_GMV_MAX"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "PRODUCT GMV MAX (Marketing API)" in html
    assert "/rooms/" not in html and "toggle-extra" not in html


def test_page_bad_queries_render_400_with_the_message(business, client_a):
    response = client_a.get("/gmv-max/", {"startDate": "2026-03-09", "endDate": "2026-03-01"})
    assert response.status_code == 400
    assert "startDate must be on or before endDate." in response.content.decode()
    response = client_a.get("/gmv-max/", {"shopNumber": "7"})
    assert response.status_code == 400 and "Unknown shopNumber 7" in response.content.decode()


def test_rooms_partial_loads_then_shows_the_table_with_badges(synced, client_a, tenant_a, clock, django_capture_on_commit_callbacks):
    advertiser = synced["Glow Corner MY Live"]
    campaign = GmvMaxCampaign.objects.for_tenant(tenant_a).get(campaign_id=expected.live_campaigns(advertiser.advertiser_id)[0])
    query = _query(advertiser, days=14)
    url = f"/gmv-max/campaigns/{campaign.pk}/rooms/"
    with django_capture_on_commit_callbacks() as callbacks:
        loading = client_a.get(url, {"startDate": query["startDate"], "endDate": query["endDate"]}, HTTP_HX_REQUEST="true")
    html = loading.content.decode()
    assert "Loading live sessions..." in html and 'hx-trigger="load delay:1s"' in html and 'data-status="queued"' in html
    callbacks[0]()
    ready = client_a.get(url, {"startDate": query["startDate"], "endDate": query["endDate"]}, HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="load delay:1s"' not in ready and "Loading live sessions" not in ready
    headers = re.findall(r'<th scope="col" data-col="(\w+)"[^>]*>(?:<a class="sort" href="[^"]*">)?([^<]+)<', ready)
    assert [label for _key, label in headers][:9] == ["Live Name", "Room ID", "Launched Time", "Status", "Duration", "Cost", "GMV", "Orders", "ROI"]
    rooms = expected.sessions(
        advertiser.advertiser_id, campaign.campaign_id, *[services.date.fromisoformat(query[k]) for k in ("startDate", "endDate")], clock
    )
    shown = rooms[:25]  # most recently launched first, 25 a page
    assert ready.count('class="room-row"') == len(shown) > 0
    assert f"of {len(rooms)} rows" in ready or len(rooms) <= 25
    assert ready.count('live-end">Ended<') == sum(1 for r in shown if r["liveStatus"] == "END")
    LiveRoom.objects.for_tenant(tenant_a).filter(campaign=campaign, room_id=rooms[0]["roomId"]).update(live_status="ONGOING")
    cache.clear()  # rooms are only ever written by fetches, which key the cached list; this edit isn't one
    again = client_a.get(url, {"startDate": query["startDate"], "endDate": query["endDate"]}, HTTP_HX_REQUEST="true").content.decode()
    assert 'class="chip chip-ok live-ongoing">Live now<' in again
    # A live room's figures move: the panel asks again once they are stale (GMVMAX_ONGOING_MAX_AGE_SECONDS).
    assert 'hx-trigger="load delay:300s" data-live-refresh="300"' in again


def test_rooms_partial_shows_upstream_errors_with_retry(synced, client_a, tenant_a, sandbox, django_capture_on_commit_callbacks):
    advertiser = synced["Glow Corner MY"]
    campaign = GmvMaxCampaign.objects.for_tenant(tenant_a).filter(advertiser=advertiser, promotion_type="LIVE_GMV_MAX").first()
    query = _query(advertiser)
    params = f"?startDate={query['startDate']}&endDate={query['endDate']}"
    url = f"/gmv-max/campaigns/{campaign.pk}/rooms/"
    sandbox.set_faults(EMULATOR, expired_token=True)
    with django_capture_on_commit_callbacks(execute=True):
        client_a.get(url + params)
    failed = client_a.get(url + params).content.decode()
    assert "Could not load live sessions" in failed and ">Retry</button>" in failed and f'hx-post="{url}?' in failed
    sandbox.clear_faults(EMULATOR)
    from tiktok_ads.models import BusinessConnection

    BusinessConnection.objects.for_tenant(tenant_a).update(status="active")
    with django_capture_on_commit_callbacks() as callbacks:
        retried = client_a.post(url + params, HTTP_HX_REQUEST="true").content.decode()
    assert "Loading live sessions..." in retried and len(callbacks) == 1


def test_csv_exports_per_level(synced, client_a, tenant_a, clock, django_capture_on_commit_callbacks):
    my = synced["Glow Corner MY"]
    query = _query(my)
    accounts = _csv(client_a.get("/gmv-max/accounts/export.csv", query))
    assert accounts[0][:7] == ["account", "advertiser_id", "currency", "promotion_type", "start_date", "end_date", "campaigns"]
    assert [row[0] for row in accounts[1:]] == ["Glow Corner ID", "Glow Corner MY", "Glow Corner MY Live", "Glow Corner Outlet"]
    start, end = services.date.fromisoformat(query["startDate"]), services.date.fromisoformat(query["endDate"])
    my_row = accounts[2]
    want_cost = sum(
        expected.campaign_totals(my.advertiser_id, c, start, end, clock)["cost"] for c in expected.live_campaigns(my.advertiser_id)
    )
    assert my_row[1] == my.advertiser_id and my_row[2] == "MYR" and my_row[6] == "4" and my_row[7] == str(want_cost)

    campaigns = _csv(client_a.get("/gmv-max/campaigns/export.csv", {**query, "account": str(my.pk)}))
    assert len(campaigns) == 5 and {row[0] for row in campaigns[1:]} == {"Glow Corner MY"}

    campaign = GmvMaxCampaign.objects.for_tenant(tenant_a).get(campaign_id=expected.live_campaigns(my.advertiser_id)[0])
    rooms_url = f"/gmv-max/campaigns/{campaign.pk}/rooms/export.csv"
    assert client_a.get(rooms_url, {"startDate": query["startDate"], "endDate": query["endDate"]}).status_code == 404  # not fetched
    with django_capture_on_commit_callbacks(execute=True):
        client_a.get(f"/gmv-max/campaigns/{campaign.pk}/rooms/", {"startDate": query["startDate"], "endDate": query["endDate"]})
    rooms = _csv(client_a.get(rooms_url, {"startDate": query["startDate"], "endDate": query["endDate"]}))
    want = expected.sessions(my.advertiser_id, campaign.campaign_id, start, end, clock)
    assert rooms[0][:6] == ["campaign_id", "room_id", "live_name", "launched_time", "live_status", "live_duration"]
    assert [(row[1], row[3], row[7]) for row in rooms[1:]] == [(r["roomId"], r["launchedTime"], str(r["cost"])) for r in want]


def test_viewers_cannot_export_and_other_tenants_get_404(synced, client, member_factory, tenant_a, tenant_b, owner_b):
    viewer = member_factory(tenant_a, Role.VIEWER, username="viewer-a")
    client.force_login(viewer)
    query = _query(synced["Glow Corner MY"])
    assert client.get("/gmv-max/", query).status_code == 200
    assert client.get("/gmv-max/accounts/export.csv", query).status_code == 403
    campaign = GmvMaxCampaign.objects.for_tenant(tenant_a).filter(promotion_type="LIVE_GMV_MAX").first()
    client.force_login(owner_b)
    assert (
        client.get(f"/gmv-max/campaigns/{campaign.pk}/rooms/", {"startDate": query["startDate"], "endDate": query["endDate"]}).status_code
        == 404
    )
    assert (
        client.post(f"/gmv-max/campaigns/{campaign.pk}/rooms/?startDate={query['startDate']}&endDate={query['endDate']}").status_code == 404
    )
