"""TikTok Shop pages: dashboard KPIs and comparison, orders with filters, pagination and lines
loaded on demand, products, brands, the sync page, CSV/XLSX exports, roles and empty states."""

import csv
import io
import json
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from core.models import Role, SyncRun
from shop_sync import selectors
from shop_sync.models import ConnectionStatus
from tests.fixtures.html import messages, parse
from tests.shop_sync.data import local, make_order, make_rollup, make_shop, make_sync_state

pytestmark = pytest.mark.django_db

GLOW = {"product_id": "1729000001", "product_name": "Glowy Serum", "sku_id": "1729100001", "seller_sku": "GL-30", "brand": "Glowy"}


@pytest.fixture
def shop(tenant_a):
    return make_shop(tenant_a, shop_id="7494000000001", name="Glow MY", currency="MYR", time_zone="Asia/Kuala_Lumpur")


@pytest.fixture
def viewer(web_client_for, tenant_a):
    return web_client_for(tenant_a, Role.VIEWER)[0]


@pytest.fixture
def analyst(web_client_for, tenant_a):
    return web_client_for(tenant_a, Role.ANALYST)[0]


@pytest.fixture
def admin(web_client_for, tenant_a):
    return web_client_for(tenant_a, Role.ADMIN)[0]


def test_pages_without_a_shop_say_to_connect_one(viewer, admin):
    for path in ("/shop/", "/shop/orders/", "/shop/products/", "/shop/brands/"):
        page = parse(viewer.get(path).content)
        assert "No TikTok Shop connected yet" in page.find(id="empty-no-shop").text, path
    sync_page = parse(admin.get("/shop/sync/").content)
    assert "Connect shop" in sync_page.find(id="empty-no-shop").text
    assert sync_page.find("form", id="connect-shop").attrs["action"] == "/shop/connect/"
    assert "Connect shop" not in viewer.get("/shop/sync/").content.decode()


def test_dashboard_kpi_cards_and_period_over_period(viewer, shop):
    make_rollup(shop, date(2026, 3, 30), orders=6, units=8, gmv="600.00", cancelled=1)
    make_rollup(shop, date(2026, 3, 1), orders=4, gmv="400.00")
    make_rollup(shop, date(2026, 2, 28), orders=8, gmv="500.00")
    response = viewer.get("/shop/", {"end": "2026-03-30"})
    assert response.status_code == 200
    page = parse(response.content)
    # One currency: one set of cards, money with its symbol, the change against the previous 30 days.
    assert page.find(id="kpi-orders").find(cls="stat-value").text == "10"
    gmv = page.find(id="kpi-gmv")
    assert gmv.find(cls="stat-value").text == "RM 1,000.00"
    assert gmv.find(cls="stat-value").attrs["title"] == "RM\xa01,000.00"
    assert gmv.find(cls="stat-sub").text == "▲ 100.0% vs RM 500.00"
    assert page.find(id="kpi-cancelled").find(cls="stat-sub").text == "new vs 0"
    assert page.find(id="date-range").find("summary").text == "1 Mar – 30 Mar 2026 vs 30 Jan 2026 – 28 Feb 2026"
    assert "shop days in Asia/Kuala_Lumpur" in page.find(cls="range-note").text
    assert page.find(id="comparison").rows()[:2] == [
        ["GMV", "RM 1,000.00", "RM 500.00", "RM 500.00", "100.0%"],
        ["Orders", "10", "8", "2", "25.0%"],
    ]
    spec = json.loads(page.find("script", id="chart-orders-data").text)
    assert spec["kind"] == "bar" and spec["series"][0]["values"][:2] == [4, 0] and len(spec["labels"]) == 30
    assert json.loads(page.find("script", id="chart-gmv-MYR-data").text)["series"][0]["values"][-1] == 600.0


def test_dashboard_shows_cards_per_currency_only_with_several_currencies(viewer, shop, tenant_a):
    idr = make_shop(tenant_a, shop_id="7494000000009", name="Glow ID", currency="IDR", time_zone="Asia/Jakarta")
    make_rollup(shop, date(2026, 3, 30), orders=2, gmv="80.00")
    make_rollup(idr, date(2026, 3, 30), orders=3, gmv="150000.00")
    page = parse(viewer.get("/shop/", {"end": "2026-03-30", "compare": "none"}).content)
    assert page.find(id="kpi-gmv-IDR").find(cls="stat-value").text == "Rp 150K"
    assert page.find(id="kpi-gmv-IDR").find(cls="stat-value").attrs["title"] == "Rp\xa0150,000"
    assert page.find(id="kpi-gmv-MYR").find(cls="stat-value").text == "RM 80.00"
    assert not page.find_all(id="kpi-gmv") and not page.find_all(id="comparison")
    assert "each shop's own zone" in page.find(cls="range-note").text


