"""The TikTok Shop API: the seed's sync endpoints, orders (filters, 50 per page, detail, stats,
status breakdown), products, KPIs and brands; 400s naming the field, 404s across tenants, roles,
and query counts of the list endpoints."""

from datetime import date, timedelta

import pytest

from core.models import Role, SyncRun
from shop_sync import selectors
from shop_sync.models import ConnectionStatus
from tests.shop_sync.data import local, make_order, make_product, make_rollup, make_shop, make_sync_state

pytestmark = pytest.mark.django_db

GLOW = {"product_id": "1729000001", "product_name": "Glowy Serum", "sku_id": "1729100001", "seller_sku": "GL-30", "brand": "Glowy"}


@pytest.fixture
def shop(tenant_a):
    return make_shop(tenant_a, shop_id="7494000000001", name="Glow MY", currency="MYR", time_zone="Asia/Kuala_Lumpur")


@pytest.fixture
def viewer(api_client_for, tenant_a):
    return api_client_for(tenant_a, Role.VIEWER)


@pytest.fixture
def admin(api_client_for, tenant_a):
    return api_client_for(tenant_a, Role.ADMIN)


# --- Orders -------------------------------------------------------------------------------


def test_orders_list_pages_by_fifty_newest_first_without_overlap(viewer, shop):
    start = local(shop, 2026, 3, 1, 8, 0)
    made = [make_order(shop, created=start + timedelta(minutes=n), total="10.00") for n in range(120)]
    seen = []
    for page, expected in ((1, 50), (2, 50), (3, 20)):
        response = viewer.get("/api/shop/orders/", {"page": page, "page_size": 500})
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 120 and len(body["results"]) == expected
        seen += [row["order_id"] for row in body["results"]]
    assert seen == [order.order_id for order in reversed(made)]
    assert viewer.get("/api/shop/orders/", {"page": 4}).status_code == 404


def test_orders_list_row_shows_money_and_shop_local_time(viewer, shop):
    order = make_order(shop, created=local(shop, 2026, 3, 1, 0, 30), total="1234.50", lines=[{**GLOW, "sale_price": "1234.50"}])
    row = viewer.get("/api/shop/orders/").json()["results"][0]
    assert row == {
        "order_id": order.order_id,
        "shop_id": "7494000000001",
        "shop_name": "Glow MY",
        "status": "COMPLETED",
        "create_time": "2026-03-01T00:30:00+08:00",
        "update_time": "2026-03-01T00:35:00+08:00",
        "paid_time": None,
        "currency": "MYR",
        "total_amount": "1234.50",
        "units": 1,
        "brands": "Glowy",
        "recipient_region": "",
    }


