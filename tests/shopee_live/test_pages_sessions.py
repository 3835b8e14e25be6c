"""Session history (filters, sort, totals per currency, CSV/XLSX exports) and one session's page
(KPIs, minute charts, items, coins, links); another tenant's session is a 404."""

import csv
import io
import json
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from core.models import Role
from shopee_live.models import SessionStatus
from tests.fixtures.html import parse
from tests.shopee_live.pages_data import local, make_account, make_host, make_item, make_minutes, make_session, make_studio

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")


@pytest.fixture
def viewer(web_client_for, tenant_a):
    return web_client_for(tenant_a, Role.VIEWER)[0]


@pytest.fixture
def analyst(web_client_for, tenant_a):
    return web_client_for(tenant_a, Role.ANALYST)[0]


@pytest.fixture
def world(tenant_a):
    """Tenant zone UTC. Three sessions on 1-3 March 2026: two IDR (Glow ID), one THB (Siam)."""
    jakarta = make_studio(tenant_a, "Studio Jakarta")
    glow = make_account(tenant_a, jakarta, name="Glow ID", region="ID", user_id="880001", shop_id="550001")
    siam = make_account(tenant_a, jakarta, name="Siam Beauty", region="TH", user_id="880002", shop_id="550002")
    ayu = make_host(tenant_a, jakarta, name="Ayu", streamer_id="host-ayu")
    budi = make_host(tenant_a, jakarta, name="Budi", streamer_id="host-budi")
    serum = make_session(
        tenant_a, glow, session_id="9001", session_name="Flash Sale Serum", host=ayu,
        started_at=datetime(2026, 3, 1, 12, 0, tzinfo=UTC), ended_at=datetime(2026, 3, 1, 14, 0, tzinfo=UTC), duration_seconds=7200,
        total_viewers=5000, peak_viewers=800, total_views=9000, total_orders=150, total_revenue=Decimal("5000000"),
        confirmed_revenue=Decimal("4500000"), total_likes=1200, total_comments=340, total_shares=56,
        campaign_spent=Decimal("2000000"), campaign_budget=Decimal("3000000"),
        coins_distributed=1000, coins_claimed=800, coin_total_value=Decimal("500000"),
    )  # fmt: skip
    make_session(
        tenant_a, glow, session_id="9002", session_name="Toner night", host=budi,
        started_at=datetime(2026, 3, 2, 13, 0, tzinfo=UTC), total_viewers=1000, peak_viewers=200, total_orders=10,
        total_revenue=Decimal("250000"), campaign_spent=Decimal("0"),
    )  # fmt: skip
    make_session(
        tenant_a, siam, session_id="9003", session_name="=HYPERLINK(\"x\")", host=ayu, status=SessionStatus.ONGOING,
        started_at=datetime(2026, 3, 3, 9, 0, tzinfo=UTC), total_viewers=300, peak_viewers=90, total_orders=12,
        total_revenue=Decimal("1499.50"), campaign_spent=Decimal("500.25"),
    )  # fmt: skip
    return {"glow": glow, "siam": siam, "ayu": ayu, "budi": budi, "serum": serum, "studio": jakarta}


RANGE = "range=custom&start=2026-03-01&end=2026-03-03"


def names(page) -> list[str]:
    return [row[0] for row in page.find(id="sessions-table").rows()]


def test_history_lists_sessions_with_totals_per_currency(viewer, world):
    response = viewer.get(f"/live/sessions/?{RANGE}")
    assert response.status_code == 200
    page = parse(response.content.decode())
    assert names(page) == ['=HYPERLINK("x")', "Toner night", "Flash Sale Serum"]
    first = page.find(id=f"session-{world['serum'].pk}")
    assert [cell.text for cell in first.children if hasattr(cell, "tag")] == [
        "Flash Sale Serum", "9001", "Glow ID ID", "Ayu", "Ended", "1 Mar 2026, 12:00", "120 min", "5,000", "800", "150", "Rp 5,000,000", "Rp 2,000,000",
    ]  # fmt: skip
    idr = page.find(id="totals-IDR")
    assert [cell.text for cell in idr.children if hasattr(cell, "tag")][7:] == ["6,000", "", "160", "Rp 5,250,000", "Rp 2,000,000"]
    assert idr.find("th").text == "Total · IDR 2 sessions"
    thb = page.find(id="totals-THB")
    assert [cell.text for cell in thb.children if hasattr(cell, "tag")][7:] == ["300", "", "12", "฿1,499.50", "฿500.25"]