def test_dashboard_with_a_shop_but_no_data_says_to_sync(viewer, shop):
    assert "Run a sync" in parse(viewer.get("/shop/").content).find(id="empty-no-data").text


def test_orders_page_filters_paginates_and_shows_shop_time(viewer, shop):
    start = local(shop, 2026, 3, 1, 0, 30)
    for n in range(55):
        make_order(shop, created=start + timedelta(minutes=n), total="10.00", lines=[{**GLOW, "sale_price": "10.00"}])
    make_order(shop, created=local(shop, 2026, 2, 20, 9, 0), total="99.00", status="CANCELLED")
    page = parse(viewer.get("/shop/orders/", {"date_from": "2026-03-01"}).content)
    rows = page.find(id="orders-table").find_all("tr", cls="order-row")
    assert len(rows) == 50
    first = [cell.text for cell in rows[0].children if getattr(cell, "tag", None) == "td"]
    # Days are the shop's (01:24 in Kuala Lumpur on 1 March), times the tenant's zone (UTC).
    assert first[2:] == ["Glow MY", "Completed", "28 Feb 2026, 17:24", "1", "Glowy", "RM 10.00"]
    assert "UTC (UTC+00:00)" in page.find("div", cls="page-head").text
    assert page.find(id="stat-total-orders").find(cls="stat-value").text == "55"
    assert page.find(id="stat-gmv-MYR").find(cls="stat-value").text == "RM 550.00"
    assert page.find(id="orders-table-controls").text.startswith("1–50 of 55 rows")
    second = parse(viewer.get("/shop/orders/", {"date_from": "2026-03-01", "page": 2}).content)
    assert len(second.find(id="orders-table").find_all("tr", cls="order-row")) == 5
    cancelled = parse(viewer.get("/shop/orders/", {"status": "CANCELLED", "range": "all"}).content)
    assert [b.text for b in cancelled.find(id="status-breakdown").find_all("a")] == ["Cancelled 1"]


def test_orders_page_with_a_bad_filter_is_400_with_the_message(viewer, shop):
    response = viewer.get("/shop/orders/", {"date_from": "2026-02-31", "status": "NOPE"})
    assert response.status_code == 400
    errors = parse(response.content).find(id="query-errors").text
    assert "date_from" in errors and "status" in errors


def test_order_lines_load_on_demand_once(viewer, shop):
    order = make_order(
        shop, created=local(shop, 2026, 3, 1, 9, 0), lines=[{**GLOW, "sale_price": "25.00"}, {**GLOW, "sale_price": "15.00"}]
    )
    page = parse(viewer.get("/shop/orders/").content)
    toggle = page.find("button", cls="row-toggle")
    assert toggle.attrs["hx-get"] == f"/shop/orders/{order.pk}/lines/"
    assert toggle.attrs["hx-trigger"] == "click once" and toggle.text == "▶"
    assert "hidden" in page.find("tr", id=f"order-{order.pk}-lines").attrs
    partial = viewer.get(f"/shop/orders/{order.pk}/lines/", HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and b"<html" not in partial.content
    rows = parse(partial.content).find("table").rows()
    assert [row[0] for row in rows] == ["Glowy Serum 1729000001"] * 2
    assert [row[-1] for row in rows] == ["RM 25.00", "RM 15.00"]


def test_another_tenants_order_lines_and_product_are_404(web_client_for, tenant_b, shop):
    order = make_order(shop, created=local(shop, 2026, 3, 1, 9, 0), lines=[{**GLOW, "sale_price": "25.00"}])
    other, _ = web_client_for(tenant_b, Role.OWNER)
    assert other.get(f"/shop/orders/{order.pk}/lines/").status_code == 404
    assert other.get("/shop/products/1729000001/").status_code == 404
    assert other.get("/shop/orders/", {"shop_id": shop.shop_id}).status_code == 404
    assert other.post(f"/shop/sync/{shop.pk}/full/").status_code == 404
    assert SyncRun.all_tenants.count() == 0


def test_orders_export_csv_and_xlsx_for_analysts(analyst, viewer, shop):
    make_order(
        shop, created=local(shop, 2026, 3, 1, 0, 30), total="1234.50", order_id="576600000000001", lines=[{**GLOW, "sale_price": "1234.50"}]
    )
    make_order(shop, created=local(shop, 2026, 2, 1, 0, 30), total="5.00", order_id="576600000000002", status="CANCELLED")
    response = analyst.get("/shop/orders/export.csv", {"status": "COMPLETED"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.streaming
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:8] == ["shop_id", "order_id", "status", "create_time", "update_time", "paid_time", "currency", "total_amount"]
    assert rows[1][:8] == [
        "7494000000001",
        "576600000000001",
        "COMPLETED",
        "2026-03-01T00:30:00+08:00",
        "2026-03-01T00:35:00+08:00",
        "",
        "MYR",
        "1234.50",
    ]
    assert len(rows) == 2
    xlsx = analyst.get("/shop/orders/export.xlsx")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)), read_only=True).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert [row[1] for row in values] == ["order_id", "576600000000001", "576600000000002"]
    assert values[1][7] == 1234.5
    assert viewer.get("/shop/orders/export.csv").status_code == 403


