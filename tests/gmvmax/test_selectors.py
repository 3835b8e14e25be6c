"""The seed's aggregation on hand-made report rows, with exact figures: a room over midnight is
one session with both days summed and its launched time; no live_launched_time falls back to the
first stat_time_day; ROI from the sums (0 without cost); most recently launched first; times in
the ad account's zone. And the campaign table's sums, ROI and per-currency totals."""

from __future__ import annotations

from datetime import UTC, date
from decimal import Decimal

import pytest

from core.tenancy import tenant_scope
from gmvmax import selectors
from gmvmax.models import CampaignDailyStat, GmvMaxCampaign, PromotionType
from gmvmax.services import _rooms_write
from tiktok_ads.models import Advertiser, BusinessConnection

pytestmark = pytest.mark.django_db


def _campaign(tenant, *, zone="Asia/Kuala_Lumpur", currency="MYR", name="Glow MY", campaign_id="1800000000000001"):
    with tenant_scope(tenant):
        connection = BusinessConnection.objects.create(tenant=tenant, access_token="token")
        advertiser = Advertiser.objects.create(
            tenant=tenant, connection=connection, advertiser_id=f"7{campaign_id[-6:]}", name=name, currency=currency, time_zone=zone
        )
        return GmvMaxCampaign.objects.create(
            tenant=tenant, advertiser=advertiser, campaign_id=campaign_id, name=f"{name} live", promotion_type=PromotionType.LIVE
        )


def _row(room_id, day, *, launched="-", cost="0", gmv="0", orders="0", status="END", name=None, views="0"):
    return {
        "dimensions": {"room_id": room_id, "stat_time_day": f"{day} 00:00:00"},
        "metrics": {
            "live_name": name or f"Live {room_id}",
            "live_status": status,
            "live_launched_time": launched,
            "live_duration": "1h 30m",
            "cost": cost,
            "gross_revenue": gmv,
            "orders": orders,
            "live_views": views,
            "10_second_live_views": "-",
            "live_follows": "-",
        },
    }


ROWS = [
    _row("A", "2026-03-01", launched="2026-03-01 23:00:00", cost="10.00", gmv="30.00", orders="1", views="100"),
    _row("A", "2026-03-02", launched="2026-03-01 23:00:00", cost="5.50", gmv="4.50", orders="2", views="10"),
    _row("B", "2026-03-02", launched="-", cost="3.00", gmv="9.00", orders="1", status=""),
    _row("C", "2026-03-02", launched="2026-03-02 09:15:00", cost="0", gmv="12.00", orders="1", status="ONGOING"),
]


def test_rooms_grouped_summed_with_earliest_launch_fallback_roi_and_order(tenant_a):
    campaign = _campaign(tenant_a)
    with tenant_scope(tenant_a):
        assert _rooms_write(campaign, date(2026, 3, 1), date(2026, 3, 2), ROWS) == 4
    sessions = selectors.room_sessions(tenant_a, campaign=campaign, start=date(2026, 3, 1), end=date(2026, 3, 2))
    assert [(s["room_id"], s["launched_time"]) for s in sessions] == [
        ("C", "2026-03-02 09:15:00"),
        ("B", "2026-03-02 00:00:00"),  # no live_launched_time: its first stat_time_day
        ("A", "2026-03-01 23:00:00"),
    ]
    c, b, a = sessions
    assert (a["cost"], a["gmv"], a["orders"], a["roi"]) == (Decimal("15.50"), Decimal("34.50"), 3, Decimal("2.23"))
    assert (a["live_views"], a["cost_per_view"]) == (110, Decimal("0.14"))
    assert (b["cost"], b["roi"], b["live_status"]) == (Decimal("3.00"), Decimal("3.00"), "")
    assert (c["cost"], c["gmv"], c["roi"], c["live_status"]) == (Decimal("0.00"), Decimal("12.00"), Decimal("0.00"), "ONGOING")
    totals = selectors.totals_of(sessions)
    assert (totals["cost"], totals["gmv"], totals["orders"], totals["roi"]) == (Decimal("18.50"), Decimal("55.50"), 5, Decimal("3.00"))
    # Only the second day: room A's figures of that day, still launched the day before.
    second_day = selectors.room_sessions(tenant_a, campaign=campaign, start=date(2026, 3, 2), end=date(2026, 3, 2))
    a_only = next(s for s in second_day if s["room_id"] == "A")
    assert (a_only["cost"], a_only["orders"], a_only["launched_time"]) == (Decimal("5.50"), 2, "2026-03-01 23:00:00")


