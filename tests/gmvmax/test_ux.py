"""The GMV Max page on the shared components, on hand-made figures: sort at each level (accounts,
an account's campaigns, a campaign's rooms) with its own parameters, paging and hide-zero rows,
the seed's parameters next to the picker's, the column chooser's markup, the trend and room
charts' figures, the search and overview hooks, and 404s across tenants."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.cache import cache

from core.dateranges import DateRange
from core.tenancy import tenant_scope
from gmvmax.models import CampaignDailyStat, GmvMaxCampaign, PromotionType
from gmvmax.services import _rooms_write, rooms_coverage_record, stats_coverage_record
from tiktok_ads.models import Advertiser, BusinessConnection

pytestmark = pytest.mark.django_db

D1, D2 = date(2026, 3, 1), date(2026, 3, 2)
SEED = {"promotion_type": "LIVE_GMV_MAX", "startDate": "2026-03-01", "endDate": "2026-03-02"}

# (account, campaign id, name, [(day, cost, gmv, orders, live views)])
FIGURES = [
    ("Glow MY", "1800000000000001", "Alpha live", [(D1, "10.00", "50.00", 2, 100), (D2, "20.00", "30.00", 1, 50)]),
    ("Glow MY", "1800000000000002", "Beta live", [(D1, "40.00", "60.00", 3, 300)]),
    ("Glow MY", "1800000000000003", "Gamma live", [(D2, "5.00", "100.00", 4, 20)]),
    ("Glow MY", "1800000000000004", "Zero live", [(D1, "0", "0", 0, 0)]),
    ("Glow ID", "1800000000000005", "Delta live", [(D1, "35000.00", "70000.00", 5, 900)]),
]


def _room(room_id, day, launched, cost, gmv, orders, status="END"):
    return {
        "dimensions": {"room_id": room_id, "stat_time_day": f"{day} 00:00:00"},
        "metrics": {
            "live_name": f"Live {room_id}",
            "live_status": status,
            "live_launched_time": launched,
            "live_duration": "1h",
            "cost": cost,
            "gross_revenue": gmv,
            "orders": orders,
            "live_views": "10",
            "10_second_live_views": "-",
            "live_follows": "-",
        },
    }


# Alpha's rooms: 30 sessions (two pages of 25), figures rising with the number.
ROOMS = [_room(f"R{n:02d}", "2026-03-01", f"2026-03-01 {n // 2:02d}:{(n % 2) * 30:02d}:00", f"{n}.00", f"{3 * n % 31}.00", n % 4) for n in range(30)]


def _advertiser(tenant, name, currency, zone, advertiser_id):
    connection = BusinessConnection.objects.create(tenant=tenant, access_token="token")
    return Advertiser.objects.create(tenant=tenant, connection=connection, advertiser_id=advertiser_id, name=name, currency=currency, time_zone=zone)


@pytest.fixture
def world(tenant_a):
    with tenant_scope(tenant_a):
        accounts = {
            "Glow MY": _advertiser(tenant_a, "Glow MY", "MYR", "Asia/Kuala_Lumpur", "7000001"),
            "Glow ID": _advertiser(tenant_a, "Glow ID", "IDR", "Asia/Jakarta", "7000002"),
        }
        campaigns = {}
        for account, campaign_id, name, days in FIGURES:
            campaign = GmvMaxCampaign.objects.create(
                tenant=tenant_a, advertiser=accounts[account], campaign_id=campaign_id, name=name, promotion_type=PromotionType.LIVE
            )
            campaigns[name] = campaign
            for day, cost, gmv, orders, views in days:
                CampaignDailyStat.objects.create(
                    tenant=tenant_a,
                    campaign=campaign,
                    promotion_type=PromotionType.LIVE,
                    day=day,
                    cost=Decimal(cost),
                    gross_revenue=Decimal(gmv),
                    orders=orders,
                    live_views=views,
                )
        for advertiser in accounts.values():
            stats_coverage_record(advertiser=advertiser, start=D1, end=D2)
        _rooms_write(campaigns["Alpha live"], D1, D2, ROOMS)
        rooms_coverage_record(campaign=campaigns["Alpha live"], start=D1, end=D2)
    cache.clear()
    return {"accounts": accounts, "campaigns": campaigns}


def _ids(html: str, attribute: str) -> list[str]:
    return re.findall(rf'{attribute}="([^"]+)"', html)


def test_accounts_sort_by_any_column_with_seed_parameters(world, client_a):
    by_name = client_a.get("/gmv-max/", SEED)
    assert by_name.status_code == 200
    my, idr = world["accounts"]["Glow MY"], world["accounts"]["Glow ID"]
    assert _ids(by_name.content.decode(), "data-account") == [str(idr.pk), str(my.pk)]  # default: by name
    by_orders = client_a.get("/gmv-max/", {**SEED, "sort": "-orders"}).content.decode()
    assert _ids(by_orders, "data-account") == [str(my.pk), str(idr.pk)]  # 10 orders before 5
    # The header links keep the seed's parameters and flip the direction.
    assert 'aria-sort="descending"' in by_orders
    assert "sort=orders" in by_orders and "startDate=2026-03-01" in by_orders
    # An unknown sort falls back to the default instead of failing.
    assert client_a.get("/gmv-max/", {**SEED, "sort": "bogus"}).status_code == 200


def test_campaigns_sort_per_account_on_the_page_and_in_their_partial(world, client_a):
    my = world["accounts"]["Glow MY"]
    c = world["campaigns"]
    page = client_a.get("/gmv-max/", {**SEED, "c_sort": "-gmv"}).content.decode()
    table = page[page.index(f'id="campaigns-{my.pk}"') :]
    want = [c["Gamma live"].campaign_id, c["Alpha live"].campaign_id, c["Beta live"].campaign_id, c["Zero live"].campaign_id]
    assert _ids(table, "data-campaign-id")[:4] == want  # GMV 100, 80, 60, 0
    # Default: largest cost first. The partial answers with the same table, its links to itself.
    partial = client_a.get(f"/gmv-max/accounts/{my.pk}/campaigns/", SEED, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    html = partial.content.decode()
    assert _ids(html, "data-campaign-id") == [c["Beta live"].campaign_id, c["Alpha live"].campaign_id, c["Gamma live"].campaign_id, c["Zero live"].campaign_id]
    assert f'href="/gmv-max/accounts/{my.pk}/campaigns/?' in html and "c_sort=-gmv" in html
    ascending = client_a.get(f"/gmv-max/accounts/{my.pk}/campaigns/", {**SEED, "c_sort": "roi"}).content.decode()
    assert _ids(ascending, "data-campaign-id") == [c["Zero live"].campaign_id, c["Beta live"].campaign_id, c["Alpha live"].campaign_id, c["Gamma live"].campaign_id]
    # Hide rows with no activity applies to every level.
    hidden = client_a.get(f"/gmv-max/accounts/{my.pk}/campaigns/", {**SEED, "hide_zero": "1"}).content.decode()
    assert c["Zero live"].campaign_id not in hidden and c["Beta live"].campaign_id in hidden
    assert 'data-campaign-id="1800000000000004"' not in client_a.get("/gmv-max/", {**SEED, "hide_zero": "1"}).content.decode()


def test_rooms_sorted_and_paged_with_their_own_parameters(world, client_a):
    alpha = world["campaigns"]["Alpha live"]
    url = f"/gmv-max/campaigns/{alpha.pk}/rooms/"
    first = client_a.get(url, {"startDate": "2026-03-01", "endDate": "2026-03-02"}, HTTP_HX_REQUEST="true").content.decode()
    assert _ids(first, "data-room-id")[:3] == ["R29", "R28", "R27"]  # most recently launched first
    assert first.count('class="room-row"') == 25 and "1–25 of 30 rows" in first
    second = client_a.get(url, {"startDate": "2026-03-01", "endDate": "2026-03-02", "r_page": "2"}).content.decode()
    assert _ids(second, "data-room-id") == ["R04", "R03", "R02", "R01", "R00"]
    by_cost = client_a.get(url, {"startDate": "2026-03-01", "endDate": "2026-03-02", "r_sort": "cost", "r_per_page": "100"}).content.decode()
    assert _ids(by_cost, "data-room-id") == [f"R{n:02d}" for n in range(30)]
    # Its links and forms go to the partial, with the range and its own parameters only.
    assert f'href="{url}?startDate=2026-03-01&amp;endDate=2026-03-02&amp;r_sort=-cost' in by_cost
    assert f'action="{url}"' in by_cost and 'name="r_per_page"' in by_cost
    # The chart: the twelve rooms with the most GMV, cost and GMV bars, ROI on the right.
    spec = json.loads(re.search(r'<script id="rooms-chart-\d+-data" type="application/json">(.*?)</script>', by_cost).group(1))
    top = sorted(range(30), key=lambda n: (-(3 * n % 31), f"R{n:02d}"))[:12]
    assert spec["labels"] == [f"Live R{n:02d}" for n in top]
    assert [s["label"] for s in spec["series"]] == ["Cost", "GMV", "ROI"] and spec["series"][2]["axis"] == "y2"
    assert spec["series"][0]["values"] == [float(n) for n in top]
    assert spec["series"][1]["values"] == [float(3 * n % 31) for n in top]
    assert spec["series"][2]["values"][:3] == [round(3 * top[i] % 31 / top[i], 2) for i in range(3)]
    assert spec["currency"] == "MYR"


def test_trend_chart_figures_per_currency_and_per_campaign(world, client_a):
    response = client_a.get("/gmv-max/", SEED)
    charts = {chart.currency: chart.spec for chart in response.context["charts"]}
    assert list(charts) == ["IDR", "MYR"]  # never added up across currencies
    my = charts["MYR"]
    assert my["labels"] == ["2026-03-01", "2026-03-02"]
    assert [s["label"] for s in my["series"]] == ["Cost", "GMV", "ROI"]
    assert my["series"][0]["values"] == [50.0, 25.0]  # 10 + 40 + 0; 20 + 5
    assert my["series"][1]["values"] == [110.0, 130.0]
    assert my["series"][2]["values"] == [2.2, 5.2]
    assert charts["IDR"]["series"][0]["values"] == [35000.0, 0.0]
    alpha = world["campaigns"]["Alpha live"]
    one = client_a.get("/gmv-max/", {**SEED, "trend": alpha.pk})
    (chart,) = one.context["charts"]
    assert chart.spec["series"][0]["values"] == [10.0, 20.0] and chart.spec["series"][2]["values"] == [5.0, 1.5]
    assert f'<option value="{alpha.pk}" selected>' in one.content.decode()


def test_column_chooser_names_cells_and_the_seed_and_picker_ranges(world, client_a):
    html = client_a.get("/gmv-max/", SEED).content.decode()
    chooser = html[html.index('<details class="column-chooser" data-table="accounts-table">') :]
    chooser = chooser[: chooser.index("</details>")]
    assert re.findall(r'data-column="(\w+)"', chooser) == ["live_views", "ten_second_live_views", "live_follows", "cost_per_view"]
    assert "toggle-extra" not in html
    for key in ("live_views", "ten_second_live_views", "live_follows", "cost_per_view"):
        assert f'<th scope="col" data-col="{key}"' in html and re.search(rf'<td class="num[^"]*" data-col="{key}"', html)
    # No visible "Expand" header; names on one line, the full name in the title; money with symbols.
    assert '<th scope="col"><span class="visually-hidden">Expand</span></th>' in html
    assert '<td class="name" data-col="campaign_name" title="Alpha live">Alpha live</td>' in html
    assert "RM\xa080.00" in html and "Rp\xa070,000<" in html and "70,000.00" not in html
    # The picker shows the seed's range as a custom range; its own parameters give the same page.
    assert 'name="range" value="custom" checked' in html and 'value="2026-03-01"' in html
    picked = client_a.get("/gmv-max/", {"promotion_type": "LIVE_GMV_MAX", "range": "custom", "start": "2026-03-01", "end": "2026-03-02"})
    assert picked.context["query"]["startDate"] == D1 and picked.context["query"]["endDate"] == D2
    # Remembered in the session: the page opened bare shows the same range.
    assert client_a.get("/gmv-max/").context["query"]["startDate"] == D1
    # The seed's alias path.
    assert client_a.get("/debug-table-ikram", SEED).status_code == 200


def test_bad_range_and_parameters_are_400s_naming_the_field(world, client_a):
    assert "startDate" in client_a.get("/gmv-max/", {"startDate": "2026-13-01", "endDate": "2026-03-02"}).content.decode()
    bad = client_a.get("/gmv-max/", {"range": "fortnight"})
    assert bad.status_code == 400 and "Unknown range" in bad.content.decode()
    assert client_a.get("/gmv-max/", {**SEED, "trend": "abc"}).status_code == 400
    assert client_a.get(f"/gmv-max/accounts/{world['accounts']['Glow MY'].pk}/campaigns/", {**SEED, "promotion_type": "X"}).status_code == 400


def test_another_tenants_account_campaign_and_trend_are_404s(world, client, owner_b, tenant_b):
    client.force_login(owner_b)
    my = world["accounts"]["Glow MY"]
    alpha = world["campaigns"]["Alpha live"]
    assert client.get(f"/gmv-max/accounts/{my.pk}/campaigns/", SEED).status_code == 404
    assert client.get("/gmv-max/", {**SEED, "trend": alpha.pk}).status_code == 404
    assert client.get(f"/gmv-max/campaigns/{alpha.pk}/rooms/", {"startDate": "2026-03-01", "endDate": "2026-03-02"}).status_code == 404
    assert "Alpha live" not in client.get("/gmv-max/", SEED).content.decode()


def test_search_finds_campaigns_and_rooms_with_links_to_their_range(world, tenant_a, tenant_b, django_assert_max_num_queries):
    config = apps.get_app_config("gmvmax")
    alpha = world["campaigns"]["Alpha live"]
    my = world["accounts"]["Glow MY"]
    with django_assert_max_num_queries(2):
        hits = config.search(tenant_a, "alpha", limit=8)
    assert [(h.kind, h.title, h.detail) for h in hits] == [("GMV Max campaign", "Alpha live", "1800000000000001 · Glow MY")]
    assert hits[0].url == (
        f"/gmv-max/?promotion_type=LIVE_GMV_MAX&open={my.pk}&trend={alpha.pk}&startDate=2026-03-01&endDate=2026-03-02#campaign-{alpha.pk}"
    )
    by_id = config.search(tenant_a, "1800000000000002", limit=8)
    assert [h.title for h in by_id] == ["Beta live"]
    (room,) = config.search(tenant_a, "R07", limit=8)
    assert (room.kind, room.title, room.detail) == ("Live session", "Live R07", "Room R07 · Alpha live")
    assert f"campaign={alpha.pk}" in room.url and "startDate=2026-03-01&endDate=2026-03-01" in room.url
    assert config.search(tenant_b, "alpha", limit=8) == []


def test_overview_ad_spend_per_day_and_account_with_freshness(world, tenant_a, tenant_b, django_assert_max_num_queries):
    config = apps.get_app_config("gmvmax")
    date_range = DateRange(D2, D2, preset="custom", compare="previous", compare_start=D1, compare_end=D1)
    with django_assert_max_num_queries(3):
        overview = config.overview(tenant_a, date_range)
    assert [(f.day, f.source, f.currency, f.ad_spend) for f in overview.figures] == [
        (D1, "Glow ID", "IDR", Decimal("35000.00")),
        (D1, "Glow MY", "MYR", Decimal("50.00")),
        (D2, "Glow MY", "MYR", Decimal("25.00")),
    ]
    (freshness,) = overview.freshness
    assert freshness.label == "GMV Max reports" and freshness.url == "/gmv-max/" and freshness.at is not None
    just_d2 = config.overview(tenant_a, DateRange(D2, D2, preset="custom"))
    assert [(f.day, f.ad_spend) for f in just_d2.figures] == [(D2, Decimal("25.00"))]
    empty = config.overview(tenant_b, date_range)
    assert empty.figures == [] and empty.freshness[0].at is None


def test_ad_accounts_checklist_step(world, tenant_a, tenant_b):
    config = apps.get_app_config("tiktok_ads")
    (step,) = config.overview(tenant_a, DateRange(D1, D2)).checklist
    assert (step.order, step.label, step.done, step.url) == (3, "Connect a TikTok ad account", True, "/ads/")
    assert config.overview(tenant_b, DateRange(D1, D2)).checklist[0].done is False


def test_ad_accounts_table_sorts_and_shows_labels(world, client_a):
    page = client_a.get("/ads/").content.decode()
    assert _ids(page, "data-advertiser") == ["7000002", "7000001"]  # by name: Glow ID, Glow MY
    by_id = client_a.get("/ads/", {"sort": "-advertiser_id"}).content.decode()
    assert _ids(by_id, "data-advertiser") == ["7000002", "7000001"]
    assert _ids(client_a.get("/ads/", {"sort": "advertiser_id"}).content.decode(), "data-advertiser") == ["7000001", "7000002"]
    assert '<span class="chip chip-ok">Active</span>' in page
    assert 'data-copy="7000001"' in page
    assert "Asia/Kuala_Lumpur (UTC+08:00)" in page and "MYR <span class=\"muted\">(RM)</span>" in page



def test_search_page_and_home_show_gmv_max(world, client_a):
    alpha = world["campaigns"]["Alpha live"]
    found = client_a.get("/search/", {"q": "Alpha"}).content.decode()
    assert "Alpha live" in found and f"trend={alpha.pk}" in found
    home = client_a.get("/", {"range": "custom", "start": "2026-03-01", "end": "2026-03-02"}).content.decode()
    assert "GMV Max reports" in home and "Glow MY" in home
