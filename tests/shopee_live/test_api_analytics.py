"""Analytics (daily rows and the rolling summary) computed in SQL from stored sessions, the nightly
daily rows, and product URLs."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.models import FxRate
from core.tenancy import tenant_scope
from shopee_live.models import DailyAnalytics, LiveSession
from shopee_live.services import daily_analytics_compute, daily_analytics_recent
from tests.shopee_live.factories import at, make_account, make_session, make_studio

URL = "/api/live-streaming/analytics"


@pytest.fixture
def november(account_id):
    """Indonesian sessions around 1–2 November 2026 (Jakarta is UTC+7)."""
    make_session(
        account_id,
        "s1",
        started_at=at(2026, 11, 1, 20),
        total_viewers=5000,
        total_orders=150,
        total_revenue="5000000",
        campaign_spent="2000000",
    )
    make_session(
        account_id,
        "s2",
        started_at=at(2026, 11, 1, 23, 30),
        total_viewers=3000,
        total_orders=60,
        total_revenue="1000000",
        campaign_spent="1000000",
    )
    # 06:30 in Jakarta on the 2nd is still the 1st in UTC: it counts on the 2nd.
    make_session(account_id, "s3", started_at=at(2026, 11, 2, 6, 30), total_viewers=2000, total_orders=40, total_revenue="2000000")
    make_session(account_id, "s0", started_at=at(2026, 10, 31, 23), total_viewers=999, total_orders=9, total_revenue="99000")
    daily_analytics_recent(tenant=account_id.tenant)


@pytest.fixture
def mixed(november, studio, in_a):
    """A Malaysian account (rate known) and a Vietnamese one (no rate) in the same studio."""
    kl = make_account(studio, region="MY", name="kedai_kl")
    make_session(
        kl,
        "m1",
        started_at=at(2026, 11, 1, 20, region="MY"),
        total_viewers=100,
        total_orders=10,
        total_revenue="1000.50",
        campaign_spent="500",
    )
    hcm = make_account(studio, region="VN", name="shop_hcm")
    make_session(hcm, "v1", started_at=at(2026, 11, 1, 20, region="VN"), total_viewers=7, total_orders=7, total_revenue="7000000")
    FxRate.objects.create(tenant=in_a, currency="IDR", day=date(2026, 10, 1), rate=Decimal("0.00006"))
    FxRate.objects.create(tenant=in_a, currency="MYR", day=date(2026, 10, 1), rate=Decimal("0.22"))
    daily_analytics_recent(tenant=in_a)
    return {"kl": kl, "hcm": hcm}


def test_daily_rows_per_day_in_the_accounts_time_zone(viewer_api, november, studio):
    response = viewer_api.get(URL, {"studio_id": studio.pk, "start_date": "2026-11-01", "end_date": "2026-11-03"})
    assert response.status_code == 200
    assert response.json() == [
        {
            "date": "2026-11-01",
            "total_sessions": 2,
            "total_revenue": 6000000,
            "total_viewers": 8000,
            "total_orders": 210,
            "average_order_value": 28571,
            "conversion_rate": "0.0263",
            "campaign_spent": 3000000,
            "roi_percentage": "2.0x",
            "currency": "IDR",
            "missing_rates": [],
        },
        {
            "date": "2026-11-02",
            "total_sessions": 1,
            "total_revenue": 2000000,
            "total_viewers": 2000,
            "total_orders": 40,
            "average_order_value": 50000,
            "conversion_rate": "0.02",
            "campaign_spent": 0,
            "roi_percentage": None,
            "currency": "IDR",
            "missing_rates": [],
        },
        {
            "date": "2026-11-03",
            "total_sessions": 0,
            "total_revenue": 0,
            "total_viewers": 0,
            "total_orders": 0,
            "average_order_value": 0,
            "conversion_rate": "0.00",
            "campaign_spent": 0,
            "roi_percentage": None,
            "currency": "IDR",
            "missing_rates": [],
        },
    ]


def test_one_account_of_a_mixed_studio_stays_in_its_currency(viewer_api, mixed):
    rows = viewer_api.get(URL, {"shopee_account_id": mixed["kl"].pk, "start_date": "2026-11-01", "end_date": "2026-11-01"}).json()
    assert [(r["total_revenue"], r["campaign_spent"], r["currency"], r["roi_percentage"]) for r in rows] == [(1000.5, 500.0, "MYR", "2.0x")]


def test_a_mixed_currency_studio_is_converted_into_the_reporting_currency(viewer_api, mixed, studio):
    rows = viewer_api.get(URL, {"studio_id": studio.pk, "start_date": "2026-11-01", "end_date": "2026-11-01"}).json()
    # IDR 6,000,000 × 0.00006 = 360.00 and MYR 1,000.50 × 0.22 = 220.11 USD; VND has no rate.
    assert rows == [
        {
            "date": "2026-11-01",
            "total_sessions": 3,
            "total_revenue": 580.11,
            "total_viewers": 8100,
            "total_orders": 220,
            "average_order_value": 2.64,
            "conversion_rate": "0.0272",
            "campaign_spent": 290.0,
            "roi_percentage": "2.0x",
            "currency": "USD",
            "missing_rates": ["VND"],
        }
    ]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"start_date": "2026-11-05", "end_date": "2026-11-01"}, "start_date"),
        ({"start_date": "2025-01-01", "end_date": "2026-11-01"}, "end_date"),
        ({"start_date": "01/11/2026"}, "start_date"),
        ({"studio_id": "one"}, "studio_id"),
    ],
)
def test_daily_bad_query_is_a_400_naming_the_field(viewer_api, november, query, field):
    response = viewer_api.get(URL, query)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_daily_of_another_tenants_studio_or_account_is_a_404(viewer_api, november, foreign):
    assert viewer_api.get(URL, {"studio_id": foreign["studio"].pk}).status_code == 404
    assert viewer_api.get(URL, {"shopee_account_id": foreign["account"].pk}).status_code == 404


def test_daily_defaults_to_the_last_30_days(viewer_api, november):
    rows = viewer_api.get(URL).json()
    assert len(rows) == 30
    assert rows[-1]["date"] == timezone.localdate().isoformat()


# --- Summary --------------------------------------------------------------------------------


@pytest.fixture
def recent(account_id):
    now = timezone.now()
    make_session(
        account_id,
        "r1",
        started_at=now - timedelta(days=1),
        total_viewers=1000,
        total_orders=100,
        total_revenue="1500000",
        campaign_spent="1000000",
    )
    make_session(account_id, "r2", started_at=now - timedelta(days=10), total_viewers=500, total_orders=50, total_revenue="1200000")
    make_session(account_id, "r3", started_at=now - timedelta(days=40), total_viewers=90000, total_orders=9000, total_revenue="900000000")
    daily_analytics_recent(tenant=account_id.tenant)


def test_summary_of_the_last_30_days(viewer_api, recent, studio):
    response = viewer_api.get(f"{URL}/summary", {"studio_id": studio.pk, "days": 30})
    assert response.status_code == 200
    assert response.json() == {
        "period_days": 30,
        "total_sessions": 2,
        "total_revenue": 2700000,
        "total_viewers": 1500,
        "total_orders": 150,
        "average_order_value": 18000,
        "conversion_rate": "0.10",
        "campaign_spent": 1000000,
        "roi_percentage": "2.7x",
        "currency": "IDR",
        "missing_rates": [],
    }


def test_summary_window_and_bad_days(viewer_api, recent, foreign):
    assert viewer_api.get(f"{URL}/summary", {"days": 5}).json()["total_sessions"] == 1
    assert viewer_api.get(f"{URL}/summary", {"days": 60}).json()["total_revenue"] == 902700000
    bad = viewer_api.get(f"{URL}/summary", {"days": 0})
    assert bad.status_code == 400 and "days" in bad.json()["error"]["fields"]
    assert viewer_api.get(f"{URL}/summary", {"studio_id": foreign["studio"].pk}).status_code == 404


# --- Nightly daily rows ---------------------------------------------------------------------


def test_daily_analytics_compute_upserts_one_row_per_account_and_day(mixed, account_id, in_a, foreign):
    DailyAnalytics.objects.for_tenant(in_a).delete()  # the fixtures' nightly refresh wrote them
    written = daily_analytics_compute(in_a, day_from=date(2026, 11, 1), day_to=date(2026, 11, 3))
    assert written == 4
    rows = {(r.account_id, r.day): r for r in DailyAnalytics.objects.for_tenant(in_a)}
    nov1 = rows[account_id.pk, date(2026, 11, 1)]
    assert (nov1.sessions, nov1.revenue, nov1.viewers, nov1.orders, nov1.campaign_spent, nov1.currency, nov1.studio_id) == (
        2,
        Decimal("6000000.00"),
        8000,
        210,
        Decimal("3000000.00"),
        "IDR",
        account_id.studio_id,
    )
    assert rows[mixed["kl"].pk, date(2026, 11, 1)].revenue == Decimal("1000.50")
    assert rows[account_id.pk, date(2026, 11, 2)].sessions == 1
    assert (account_id.pk, date(2026, 10, 31)) not in rows

    # Again after a session moved days and another was deleted: same rows rewritten, the emptied day gone.
    LiveSession.objects.for_tenant(in_a).filter(session_id="s3").delete()
    LiveSession.objects.for_tenant(in_a).filter(session_id="s2").update(total_revenue=Decimal("1500000"))
    daily_analytics_compute(in_a, day_from=date(2026, 11, 1), day_to=date(2026, 11, 3))
    rows = {(r.account_id, r.day): r for r in DailyAnalytics.objects.for_tenant(in_a)}
    assert rows[account_id.pk, date(2026, 11, 1)].revenue == Decimal("6500000.00")
    assert (account_id.pk, date(2026, 11, 2)) not in rows
    with tenant_scope(foreign["studio"].tenant):
        assert not DailyAnalytics.objects.for_tenant(foreign["studio"].tenant).exists()


def test_the_last_days_come_from_the_sessions_at_once_older_ones_after_the_nightly_run(viewer_api, account_id, in_a):
    now = timezone.now()
    make_session(account_id, "today", started_at=now, total_viewers=100, total_orders=10, total_revenue="100000")
    old = make_session(account_id, "old", started_at=now - timedelta(days=10), total_viewers=50, total_orders=5, total_revenue="50000")
    assert viewer_api.get(f"{URL}/summary").json()["total_revenue"] == 100000  # the old day isn't computed yet

    daily_analytics_recent(tenant=in_a)
    assert viewer_api.get(f"{URL}/summary").json()["total_revenue"] == 150000

    old.total_revenue = Decimal("80000")
    old.save()  # a late change to an old day: picked up by the next refresh
    assert daily_analytics_recent(tenant=in_a) >= 1
    assert viewer_api.get(f"{URL}/summary").json()["total_revenue"] == 180000


# --- Product URL ----------------------------------------------------------------------------


def test_product_url_uses_the_region_of_the_account_with_that_shop(viewer_api, account_id, studio, in_a):
    make_account(make_studio(in_a, "KL"), region="MY", shop_id="789")
    assert viewer_api.get("/api/live-streaming/product-url", {"shop_id": "456", "item_id": "item_1"}).json() == {
        "product_url": "https://shopee.co.id/product/456/item_1",
        "region": "ID",
    }
    assert viewer_api.get("/api/live-streaming/product-url", {"shop_id": "789", "item_id": "55"}).json()["product_url"] == (
        "https://shopee.com.my/product/789/55"
    )


def test_product_url_of_an_unknown_shop_uses_the_region_parameter(viewer_api, account_id, foreign, tenant_b):
    url = "/api/live-streaming/product-url"
    with tenant_scope(tenant_b):
        make_account(foreign["studio"], region="TH", shop_id="777")
    assert (
        viewer_api.get(url, {"shop_id": "999", "item_id": "1", "region": "VN"}).json()["product_url"] == "https://shopee.vn/product/999/1"
    )
    # Another tenant's shop doesn't lend its region.
    assert viewer_api.get(url, {"shop_id": "777", "item_id": "1"}).json()["region"] == "ID"
    for query, field in (
        ({"shop_id": "abc", "item_id": "1"}, "shop_id"),
        ({"shop_id": "1"}, "item_id"),
        ({"shop_id": "1", "item_id": "1", "region": "US"}, "region"),
    ):
        response = viewer_api.get(url, query)
        assert response.status_code == 400 and field in response.json()["error"]["fields"]