@pytest.mark.parametrize("zone, utc_hour", [("Asia/Kuala_Lumpur", 15), ("Asia/Jakarta", 16), ("America/Los_Angeles", 7)])
def test_launched_time_is_the_accounts_wall_time(tenant_a, zone, utc_hour):
    campaign = _campaign(tenant_a, zone=zone)
    with tenant_scope(tenant_a):
        _rooms_write(campaign, date(2026, 3, 1), date(2026, 3, 2), ROWS)
        room = campaign.rooms.get(room_id="A")
    assert room.launched_time.astimezone(UTC).hour == utc_hour  # 23:00 local
    shown = selectors.room_sessions(tenant_a, campaign=campaign, start=date(2026, 3, 1), end=date(2026, 3, 2))
    assert next(s for s in shown if s["room_id"] == "A")["launched_time"] == "2026-03-01 23:00:00"


def test_a_refetch_replaces_the_range_instead_of_adding(tenant_a):
    campaign = _campaign(tenant_a)
    with tenant_scope(tenant_a):
        _rooms_write(campaign, date(2026, 3, 1), date(2026, 3, 2), ROWS)
        revised = [dict(ROWS[0], metrics={**ROWS[0]["metrics"], "cost": "11.00"})] + ROWS[1:]
        _rooms_write(campaign, date(2026, 3, 1), date(2026, 3, 2), revised)
    sessions = selectors.room_sessions(tenant_a, campaign=campaign, start=date(2026, 3, 1), end=date(2026, 3, 2))
    assert len(sessions) == 3
    assert next(s for s in sessions if s["room_id"] == "A")["cost"] == Decimal("16.50")


def test_campaign_report_sums_roi_accounts_and_currency_totals(tenant_a, tenant_b):
    my = _campaign(tenant_a)
    idr = _campaign(tenant_a, zone="Asia/Jakarta", currency="IDR", name="Glow ID", campaign_id="1800000000000002")
    other = _campaign(tenant_b, campaign_id="1800000000000003")
    figures = [(my, "2026-03-01", "10.00", "25.00", 2), (my, "2026-03-02", "20.00", "15.00", 1), (idr, "2026-03-02", "35000.00", "0", 0)]
    for campaign, day, cost, gmv, orders in figures + [(other, "2026-03-01", "99.00", "99.00", 9)]:
        CampaignDailyStat.objects.create(
            tenant_id=campaign.tenant_id,
            campaign=campaign,
            promotion_type=campaign.promotion_type,
            day=date.fromisoformat(day),
            cost=Decimal(cost),
            gross_revenue=Decimal(gmv),
            orders=orders,
        )
    rows = selectors.campaigns_report(tenant_a, start=date(2026, 3, 1), end=date(2026, 3, 2), promotion_type="LIVE_GMV_MAX")
    assert [(r["account_name"], r["cost"], r["gmv"], r["orders"], r["roi"]) for r in rows] == [
        ("Glow ID", Decimal("35000.00"), Decimal("0.00"), 0, Decimal("0.00")),
        ("Glow MY", Decimal("30.00"), Decimal("40.00"), 3, Decimal("1.33")),  # 40 / 30, not the mean of 2.50 and 0.75
    ]
    assert selectors.campaigns_report(tenant_a, start=date(2026, 3, 1), end=date(2026, 3, 2), promotion_type="PRODUCT_GMV_MAX") == []
    accounts = selectors.accounts_report(rows)
    assert [(a.name, a.currency, len(a.campaigns)) for a in accounts] == [("Glow ID", "IDR", 1), ("Glow MY", "MYR", 1)]
    totals = selectors.totals_by_currency(accounts)
    assert [(t["currency"], t["cost"]) for t in totals] == [("IDR", Decimal("35000.00")), ("MYR", Decimal("30.00"))]
    one_day = selectors.campaigns_report(tenant_a, start=date(2026, 3, 1), end=date(2026, 3, 1), promotion_type="LIVE_GMV_MAX")
    assert [(r["account_name"], r["roi"]) for r in one_day] == [("Glow MY", Decimal("2.50"))]