def test_products_brands_and_sync_history_export(analyst, tenant_a, shop, sync_run_factory):
    make_order(shop, created=local(shop, 2026, 3, 1, 9, 0), lines=[{**GLOW, "sale_price": "20.00"}] * 2)
    make_rollup(shop, date(2026, 3, 1), orders=1, gmv="40.00", brand="Glowy")
    sync_run_factory(tenant_a, kind=selectors.SYNC_KIND_FULL, target=f"shop:{shop.pk}", state="succeeded", items_total=1, items_done=1)

    def csv_rows(response):
        assert response.status_code == 200
        return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))

    params = {"end": "2026-03-01", "days": 7}
    assert csv_rows(analyst.get("/shop/products/products/export.csv", params)) == [
        ["product_id", "product_name", "brand", "currency", "units", "orders", "gmv"],
        ["1729000001", "Glowy Serum", "Glowy", "MYR", "2", "1", "40.00"],
    ]
    assert csv_rows(analyst.get("/shop/products/skus/export.csv", params))[1] == [
        "1729000001",
        "Glowy Serum",
        "1729100001",
        "GL-30",
        "M",
        "MYR",
        "2",
        "1",
        "40.00",
    ]
    assert csv_rows(analyst.get("/shop/brands/export.csv", params))[1:] == [["Glowy", "MYR", "1", "1", "40.00", "100.0", "0", "0.00"]]
    history = csv_rows(analyst.get("/shop/sync/history/export.csv"))
    assert history[0][:4] == ["id", "kind", "target", "state"] and history[1][1:4] == [
        selectors.SYNC_KIND_FULL,
        f"shop:{shop.pk}",
        "succeeded",
    ]
    for path in ("/shop/products/products/export.xlsx", "/shop/brands/export.xlsx", "/shop/sync/history/export.xlsx"):
        assert analyst.get(path, params).status_code == 200


def test_products_and_brands_pages(viewer, shop):
    make_order(shop, created=local(shop, 2026, 3, 1, 9, 0), lines=[{**GLOW, "sale_price": "20.00"}] * 3)
    make_rollup(shop, date(2026, 3, 1), orders=1, gmv="60.00", brand="Glowy")
    make_rollup(shop, date(2026, 2, 22), orders=1, gmv="30.00", brand="Glowy")
    products = parse(viewer.get("/shop/products/", {"end": "2026-03-01", "days": 7}).content)
    assert products.find(id="products-table").rows() == [["1", "Glowy Serum", "Glowy", "–", "3", "1", "RM 60.00", "100.0%", "RM 20.00"]]
    assert products.find(id="skus-table").rows() == [["1", "M", "GL-30", "Glowy Serum", "3", "1", "RM 60.00"]]
    detail = parse(viewer.get("/shop/products/1729000001/", {"end": "2026-03-01", "days": 7}).content)
    assert detail.find(id="product-units").find(cls="stat-value").text == "3"
    assert detail.find(id="product-average_unit_price").find(cls="stat-value").attrs["title"] == "RM\xa020.00"
    assert detail.find(id="product-skus-table").rows() == [["M", "GL-30", "3", "1", "RM 60.00"]]
    trend = json.loads(detail.find("script", id="chart-product-MYR-data").text)
    assert trend["labels"][-1] == "2026-03-01" and trend["series"][0]["values"][-1] == 3 and trend["series"][1]["values"][-1] == 60.0
    brands = parse(viewer.get("/shop/brands/", {"end": "2026-03-01", "days": 7}).content)
    assert brands.find(id="brands-table").rows() == [["Glowy", "1", "1", "RM 60.00", "100.0%", "RM 30.00", "▲ 100.0%"]]
    assert brands.find("canvas", id="chart-brands")
    assert "Export CSV" not in viewer.get("/shop/brands/", {"end": "2026-03-01"}).content.decode()


