"""Analytics: daily charts per currency over the range, the rolling summary (30 days by default,
per currency, never IDR + THB), the per-account table, filters, and bad input as a 400."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.models import Role
from tests.fixtures.html import parse
from tests.shopee_live.pages_data import local, make_account, make_day, make_session, make_studio

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer(web_client_for, tenant_a):
    return web_client_for(tenant_a, Role.VIEWER)[0]


@pytest.fixture
def world(tenant_a):
    """Tenant zone UTC. Glow (IDR, Jakarta studio) and Siam (THB, Bangkok studio). Yesterday is
    one of the live days: read from its sessions (a stale stored row for it is ignored); 3 and 40
    days ago (outside the 30-day summary) are closed: read from the stored days."""
    today = timezone.now().date()
    jakarta, bangkok = make_studio(tenant_a, "Studio Jakarta"), make_studio(tenant_a, "Studio Bangkok")
    glow = make_account(tenant_a, jakarta, name="Glow ID", region="ID", user_id="880001")
    siam = make_account(tenant_a, bangkok, name="Siam Beauty", region="TH", user_id="880002")
    yesterday = today - timedelta(days=1)
    noon = (yesterday.year, yesterday.month, yesterday.day, 12)
    for n, (viewers, spent) in enumerate(((8000, "10000000"), (6000, "0"), (6000, "0"))):
        make_session(
            tenant_a, glow, session_id=f"g{n}", started_at=local("ID", *noon), total_revenue=Decimal("5000000"),
            total_viewers=viewers, total_orders=100, campaign_spent=Decimal(spent),
        )  # fmt: skip
    make_day(tenant_a, glow, yesterday, sessions=99, revenue=Decimal("1"), viewers=1, orders=1)  # stale: live days come from sessions
    make_day(
        tenant_a,
        glow,
        today - timedelta(days=3),
        sessions=1,
        revenue=Decimal("5000000"),
        viewers=5000,
        orders=100,
        campaign_spent=Decimal("0"),
    )
    make_day(tenant_a, glow, today - timedelta(days=40), sessions=9, revenue=Decimal("90000000"), viewers=90000, orders=900)
    for n, (revenue, viewers, orders, spent) in enumerate((("12000.50", 3000, 40, "5000"), ("500.00", 1000, 10, "0"))):
        make_session(
            tenant_a, siam, session_id=f"s{n}", started_at=local("TH", *noon), total_revenue=Decimal(revenue),
            total_viewers=viewers, total_orders=orders, campaign_spent=Decimal(spent),
        )  # fmt: skip
    return {"today": today, "glow": glow, "siam": siam, "jakarta": jakarta, "bangkok": bangkok}


def summary(page, currency) -> dict[str, str]:
    block = page.find(id=f"summary-{currency}")
    return {stat.attrs["data-field"]: stat.find(cls="stat-value").text for stat in block.find_all(cls="stat")}


def test_summary_per_currency_over_30_days(viewer, world):
    response = viewer.get("/live/analytics/")
    assert response.status_code == 200
    page = parse(response.content.decode())
    assert summary(page, "IDR") == {
        "sessions": "4", "revenue": "Rp 20M", "viewers": "25,000", "orders": "400",
        "aov": "Rp 50,000", "conversion": "1.60%", "roi": "2.0x",
    }  # fmt: skip
    assert summary(page, "THB") == {
        "sessions": "2", "revenue": "฿12.5K", "viewers": "4,000", "orders": "50",
        "aov": "฿250.01", "conversion": "1.25%", "roi": "2.5x",
    }  # fmt: skip
    seven = parse(viewer.get("/live/analytics/?days=90").content.decode())
    assert summary(seven, "IDR")["sessions"] == "13"


def test_daily_charts_and_account_table(viewer, world):
    today = world["today"]
    page = parse(
        viewer.get(f"/live/analytics/?range=custom&start={today - timedelta(days=3)}&end={today - timedelta(days=1)}").content.decode()
    )
    idr = json.loads(page.find(id="chart-revenue-idr-data").children[0])
    assert idr["labels"] == [(today - timedelta(days=n)).isoformat() for n in (3, 2, 1)]
    assert idr["series"][0]["values"] == [5000000.0, 0.0, 15000000.0]
    thb = json.loads(page.find(id="chart-revenue-thb-data").children[0])
    assert thb["series"][0]["values"] == [0.0, 0.0, 12500.5]
    sessions = json.loads(page.find(id="chart-sessions-data").children[0])
    assert [s["values"] for s in sessions["series"]] == [[1, 0, 5], [100, 0, 350]]
    viewers = json.loads(page.find(id="chart-viewers-data").children[0])
    assert viewers["series"][0]["values"] == [5000, 0, 24000]
    assert page.find(id="accounts-table").rows() == [
        ["Glow ID ID · IDR", "Studio Jakarta", "4", "25,000", "400", "Rp 20,000,000", "Rp 50,000", "1.60%", "Rp 10,000,000", "2.0x"],
        ["Siam Beauty TH · THB", "Studio Bangkok", "2", "4,000", "50", "฿12,500.50", "฿250.01", "1.25%", "฿5,000.00", "2.5x"],
    ]
    totals = {
        row.attrs["id"]: [cell.text for cell in row.children if hasattr(cell, "tag")]
        for row in page.find(id="accounts-table").find("tfoot").find_all("tr")
    }
    assert totals["range-total-IDR"][5] == "Rp 20,000,000"
    assert totals["range-total-THB"][5] == "฿12,500.50"


def test_filters_by_studio_and_account(viewer, world):
    page = parse(viewer.get(f"/live/analytics/?studio={world['bangkok'].pk}").content.decode())
    assert page.find_all(id="summary-IDR") == []
    assert summary(page, "THB")["sessions"] == "2"
    page = parse(viewer.get(f"/live/analytics/?account={world['glow'].pk}").content.decode())
    assert [row[0] for row in page.find(id="accounts-table").rows()] == ["Glow ID ID · IDR"]


def test_bad_input_and_empty(viewer, world, tenant_a):
    for query, name in (("days=0", "days"), ("days=x", "days"), ("studio=424242", "studio"), ("range=forever", "range")):
        response = viewer.get(f"/live/analytics/?{query}")
        assert response.status_code == 400, query
        assert name in parse(response.content.decode()).find(id="query-errors").text
    page = parse(viewer.get(f"/live/analytics/?range=custom&start=2020-01-01&end=2020-01-31&account={world['glow'].pk}").content.decode())
    assert "No sessions stored for these days" in page.find(id="daily-empty").text