def test_orders_filters(viewer, shop):
    a = make_order(shop, created=local(shop, 2026, 3, 1, 0, 30), lines=[{**GLOW, "sale_price": "100.00"}])
    b = make_order(shop, created=local(shop, 2026, 3, 2, 9, 0), status="CANCELLED")
    make_order(shop, created=local(shop, 2026, 2, 28, 23, 59))

    def ids(**params):
        response = viewer.get("/api/shop/orders/", params)
        assert response.status_code == 200, response.json()
        return [row["order_id"] for row in response.json()["results"]]

    assert ids(date_from="2026-03-01", date_to="2026-03-02") == [b.order_id, a.order_id]
    assert ids(status="CANCELLED") == [b.order_id]
    assert ids(brand="Glowy") == [a.order_id]
    assert ids(product="1729000001") == [a.order_id]
    assert ids(product="serum") == [a.order_id]
    assert ids(order_id=b.order_id, shop_id="7494000000001") == [b.order_id]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date_from": "2026-02-30"}, "date_from"),
        ({"date_to": "yesterday"}, "date_to"),
        ({"date_from": "2026-03-02", "date_to": "2026-03-01"}, "date_to"),
        ({"status": "SHIPPED_ISH"}, "status"),
    ],
)
@pytest.mark.parametrize("path", ["/api/shop/orders/", "/api/shop/orders/stats/", "/api/shop/orders/status-breakdown/"])
def test_invalid_filters_are_400_naming_the_field(viewer, shop, path, params, field):
    response = viewer.get(path, params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and list(error["fields"]) == [field] and field in error["message"]


@pytest.mark.parametrize("params", [{"days": "0"}, {"days": "abc"}, {"end": "2026-13-01"}])
@pytest.mark.parametrize("path", ["/api/shop/kpis/", "/api/shop/brands/", "/api/shop/products/"])
def test_invalid_periods_are_400(viewer, shop, path, params):
    response = viewer.get(path, params)
    assert response.status_code == 400 and list(response.json()["error"]["fields"]) == list(params)


def test_order_detail_with_lines(viewer, shop):
    order = make_order(
        shop,
        created=local(shop, 2026, 3, 1, 12, 0),
        total="80.00",
        lines=[{**GLOW, "sale_price": "50.00"}, {**GLOW, "sale_price": "30.00"}],
    )
    body = viewer.get(f"/api/shop/orders/{order.order_id}/").json()
    assert (body["order_id"], body["total_amount"], body["time_zone"], body["create_time"]) == (
        order.order_id,
        "80.00",
        "Asia/Kuala_Lumpur",
        "2026-03-01T12:00:00+08:00",
    )
    assert [(line["line_id"], line["sale_price"], line["brand"]) for line in body["lines"]] == [
        (f"{order.order_id}-1", "50.00", "Glowy"),
        (f"{order.order_id}-2", "30.00", "Glowy"),
    ]


def test_another_tenants_order_shop_and_product_are_404(api_client_for, tenant_b, shop):
    order = make_order(shop, created=local(shop, 2026, 3, 1, 12, 0), lines=[{**GLOW, "sale_price": "10.00"}])
    other = api_client_for(tenant_b, Role.ADMIN)
    for path, params in [
        (f"/api/shop/orders/{order.order_id}/", {}),
        ("/api/shop/products/1729000001/analytics/", {}),
        ("/api/shop/orders/", {"shop_id": shop.shop_id}),
        ("/api/shop/kpis/", {"shop_id": shop.shop_id}),
        ("/api/sync/status", {"shop_id": shop.shop_id}),
    ]:
        response = other.get(path, params)
        assert response.status_code == 404, path
        assert shop.name not in response.content.decode()
    response = other.post(f"/api/sync/orders?shop_id={shop.shop_id}")
    assert response.status_code == 404
    assert SyncRun.all_tenants.count() == 0


def test_order_stats_and_status_breakdown_per_currency(viewer, tenant_a, shop):
    idr = make_shop(tenant_a, shop_id="7494000000002", currency="IDR", time_zone="Asia/Jakarta")
    make_order(shop, created=local(shop, 2026, 3, 1, 9, 0), total="100.00")
    make_order(shop, created=local(shop, 2026, 3, 1, 10, 0), total="50.01", status="CANCELLED")
    make_order(idr, created=local(idr, 2026, 3, 1, 9, 0), total="250000.00")
    stats = viewer.get("/api/shop/orders/stats/", {"date_from": "2026-03-01", "date_to": "2026-03-01"}).json()
    assert stats == {
        "total_orders": 3,
        "by_currency": [
            {"currency": "IDR", "orders": 1, "cancelled_orders": 0, "gmv": "250000.00", "average_order_value": "250000.00"},
            {"currency": "MYR", "orders": 2, "cancelled_orders": 1, "gmv": "100.00", "average_order_value": "100.00"},
        ],
    }
    breakdown = viewer.get("/api/shop/orders/status-breakdown/", {"shop_id": shop.shop_id}).json()
    assert breakdown == {
        "total_orders": 2,
        "statuses": [{"status": "CANCELLED", "orders": 1, "percent": 50.0}, {"status": "COMPLETED", "orders": 1, "percent": 50.0}],
    }


def test_orders_list_query_count_does_not_grow_with_rows(viewer, shop, django_assert_max_num_queries):
    for n in range(60):
        make_order(shop, created=local(shop, 2026, 3, 1, 8, n), lines=[{**GLOW, "sale_price": "10.00"}])
    # API key lookup + last-used touch, the count, the page (with its shop joined).
    with django_assert_max_num_queries(6):
        assert len(viewer.get("/api/shop/orders/", {"date_from": "2026-03-01", "brand": "Glowy"}).json()["results"]) == 50
    with django_assert_max_num_queries(5):
        assert viewer.get("/api/shop/orders/stats/").json()["total_orders"] == 60
    with django_assert_max_num_queries(5):
        assert viewer.get("/api/shop/orders/status-breakdown/").json()["total_orders"] == 60
    with django_assert_max_num_queries(6):
        assert viewer.get("/api/shop/products/", {"end": "2026-03-01", "days": 1}).json()["count"] == 1


# --- Products, KPIs, brands ---------------------------------------------------------------


def test_products_ranking_and_skus(viewer, shop):
    make_product(shop, product_id="1729000001", title="Glowy Serum", brand="Glowy")
    make_order(shop, created=local(shop, 2026, 3, 1, 9, 0), lines=[{**GLOW, "sale_price": "20.00"}] * 3)
    make_order(
        shop,
        created=local(shop, 2026, 3, 1, 9, 5),
        lines=[{"product_id": "1729000002", "product_name": "Balm", "sku_id": "1729100002", "sale_price": "70.00"}],
    )
    by_gmv = viewer.get("/api/shop/products/", {"end": "2026-03-01", "days": 7}).json()
    assert [(r["rank"], r["product_id"], r["units"], r["orders"], r["gmv"]) for r in by_gmv["results"]] == [
        (1, "1729000002", 1, 1, "70.00"),
        (2, "1729000001", 3, 1, "60.00"),
    ]
    by_units = viewer.get("/api/shop/products/", {"end": "2026-03-01", "order_by": "units"}).json()
    assert [r["product_id"] for r in by_units["results"]] == ["1729000001", "1729000002"]
    skus = viewer.get("/api/shop/skus/", {"end": "2026-03-01", "product_id": "1729000001"}).json()
    assert [(r["sku_id"], r["seller_sku"], r["units"], r["gmv"]) for r in skus["results"]] == [("1729100001", "GL-30", 3, "60.00")]
    analytics = viewer.get("/api/shop/products/1729000001/analytics/", {"end": "2026-03-01", "days": 1}).json()
    assert (analytics["product_name"], analytics["status"], analytics["period"]) == (
        "Glowy Serum",
        "ACTIVATE",
        {"start": "2026-03-01", "end": "2026-03-01", "days": 1},
    )
    assert analytics["totals"] == [{"currency": "MYR", "units": 3, "orders": 1, "gmv": "60.00", "average_unit_price": "20.00"}]
    assert analytics["daily"] == [{"day": "2026-03-01", "currency": "MYR", "units": 3, "gmv": "60.00"}]


def test_kpi_summary_trend_and_comparison(viewer, shop):
    make_rollup(shop, date(2026, 3, 30), orders=6, units=8, gmv="600.00", cancelled=1)
    make_rollup(shop, date(2026, 3, 1), orders=4, gmv="400.00")
    make_rollup(shop, date(2026, 2, 28), orders=8, gmv="500.00")
    body = viewer.get("/api/shop/kpis/", {"end": "2026-03-30"}).json()
    assert body["period"] == {"start": "2026-03-01", "end": "2026-03-30", "days": 30}
    assert body["previous_period"] == {"start": "2026-01-30", "end": "2026-02-28", "days": 30}
    assert (body["total_orders"], body["previous_total_orders"]) == (10, 8)
    assert body["totals"] == [
        {"currency": "MYR", "orders": 10, "units": 12, "gmv": "1000.00", "cancelled_orders": 1, "average_order_value": "111.11"}
    ]
    comparison = body["comparison"][0]
    assert comparison["currency"] == "MYR"
    assert comparison["gmv"] == {"current": "1000.00", "previous": "500.00", "delta": "500.00", "percent": 100.0}
    assert comparison["orders"] == {"current": 10, "previous": 8, "delta": 2, "percent": 25.0}
    # The average is over the orders that were not cancelled: 1000.00 / 9.
    assert comparison["average_order_value"] == {"current": "111.11", "previous": "62.50", "delta": "48.61", "percent": 77.8}
    assert len(body["trend"]) == 30
    assert body["trend"][0] == {
        "day": "2026-03-01",
        "orders": 4,
        "units": 4,
        "by_currency": [{"currency": "MYR", "orders": 4, "units": 4, "gmv": "400.00"}],
    }
    assert body["trend"][1]["orders"] == 0
    assert body["trend"][-1]["by_currency"][0]["gmv"] == "600.00"


def test_brands_breakdown_and_comparison(viewer, shop):
    make_rollup(shop, date(2026, 3, 10), orders=3, gmv="300.00", brand="Glowy")
    make_rollup(shop, date(2026, 3, 10), orders=1, gmv="100.00", brand="Other")
    make_rollup(shop, date(2026, 3, 10), orders=4, gmv="400.00")  # the whole shop: not a brand
    make_rollup(shop, date(2026, 3, 3), orders=2, gmv="150.00", brand="Glowy")
    body = viewer.get("/api/shop/brands/", {"end": "2026-03-10", "days": 7}).json()
    assert body["period"] == {"start": "2026-03-04", "end": "2026-03-10", "days": 7}
    assert [(b["brand"], b["orders"], b["gmv"], b["gmv_share"], b["previous_gmv"], b["gmv_change"]["percent"]) for b in body["brands"]] == [
        ("Glowy", 3, "300.00", 75.0, "150.00", 100.0),
        ("Other", 1, "100.00", 25.0, "0.00", None),
    ]


# --- Sync (the seed's paths) --------------------------------------------------------------


def test_sync_status_lists_metadata_and_the_running_progress(viewer, tenant_a, shop, sync_run_factory):
    make_sync_state(shop, orders_count=370_000, last_full_sync_orders=370_000, watermark=local(shop, 2026, 3, 1, 12, 0))
    run = sync_run_factory(
        tenant_a,
        kind=selectors.SYNC_KIND_FULL,
        target=f"shop:{shop.pk}",
        items_total=1000,
        items_done=250,
        pages_done=3,
        parts=[("window-000", None, 250), ("window-001", None, 0)],
    )
    body = viewer.get("/api/sync/status").json()
    assert len(body["shops"]) == 1
    status = body["shops"][0]
    assert (status["shop_id"], status["connection_status"], status["stored_orders"]) == ("7494000000001", "active", 0)
    assert status["metadata"]["orders_count"] == 370_000
    assert status["metadata"]["watermark"] == "2026-03-01T12:00:00+08:00"
    running = status["running"]
    assert (
        running["id"],
        running["items_done"],
        running["items_total"],
        running["percent"],
        running["pages_done"],
        running["parts_total"],
    ) == (
        run.pk,
        250,
        1000,
        25.0,
        3,
        2,
    )
    assert running["rate_per_second"] > 0 and running["eta_seconds"] > 0
    assert status["last_run"] is None


def test_incremental_sync_starts_with_202(admin, tenant_a, shop, sandbox):
    make_sync_state(shop, watermark=local(shop, 2026, 3, 1, 12, 0))
    response = admin.post("/api/sync/orders")
    assert response.status_code == 202
    body = response.json()
    assert (body["kind"], body["target"]) == (selectors.SYNC_KIND_INCREMENTAL, f"shop:{shop.pk}")
    run = SyncRun.all_tenants.get(pk=body["id"])
    assert (run.tenant, run.kind, run.target) == (tenant_a, selectors.SYNC_KIND_INCREMENTAL, f"shop:{shop.pk}")


@pytest.mark.parametrize("path", ["/api/sync/orders", "/api/sync/orders/full"])
def test_a_second_sync_while_one_runs_is_409_with_the_running_run(admin, tenant_a, shop, sync_run_factory, path):
    running = sync_run_factory(tenant_a, kind=selectors.SYNC_KIND_FULL, target=f"shop:{shop.pk}", items_total=10, items_done=4)
    response = admin.post(path, QUERY_STRING=f"shop_id={shop.shop_id}")
    assert response.status_code == 409
    error = response.json()["error"]
    assert (error["code"], error["sync_run_id"], error["run"]["id"], error["run"]["items_done"]) == (
        "sync_running",
        running.pk,
        running.pk,
        4,
    )
    assert SyncRun.all_tenants.count() == 1


def test_sync_needs_a_shop_id_when_the_tenant_has_several(admin, tenant_a, shop):
    make_shop(tenant_a, shop_id="7494000000002", name="Kopi ID")
    response = admin.post("/api/sync/orders/full")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "shop_required" and list(error["fields"]) == ["shop_id"]
    assert "7494000000001, 7494000000002" in error["message"]


def test_sync_of_a_shop_needing_reauthorization_is_refused(admin, tenant_a):
    make_shop(tenant_a, shop_id="7494000000003", status=ConnectionStatus.NEEDS_REAUTH)
    response = admin.post("/api/sync/orders/full?shop_id=7494000000003")
    assert response.status_code == 409 and response.json()["error"]["code"] == "shop_needs_reauth"
    assert admin.post("/api/sync/orders").json()["error"]["code"] == "no_shop"


@pytest.mark.parametrize("role", [Role.VIEWER, Role.ANALYST])
def test_only_admins_start_syncs(api_client_for, tenant_a, shop, role):
    make_sync_state(shop, watermark=local(shop, 2026, 3, 1, 12, 0))
    client = api_client_for(tenant_a, role)
    for path in ("/api/sync/orders", "/api/sync/orders/full"):
        assert client.post(path).status_code == 403
    assert client.get("/api/sync/status").status_code == 200
    assert SyncRun.all_tenants.count() == 0


def test_the_schema_documents_the_shop_api(viewer):
    schema = viewer.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for path in (
        "/api/sync/orders",
        "/api/sync/orders/full",
        "/api/sync/status",
        "/api/shop/orders/",
        "/api/shop/orders/{order_id}/",
        "/api/shop/orders/stats/",
        "/api/shop/orders/status-breakdown/",
        "/api/shop/products/",
        "/api/shop/products/{product_id}/analytics/",
        "/api/shop/skus/",
        "/api/shop/kpis/",
        "/api/shop/brands/",
    ):
        assert path in schema["paths"], path
    parameters = {p["name"] for p in schema["paths"]["/api/shop/orders/"]["get"]["parameters"]}
    assert {"shop_id", "order_id", "status", "brand", "product", "date_from", "date_to", "page"} <= parameters
    assert "409" in schema["paths"]["/api/sync/orders/full"]["post"]["responses"]
