"""The analyst's shop pages: the orders table (sort, range and its aliases, labels, money), the
order detail page, the live shop card on the sync page, and the search and overview hooks."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.utils import timezone

from core.dateranges import DateRange
from core.models import Role, SyncRun
from core.registry import ChecklistStep, DailyFigure, Freshness
from shop_sync import selectors
from tests.fixtures.html import parse
from tests.shop_sync.data import local, make_order, make_product, make_rollup, make_shop, make_sync_state

pytestmark = pytest.mark.django_db

SERUM = {
    "product_id": "1729000001",
    "product_name": "Glowy Serum",
    "sku_id": "1729100001",
    "sku_name": "30 ml",
    "seller_sku": "GL-30",
    "brand": "Glowy",
}
TONER = {
    "product_id": "1729000002",
    "product_name": "Glowy Toner",
    "sku_id": "1729100002",
    "sku_name": "100 ml",
    "seller_sku": "GT-100",
    "brand": "Glowy",
}


@pytest.fixture
def my_shop(tenant_a):
    return make_shop(tenant_a, shop_id="7494000000001", name="Glow MY", currency="MYR", time_zone="Asia/Kuala_Lumpur")


@pytest.fixture
def id_shop(tenant_a):
    return make_shop(tenant_a, shop_id="7494000000009", name="Bloom ID", currency="IDR", time_zone="Asia/Jakarta", region="ID")


@pytest.fixture
def viewer(web_client_for, tenant_a):
    return web_client_for(tenant_a, Role.VIEWER)[0]


@pytest.fixture
def admin(web_client_for, tenant_a):
    return web_client_for(tenant_a, Role.ADMIN)[0]


def fields(element) -> dict[str, str]:
    return {td.attrs["data-field"]: td.text for td in element.find_all("td") if "data-field" in td.attrs}


def order_ids(page) -> list[str]:
    return [row.find("td", cls="mono").text for row in page.find(id="orders-table").find_all("tr", cls="order-row")]


@pytest.fixture
def four_orders(my_shop, id_shop):
    """Created (UTC): A 02:00, B 02:30, C 03:00, D 01:00 on 2 March. In each shop's own clock B
    (Jakarta, 09:30) reads earlier than A (Kuala Lumpur, 10:00), though it is newer."""
    return {
        "A": make_order(
            my_shop,
            order_id="576600000000001",
            created=local(my_shop, 2026, 3, 2, 10, 0),
            total="30.00",
            status="DELIVERED",
            lines=[{**SERUM, "sale_price": "30.00"}],
        ),
        "B": make_order(
            id_shop,
            order_id="576600000000002",
            created=local(id_shop, 2026, 3, 2, 9, 30),
            total="150000",
            status="AWAITING_SHIPMENT",
            lines=[{**SERUM, "sale_price": "75000"}, {**SERUM, "sale_price": "75000"}],
        ),
        "C": make_order(
            my_shop,
            order_id="576600000000003",
            created=local(my_shop, 2026, 3, 2, 11, 0),
            total="12.50",
            status="CANCELLED",
            lines=[{**TONER, "sale_price": "12.50"}] * 3,
        ),
        "D": make_order(
            id_shop,
            order_id="576600000000004",
            created=local(id_shop, 2026, 3, 2, 8, 0),
            total="99000",
            status="COMPLETED",
            lines=[{**TONER, "sale_price": "99000"}],
        ),
    }


def test_orders_sort_links_and_exact_orders(viewer, four_orders):
    def ids(**params):
        return [oid[-1] for oid in order_ids(parse(viewer.get("/shop/orders/", {"range": "all", **params}).content))]

    assert ids() == ["3", "2", "1", "4"]  # C, B, A, D: newest first in real time, whatever the shop's zone
    assert ids(sort="create_time") == ["4", "1", "2", "3"]
    # Totals as stored (each in its own currency): 30.00, 150000, 12.50, 99000.
    assert ids(sort="-total_amount") == ["2", "4", "1", "3"]
    assert ids(sort="total_amount") == ["3", "1", "4", "2"]
    assert ids(sort="-units") == ["3", "2", "4", "1"]  # 3, 2, 1, 1 (ties newest id first)
    assert ids(sort="order_id") == ["1", "2", "3", "4"]
    assert ids(sort="-order_id") == ["4", "3", "2", "1"]
    assert ids(sort="status") == ["2", "3", "4", "1"]  # AWAITING_SHIPMENT, CANCELLED, COMPLETED, DELIVERED
    assert ids(sort="shop") == ["2", "4", "1", "3"]  # Bloom ID before Glow MY
    assert ids(sort="nonsense") == ["3", "2", "1", "4"]  # a stale link falls back to newest first
    head = parse(viewer.get("/shop/orders/", {"range": "all"}).content).find(id="orders-table").find("thead")
    links = {a.text: a.attrs["href"] for a in head.find_all("a", cls="sort")}
    assert set(links) == {"Order", "Shop", "Status", "Created", "Units", "Total"}
    assert "sort=-total_amount" in links["Total"]  # numbers: largest first on the first click
    assert "sort=create_time" in links["Created"]  # the active column flips


def test_orders_page_size_and_jump_to_page(viewer, my_shop):
    start = local(my_shop, 2026, 3, 1, 8, 0)
    for n in range(30):
        make_order(my_shop, created=start + timedelta(minutes=n), order_id=f"5766000000001{n:02d}")
    page = parse(viewer.get("/shop/orders/", {"range": "all", "per_page": 25, "page": 2}).content)
    assert order_ids(page) == [f"5766000000001{n:02d}" for n in range(4, -1, -1)]
    controls = page.find(id="orders-table-controls")
    assert controls.text.startswith("26–30 of 30 rows")
    assert controls.find("input", id="orders-table-page").attrs["max"] == "2"


def test_order_rows_read_as_labels_chips_money_and_link_to_the_detail(viewer, four_orders):
    page = parse(viewer.get("/shop/orders/", {"range": "all"}).content)
    row = page.find("tr", id=f"order-{four_orders['B'].pk}")
    cells = {td.attrs.get("data-col"): td for td in row.find_all("td") if td.attrs.get("data-col")}
    assert cells["status"].text == "Awaiting shipment"
    assert cells["status"].find("span").attrs["class"] == "chip chip-info"
    assert cells["total_amount"].text == "Rp 150,000"  # no minor units in rupiah
    assert cells["create_time"].text == "2 Mar 2026, 02:30"  # the tenant's zone (UTC), not Jakarta's
    assert cells["order_id"].find("a").attrs["href"] == f"/shop/orders/{four_orders['B'].pk}/"
    assert [a.text for a in page.find(id="status-breakdown").find_all("a")] == [
        "Awaiting shipment 1",
        "Cancelled 1",
        "Completed 1",
        "Delivered 1",
    ]
    gmv = page.find(id="stat-gmv-IDR")
    assert gmv.find(cls="stat-value").text == "Rp 249K"
    assert gmv.find(cls="stat-value").attrs["title"] == "Rp\xa0249,000"


def test_order_date_range_aliases_and_session(viewer, my_shop):
    first = make_order(my_shop, order_id="576600000000011", created=local(my_shop, 2026, 3, 1, 0, 30))  # 28 Feb 16:30 UTC
    second = make_order(my_shop, order_id="576600000000012", created=local(my_shop, 2026, 3, 3, 12, 0))
    make_order(my_shop, order_id="576600000000013", created=local(my_shop, 2026, 3, 9, 12, 0))

    def ids(**params):
        return order_ids(parse(viewer.get("/shop/orders/", params).content))

    # Days are the shop's: 1 March 00:30 in Kuala Lumpur is on 1 March.
    assert ids(range="custom", start="2026-03-01", end="2026-03-03") == [second.order_id, first.order_id]
    assert ids(date_from="2026-03-01", date_to="2026-03-03") == [second.order_id, first.order_id]  # the seed's names
    # The picked range stays in the session: the page opened bare keeps it.
    assert ids() == [second.order_id, first.order_id]
    picker = parse(viewer.get("/shop/orders/").content).find(id="date-range")
    assert "1 Mar – 3 Mar 2026" in picker.find("summary").text
    # An order id is looked up on every date.
    assert ids(order_id="576600000000013") == ["576600000000013"]
    assert len(ids(range="all")) == 3
    assert len(ids()) == 3  # "all" forgot the range
    assert "All dates" in parse(viewer.get("/shop/orders/").content).find(id="date-range").find("summary").text


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date_to": "2026-13-01"}, "date_to"),
        ({"range": "forever"}, "range"),
        ({"range": "custom", "start": "2026-03-09", "end": "2026-03-01"}, "start"),
    ],
)
def test_a_bad_order_range_is_a_400_naming_the_field(viewer, my_shop, params, field):
    response = viewer.get("/shop/orders/", params)
    assert response.status_code == 400
    page = parse(response.content)
    assert field in page.find(id="query-errors").text
    assert "All dates" in page.find(id="date-range").find("summary").text  # the filters stay usable


def test_order_detail_shows_timeline_lines_amounts_and_region(viewer, my_shop):
    created = local(my_shop, 2026, 3, 2, 10, 0)
    order = make_order(
        my_shop,
        order_id="576600000000021",
        created=created,
        updated=created + timedelta(days=3),
        paid_time=created + timedelta(minutes=4),
        status="DELIVERED",
        total="91.50",
        shipping_fee=Decimal("4.90"),
        seller_discount=Decimal("3.00"),
        platform_discount=Decimal("1.00"),
        tax=Decimal("0.60"),
        recipient_region="MY",
        buyer_user_id="7000000000123",
        lines=[
            {**SERUM, "sale_price": "30.00", "original_price": "32.00"},
            {**SERUM, "sale_price": "30.00", "original_price": "32.00"},
            {**TONER, "sale_price": "30.00"},
        ],
    )
    response = viewer.get(f"/shop/orders/{order.pk}/")
    assert response.status_code == 200
    page = parse(response.content)
    head = page.find("div", cls="page-head")
    assert head.find("button", cls="copy-button").attrs["data-copy"] == "576600000000021"
    assert page.find(id="order-shop").text == "Glow MY"
    assert (page.find(id="order-status").text, page.find(id="order-status").attrs["class"]) == ("Delivered", "chip chip-ok")
    steps = page.find(id="order-timeline").find_all("li")
    assert [(li.attrs["data-step"], li.find("time").text) for li in steps] == [
        ("created", "2 Mar 2026, 02:00"),
        ("paid", "2 Mar 2026, 02:04"),
        ("status", "5 Mar 2026, 02:00"),
    ]
    assert "Delivered" in steps[2].text
    assert page.find(id="order-lines-table").rows() == [
        ["Glowy Serum Glowy", "30 ml GL-30", "2", "RM 30.00 RM 32.00", "–", "RM 60.00"],
        ["Glowy Toner Glowy", "100 ml GT-100", "1", "RM 30.00", "–", "RM 30.00"],
    ]
    assert fields(page.find(id="order-amounts")) == {
        "sub_total": "RM 91.50",
        "shipping_fee": "RM 4.90",
        "seller_discount": "−RM 3.00",
        "platform_discount": "−RM 1.00",
        "tax": "RM 0.60",
        "total_amount": "RM 91.50",
    }
    assert fields(page.find(id="order-buyer"))["recipient_region"] == "MY"
    assert "7000000000123" not in response.content.decode()  # the buyer's id is not shown


def test_order_detail_of_another_tenant_is_404(web_client_for, tenant_b, my_shop):
    order = make_order(my_shop, created=local(my_shop, 2026, 3, 2, 10, 0))
    other, _ = web_client_for(tenant_b, Role.OWNER)
    assert other.get(f"/shop/orders/{order.pk}/").status_code == 404
    assert other.get("/shop/orders/999999999/").status_code == 404


def test_shop_card_polls_while_a_sync_runs_and_stops_after(admin, tenant_a, my_shop, sync_run_factory):
    make_sync_state(my_shop, last_error="tiktok_shop /order/202309/orders/search: Too many requests (status=429, retry_after=2)")
    run = sync_run_factory(tenant_a, kind=selectors.SYNC_KIND_FULL, target=f"shop:{my_shop.pk}", items_total=10, items_done=0)
    url = f"/shop/sync/shops/{my_shop.pk}/card/"
    page = parse(admin.get("/shop/sync/").content)
    card = page.find(id=f"shop-{my_shop.pk}")
    assert (card.attrs["hx-get"], card.attrs["hx-trigger"]) == (url, "every 2s")
    assert fields(card)["stored-orders"] == "0"
    assert "Full order sync running" in card.text
    assert [("disabled" in b.attrs) for b in card.find_all("button")] == [True]  # no second sync while one runs
    assert "TikTok Shop asked us to slow down" in card.find(id=f"shop-{my_shop.pk}-problem").text

    make_order(my_shop, created=local(my_shop, 2026, 3, 2, 10, 0))
    make_order(my_shop, created=local(my_shop, 2026, 3, 2, 11, 0))
    polled = admin.get(url, HTTP_HX_REQUEST="true")
    assert polled.status_code == 200 and b"<html" not in polled.content
    assert fields(parse(polled.content).find(id=f"shop-{my_shop.pk}"))["stored-orders"] == "2"

    SyncRun.all_tenants.filter(pk=run.pk).update(state="succeeded", finished_at=timezone.now())
    finished = admin.get(url, HTTP_HX_REQUEST="true")
    assert finished.status_code == 286
    card = parse(finished.content).find(id=f"shop-{my_shop.pk}")
    assert "hx-trigger" not in card.attrs and "Last sync: Full order sync" in card.text


def test_shop_card_of_another_tenant_is_404(web_client_for, tenant_b, my_shop):
    other, _ = web_client_for(tenant_b, Role.OWNER)
    assert other.get(f"/shop/sync/shops/{my_shop.pk}/card/").status_code == 404


def test_sync_history_table_sorts_and_names_shops(admin, tenant_a, my_shop, sync_run_factory):
    now = timezone.now()
    sync_run_factory(
        tenant_a,
        kind=selectors.SYNC_KIND_FULL,
        target=f"shop:{my_shop.pk}",
        state="succeeded",
        items_done=500,
        label="",
        now=now - timedelta(hours=2),
    )
    sync_run_factory(
        tenant_a, kind=selectors.SYNC_KIND_INCREMENTAL, target=f"shop:{my_shop.pk}", state="succeeded", items_done=7, label="", now=now
    )
    rows = parse(admin.get("/shop/sync/").content).find(id="sync-history-table").rows()
    assert [(row[0], row[1], row[3]) for row in rows] == [("Order update", "Glow MY", "7"), ("Full order sync", "Glow MY", "500")]
    rows = parse(admin.get("/shop/sync/", {"sort": "-items_done"}).content).find(id="sync-history-table").rows()
    assert [row[3] for row in rows] == ["500", "7"]


def test_search_finds_orders_by_id_and_products_by_id_or_name(tenant_a, tenant_b, my_shop):
    exact = make_order(
        my_shop, order_id="57660000000003", created=local(my_shop, 2026, 3, 2, 9, 0), total="30.00", status="AWAITING_SHIPMENT"
    )
    longer = make_order(my_shop, order_id="576600000000031", created=local(my_shop, 2026, 3, 2, 10, 0))
    make_product(my_shop, product_id="1729000001", title="Glowy Serum", brand="Glowy")
    make_product(my_shop, product_id="1729000002", title="Plain Tee")
    other_shop = make_shop(tenant_b, name="Other")
    make_order(other_shop, order_id="576600000000039", created=local(other_shop, 2026, 3, 2, 10, 0))
    config = apps.get_app_config("shop_sync")

    hits = config.search(tenant_a, "57660000000003", limit=8)
    assert [(hit.kind, hit.title, hit.url) for hit in hits] == [
        ("Order", "57660000000003", f"/shop/orders/{exact.pk}/"),
        ("Order", "576600000000031", f"/shop/orders/{longer.pk}/"),
    ]
    assert hits[0].detail == "Glow MY · Awaiting shipment · RM\xa030.00"
    assert [(hit.kind, hit.title, hit.url) for hit in config.search(tenant_a, "serum", limit=8)] == [
        ("Product", "Glowy Serum", "/shop/products/1729000001/")
    ]
    assert [hit.title for hit in config.search(tenant_a, "1729000002", limit=8)] == ["Plain Tee"]
    assert config.search(tenant_a, "576600000000039", limit=8) == []  # tenant B's order
    assert len(config.search(tenant_a, "5766", limit=1)) == 1


def test_overview_figures_freshness_and_checklist(tenant_a, my_shop, id_shop, sync_run_factory, django_assert_max_num_queries):
    make_rollup(my_shop, date(2026, 3, 2), orders=3, gmv="120.50")
    make_rollup(my_shop, date(2026, 3, 2), orders=2, gmv="80.00", brand="Glowy")  # per brand: not counted again
    make_rollup(my_shop, date(2026, 2, 27), orders=1, gmv="10.00")  # the comparison span
    make_rollup(id_shop, date(2026, 3, 1), orders=4, gmv="250000")
    make_rollup(id_shop, date(2026, 2, 20), orders=9, gmv="900000")  # outside both spans
    synced_at = timezone.now() - timedelta(minutes=30)
    make_sync_state(my_shop, last_full_sync_at=synced_at - timedelta(days=1), last_incremental_sync_at=synced_at)
    sync_run_factory(tenant_a, kind=selectors.SYNC_KIND_FULL, target=f"shop:{id_shop.pk}")
    span = DateRange(
        date(2026, 3, 1),
        date(2026, 3, 3),
        preset="custom",
        compare="previous",
        compare_start=date(2026, 2, 26),
        compare_end=date(2026, 2, 28),
    )

    with django_assert_max_num_queries(4):
        overview = apps.get_app_config("shop_sync").overview(tenant_a, span)

    assert overview.figures == [
        DailyFigure(date(2026, 2, 27), "Glow MY", "MYR", Decimal("10.00"), 1),
        DailyFigure(date(2026, 3, 1), "Bloom ID", "IDR", Decimal("250000.00"), 4),
        DailyFigure(date(2026, 3, 2), "Glow MY", "MYR", Decimal("120.50"), 3),
    ]
    assert overview.freshness == [
        Freshness("Bloom ID orders", None, "/shop/sync/", running=True),
        Freshness("Glow MY orders", synced_at, "/shop/sync/", running=False),
    ]
    assert overview.checklist == [
        ChecklistStep(1, "Connect a TikTok Shop", True, "/shop/sync/"),
        ChecklistStep(2, "First order sync (starts by itself after connecting)", True, "/shop/sync/"),
    ]


def test_overview_without_a_shop_is_the_checklist_only(tenant_a):
    overview = apps.get_app_config("shop_sync").overview(tenant_a, DateRange(date(2026, 3, 1), date(2026, 3, 3)))
    assert (overview.figures, overview.freshness) == ([], [])
    assert [step.done for step in overview.checklist] == [False, False]


def test_home_overview_and_global_search_show_the_shop(viewer, tenant_a, my_shop):
    tenant_a.reporting_currency = "MYR"
    tenant_a.save()
    yesterday = timezone.now().date() - timedelta(days=1)
    make_rollup(my_shop, yesterday, orders=3, gmv="120.50")
    make_sync_state(my_shop, last_full_sync_at=timezone.now() - timedelta(hours=1))
    order = make_order(my_shop, order_id="576600000000077", created=local(my_shop, 2026, 3, 2, 9, 0))

    home = parse(viewer.get("/", {"range": "last_7"}).content)
    assert home.find(id="stat-orders").find(cls="stat-value").text == "3"
    assert home.find(id="sources-table").rows()[0][:3] == ["Glow MY", "RM 120.50", "3"]
    assert "Glow MY orders" in home.find(id="freshness").text

    found = viewer.get("/search/", {"q": "576600000000077", "go": "1"})
    assert (found.status_code, found["Location"]) == (302, f"/shop/orders/{order.pk}/")