def test_sync_page_shows_metadata_progress_and_reconnect(admin, viewer, tenant_a, shop, sync_run_factory):
    old = make_shop(
        tenant_a, shop_id="7494000000002", name="Old ID", status=ConnectionStatus.NEEDS_REAUTH, status_reason="refresh token expired"
    )
    make_sync_state(
        shop,
        orders_count=3000,
        last_full_sync_orders=3000,
        last_full_sync_at=local(shop, 2026, 3, 1, 10, 0),
        watermark=local(shop, 2026, 3, 1, 9, 0),
    )
    run = sync_run_factory(
        tenant_a,
        kind=selectors.SYNC_KIND_FULL,
        target=f"shop:{shop.pk}",
        items_total=1000,
        items_done=400,
        label="Full order sync of Glow MY",
    )
    page = parse(admin.get("/shop/sync/").content)
    card = page.find(id=f"shop-{shop.pk}")
    metadata = card.find("table", cls="sync-metadata")
    assert "1 Mar 2026, 02:00" in metadata.text and "· 3,000 orders" in metadata.text  # tenant zone: UTC
    assert "Watermark" not in card.text and "Changes fetched up to" in metadata.text
    progress = card.find(id=f"sync-run-{run.pk}-progress")
    assert progress.attrs["hx-trigger"] == "every 1s"
    assert progress.find(cls="progress-percent").text == "40%"
    assert [b.text for b in card.find_all("button")] == ["Full sync", "Sync now"]
    reauth = page.find(id=f"shop-{old.pk}")
    assert "Old ID needs re-authorization: refresh token expired." in reauth.find(cls="reauth").text
    assert reauth.find(cls="reauth").find("button").text == "Reconnect"
    assert page.find(id="sync-history").rows()[0][0] == "Full order sync of Glow MY"
    assert "Full sync" not in viewer.get("/shop/sync/").content.decode()


def test_sync_buttons_start_syncs_for_admins_only(admin, viewer, tenant_a, shop, sync_run_factory, sandbox):
    make_sync_state(shop, watermark=local(shop, 2026, 3, 1, 12, 0))
    assert viewer.post(f"/shop/sync/{shop.pk}/incremental/").status_code == 403
    assert SyncRun.all_tenants.count() == 0
    response = admin.post(f"/shop/sync/{shop.pk}/incremental/", follow=True)
    assert messages(response.content) == ["Sync of Glow MY started."]
    run = SyncRun.all_tenants.get()
    assert (run.kind, run.target) == (selectors.SYNC_KIND_INCREMENTAL, f"shop:{shop.pk}")
    SyncRun.all_tenants.filter(pk=run.pk).update(state="running")
    again = admin.post(f"/shop/sync/{shop.pk}/full/", follow=True)
    assert messages(again.content) == ["A sync of Glow MY is already running; its progress is shown below."]
    assert SyncRun.all_tenants.count() == 1


def test_navigation_lists_the_shop_pages(viewer):
    nav = parse(viewer.get("/shop/").content).find("nav", cls="nav")
    assert [a.text for a in nav.find_all("a") if a.attrs.get("data-app") == "shop_sync"] == [
        "Dashboard",
        "Orders",
        "Products",
        "Brands",
        "Brand dictionary Rules that assign products to brands",
        "Shops & sync",
    ]


def test_sync_now_is_offered_only_after_a_full_sync(admin, shop):
    card = parse(admin.get("/shop/sync/").content).find(id=f"shop-{shop.pk}")
    assert [b.text for b in card.find_all("button")] == ["Full sync"]
    assert "No sync yet: start a full sync" in card.text