def test_history_filters(viewer, world):
    def listed(query):
        response = viewer.get(f"/live/sessions/?{RANGE}&{query}")
        assert response.status_code == 200, response.content.decode()[:500]
        return names(parse(response.content.decode())) if b"sessions-table" in response.content else []

    assert listed(f"account={world['siam'].pk}") == ['=HYPERLINK("x")']
    assert listed(f"host={world['budi'].pk}") == ["Toner night"]
    assert listed("status=ongoing") == ['=HYPERLINK("x")']
    assert listed("q=serum") == ["Flash Sale Serum"]
    assert listed("q=9002") == ["Toner night"]
    assert listed(f"studio={world['studio'].pk}&sort=total_revenue") == ['=HYPERLINK("x")', "Toner night", "Flash Sale Serum"]
    assert listed("sort=-total_orders") == ["Flash Sale Serum", '=HYPERLINK("x")', "Toner night"]
    # The range counts days in each account's region (Jakarta): 2 March only.
    response = viewer.get("/live/sessions/?range=custom&start=2026-03-02&end=2026-03-02")
    assert names(parse(response.content.decode())) == ["Toner night"]


def test_history_bad_filters_are_400_naming_the_field(viewer, world):
    for query, name in (("status=live", "status"), ("host=99999999", "host"), ("range=custom&start=2026-13-01", "start")):
        response = viewer.get(f"/live/sessions/?{query}")
        assert response.status_code == 400, query
        assert name in parse(response.content.decode()).find(id="query-errors").text


def test_csv_export_is_exact_and_formula_safe(analyst, world):
    response = analyst.get(f"/live/sessions/?{RANGE}&sort=started_at&format=csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:12] == [
        "session_id",
        "session_name",
        "status",
        "source",
        "studio",
        "account",
        "region",
        "currency",
        "host",
        "started_at",
        "ended_at",
        "duration_seconds",
    ]
    assert rows[1] == [
        "9001", "Flash Sale Serum", "ended", "sync", "Studio Jakarta", "Glow ID", "ID", "IDR", "Ayu", "2026-03-01T12:00:00+00:00",
        "2026-03-01T14:00:00+00:00", "7200", "5000", "800", "9000", "150", "5000000.00", "4500000.00", "0", "1200", "340", "56",
        "2000000.00", "1000", "800", "500000.00",
    ]  # fmt: skip
    assert [row[0] for row in rows[1:]] == ["9001", "9002", "9003"]
    assert rows[3][1] == '\'=HYPERLINK("x")'


def test_xlsx_export_and_roles(analyst, viewer, world):
    response = analyst.get(f"/live/sessions/?{RANGE}&account={world['siam'].pk}&format=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = list(sheet.values)
    assert values[1][0:3] == ("9003", '\'=HYPERLINK("x")', "ongoing")
    assert values[1][16] == 1499.5
    assert len(values) == 2
    assert viewer.get(f"/live/sessions/?{RANGE}&format=csv").status_code == 403
    bad = analyst.get(f"/live/sessions/?{RANGE}&format=pdf")
    assert bad.status_code == 400
    assert "format" in parse(bad.content.decode()).find(id="query-errors").text


def test_session_detail_kpis_charts_items_and_links(viewer, world):
    serum = world["serum"]
    make_minutes(
        serum, datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
        [{"viewers": 100, "engaged_viewers": 40, "orders": 2, "revenue": Decimal("60000")}, {"viewers": 140, "engaged_viewers": 70, "orders": 5, "revenue": Decimal("150000")}],
    )  # fmt: skip
    make_item(
        serum,
        item_id="111",
        product_name="Glow Serum 30ml",
        live_price=Decimal("99000"),
        original_price=Decimal("120000"),
        discount_percentage=Decimal("17.5"),
        quantity_sold=40,
        revenue=Decimal("3960000"),
        total_commission=Decimal("396000"),
    )
    make_item(
        serum,
        item_id="112",
        product_name="Glow Toner",
        live_price=Decimal("52000"),
        quantity_sold=20,
        revenue=Decimal("1040000"),
        total_commission=Decimal("52000"),
    )
    response = viewer.get(f"/live/sessions/{serum.pk}/")
    assert response.status_code == 200
    page = parse(response.content.decode())
    kpis = {stat.attrs["id"]: stat.find(cls="stat-value").text for stat in page.find(id="session-kpis").find_all(cls="stat")}
    assert kpis == {
        "kpi-viewers": "5,000", "kpi-peak": "800", "kpi-views": "9,000", "kpi-orders": "150", "kpi-revenue": "Rp 5,000,000",
        "kpi-confirmed": "Rp 4,500,000", "kpi-aov": "Rp 33,333", "kpi-conversion": "3.00%", "kpi-likes": "1,200",
        "kpi-comments": "340", "kpi-shares": "56", "kpi-spent": "Rp 2,000,000", "kpi-roi": "2.5x",
    }  # fmt: skip
    viewers = json.loads(page.find(id="chart-viewers-data").children[0])
    assert viewers["labels"] == ["12:00", "12:01"]
    assert [s["values"] for s in viewers["series"]] == [[100, 140], [40, 70]]
    orders = json.loads(page.find(id="chart-orders-data").children[0])
    assert orders["currency"] == "IDR" and orders["y2Format"] == "money"
    assert [s["values"] for s in orders["series"]] == [[2, 5], [60000.0, 150000.0]]
    assert page.find(id="items-table").rows() == [
        [
            "Glow Serum 30ml",
            "Rp 99,000 Rp 120,000",
            "18%",
            "40",
            "Rp 3,960,000",
            "Rp 396,000",
            "0",
            "0",
            "Open Glow Serum 30ml on Shopee Copy",
        ],
        ["Glow Toner", "Rp 52,000", "0%", "20", "Rp 1,040,000", "Rp 52,000", "0", "0", "Open Glow Toner on Shopee Copy"],
    ]
    links = [el.attrs["data-copy"] for el in page.iter() if "data-copy" in el.attrs]
    assert links == [
        "https://live.shopee.co.id/share?from=live&session=9001&share_user_id=880001",
        "https://shopee.co.id/product/550001/111",
        "https://shopee.co.id/product/550001/112",
    ]
    coins = {td.attrs["data-field"]: td.text for td in page.find(id="coins").find_all("td")}
    assert coins == {"coins-distributed": "1,000", "coins-claimed": "800", "coins-value": "Rp 500,000"}
    by_revenue = parse(viewer.get(f"/live/sessions/{serum.pk}/?sort=revenue").content.decode())
    assert [row[0] for row in by_revenue.find(id="items-table").rows()] == ["Glow Toner", "Glow Serum 30ml"]


def test_another_tenants_session_is_a_404(viewer, world, tenant_b):
    other = make_account(tenant_b, make_studio(tenant_b, "B"), name="B shop", user_id="990001")
    foreign = make_session(tenant_b, other, session_id="7777", session_name="Not yours", started_at=local("ID", 2026, 3, 1, 10))
    response = viewer.get(f"/live/sessions/{foreign.pk}/")
    assert response.status_code == 404
    assert "Not yours" not in response.content.decode()
    assert viewer.post(f"/live/sessions/{foreign.pk}/coins/").status_code in (403, 404)
