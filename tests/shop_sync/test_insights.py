"""The dashboard, product and brand pages on the shared components: the date range with seed
003's days/end aliases, the order status mix, products ranked per currency, and the brand
dictionary (rules, suggestions from products in "Other", re-applying them to stored figures)."""

import json
from datetime import date
from decimal import Decimal

import pytest

from core.models import Role
from shop_sync import selectors
from shop_sync.models import Brand, DailyRollup, DailyStatusRollup, Order, OrderLine, Product, Sku
from tests.fixtures.html import messages, parse
from tests.shop_sync.data import local, make_order, make_product, make_rollup, make_shop, make_sync_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(tenant_a):
    return make_shop(tenant_a, shop_id="7494000000001", name="Glow MY", currency="MYR", time_zone="Asia/Kuala_Lumpur")


@pytest.fixture
def viewer(web_client_for, tenant_a):
    return web_client_for(tenant_a, Role.VIEWER)[0]


@pytest.fixture
def admin(web_client_for, tenant_a):
    return web_client_for(tenant_a, Role.ADMIN)[0]


def _status_rollup(shop, day, status, orders, currency="MYR"):
    DailyStatusRollup.all_tenants.create(tenant_id=shop.tenant_id, shop=shop, day=day, status=status, currency=currency, orders=orders, total_amount=Decimal(orders * 10))


# --- Date range ---------------------------------------------------------------------------


def test_days_and_end_aliases_give_the_range_they_always_gave(viewer, shop):
    before = selectors.period_ending(date(2026, 3, 1), 7)
    assert (before.start, before.end) == (date(2026, 2, 23), date(2026, 3, 1))
    for path in ("/shop/", "/shop/products/", "/shop/brands/"):
        page = parse(viewer.get(path, {"days": 7, "end": "2026-03-01"}).content)
        summary = page.find(id="date-range").find("summary").text
        assert summary == "23 Feb – 1 Mar 2026 vs 16 Feb 2026 – 22 Feb 2026", path
    # The range follows the analyst to the next page (session).
    assert parse(viewer.get("/shop/products/").content).find(id="date-range").find("summary").text.startswith("23 Feb – 1 Mar 2026")
    # ``end`` alone is the 30 days ending then, as the old default length was.
    page = parse(viewer.get("/shop/", {"end": "2026-03-30"}).content)
    assert page.find(id="date-range").find("summary").text == "1 Mar – 30 Mar 2026 vs 30 Jan 2026 – 28 Feb 2026"


def test_the_picker_range_and_comparison_drive_the_figures(viewer, shop):
    make_rollup(shop, date(2026, 3, 1), orders=4, gmv="400.00")
    make_rollup(shop, date(2025, 3, 1), orders=2, gmv="100.00")
    page = parse(viewer.get("/shop/", {"range": "custom", "start": "2026-03-01", "end": "2026-03-01", "compare": "year"}).content)
    assert page.find(id="date-range").find("summary").text == "1 Mar 2026 vs 1 Mar 2025 – 1 Mar 2025"
    assert page.find(id="kpi-gmv").find(cls="stat-sub").text == "▲ 300.0% vs RM 100.00"
    plain = parse(viewer.get("/shop/", {"range": "custom", "start": "2026-03-01", "end": "2026-03-01", "compare": "none"}).content)
    assert not plain.find(id="kpi-gmv").find_all(cls="stat-sub") and not plain.find_all(id="comparison")


@pytest.mark.parametrize(
    ("params", "field"),
    [({"days": "0"}, "days"), ({"days": "7", "end": "2026-02-31"}, "end"), ({"range": "fortnight"}, "range"), ({"compare": "decade"}, "compare")],
)
def test_a_bad_range_is_a_400_naming_the_field(viewer, shop, params, field):
    for path in ("/shop/", "/shop/products/", "/shop/brands/", "/shop/products/1729000001/"):
        response = viewer.get(path, params)
        assert response.status_code == 400, path
        assert field in parse(response.content).find(id="query-errors").text, path


# --- Dashboard: status mix ----------------------------------------------------------------


def test_order_status_mix_per_day_from_the_status_rollups(tenant_a, shop):
    other = make_shop(tenant_a, shop_id="7494000000002", name="Glow ID", currency="IDR", time_zone="Asia/Jakarta")
    for each in (shop, other):
        make_sync_state(each, status_rollups_ready=True)
    _status_rollup(shop, date(2026, 3, 1), "COMPLETED", 5)
    _status_rollup(shop, date(2026, 3, 1), "CANCELLED", 1)
    _status_rollup(shop, date(2026, 3, 3), "AWAITING_SHIPMENT", 2)
    _status_rollup(other, date(2026, 3, 3), "COMPLETED", 4, currency="IDR")
    _status_rollup(other, date(2026, 3, 4), "COMPLETED", 9, currency="IDR")  # after the range
    _status_rollup(shop, date(2026, 2, 28), "COMPLETED", 7)  # before it

    mix = selectors.order_status_mix(tenant_a, start=date(2026, 3, 1), end=date(2026, 3, 3))
    assert mix.days == [date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3)]
    assert mix.statuses == ["COMPLETED", "AWAITING_SHIPMENT", "CANCELLED"]
    assert mix.counts == {"COMPLETED": [5, 0, 4], "AWAITING_SHIPMENT": [0, 0, 2], "CANCELLED": [1, 0, 0]}
    one_shop = selectors.order_status_mix(tenant_a, start=date(2026, 3, 1), end=date(2026, 3, 3), shop=other)
    assert one_shop.counts == {"COMPLETED": [0, 0, 4]}


def test_status_mix_waits_for_the_rollups_and_draws_a_stacked_chart(viewer, shop):
    make_rollup(shop, date(2026, 3, 1), orders=6, gmv="60.00")
    page = parse(viewer.get("/shop/", {"range": "custom", "start": "2026-03-01", "end": "2026-03-02"}).content)
    assert "first full sync" in page.find(id="status-mix").text
    make_sync_state(shop, status_rollups_ready=True)
    _status_rollup(shop, date(2026, 3, 1), "COMPLETED", 5)
    _status_rollup(shop, date(2026, 3, 2), "AWAITING_SHIPMENT", 1)
    _status_rollup(shop, date(2026, 3, 2), "DELIVERED", 3)
    _status_rollup(shop, date(2026, 3, 2), "RETURNED", 2)  # a status the platform adds later
    page = parse(viewer.get("/shop/", {"range": "custom", "start": "2026-03-01", "end": "2026-03-02"}).content)
    spec = json.loads(page.find("script", id="chart-status-mix-data").text)
    assert spec["kind"] == "stacked" and spec["labels"] == ["2026-03-01", "2026-03-02"]
    assert [(s["label"], s["values"]) for s in spec["series"]] == [
        ("Unpaid or on hold", [0, 0]),
        ("To ship", [0, 1]),
        ("In transit", [0, 0]),
        ("Delivered or completed", [5, 3]),
        ("Cancelled", [0, 0]),
        ("Other", [0, 2]),
    ]


# --- Products -----------------------------------------------------------------------------


def test_products_rank_within_one_currency_and_sort_by_any_column(viewer, tenant_a, shop):
    idr = make_shop(tenant_a, shop_id="7494000000003", name="Glow ID", currency="IDR", time_zone="Asia/Jakarta")
    day = local(shop, 2026, 3, 1, 10, 0)
    serum = {"product_id": "11", "product_name": "Glowy Serum", "sku_id": "111", "brand": "Glowy"}
    toner = {"product_id": "12", "product_name": "Aqua Toner", "sku_id": "121", "brand": "Aqua"}
    make_order(shop, created=day, lines=[{**serum, "sale_price": "50.00"}])
    make_order(shop, created=day, lines=[{**toner, "sale_price": "10.00"}] * 3)
    make_order(idr, created=local(idr, 2026, 3, 1, 10, 0), lines=[{"product_id": "13", "product_name": "Kopi Mask", "sku_id": "131", "sale_price": "99000.00"}] * 2)
    make_order(idr, created=local(idr, 2026, 3, 1, 11, 0), lines=[{"product_id": "13", "product_name": "Kopi Mask", "sku_id": "131", "sale_price": "99000.00"}])
    params = {"range": "custom", "start": "2026-03-01", "end": "2026-03-01"}

    page = parse(viewer.get("/shop/products/", params).content)
    # IDR has more orders, so it opens first; MYR amounts never share its numbered list.
    tabs = page.find("nav", cls="currency-tabs")
    assert [a.text for a in tabs.find_all("a")] == ["IDR 1", "MYR 2"]
    assert page.find(id="products-table").rows() == [["1", "Kopi Mask", "Other", "–", "3", "2", "Rp 297,000", "100.0%", "Rp 99,000"]]
    myr = parse(viewer.get("/shop/products/", {**params, "currency": "MYR"}).content).find(id="products-table").rows()
    assert [row[:2] + row[4:7] for row in myr] == [["1", "Glowy Serum", "1", "1", "RM 50.00"], ["2", "Aqua Toner", "3", "1", "RM 30.00"]]
    by_units = parse(viewer.get("/shop/products/", {**params, "currency": "MYR", "sort": "-units"}).content).find(id="products-table").rows()
    assert [row[1] for row in by_units] == ["Aqua Toner", "Glowy Serum"]
    by_name = parse(viewer.get("/shop/products/", {**params, "currency": "MYR", "sort": "product_name"}).content).find(id="products-table").rows()
    assert [row[:2] for row in by_name] == [["1", "Aqua Toner"], ["2", "Glowy Serum"]]
    # Seed 003's order_by=units still ranks by units.
    legacy = parse(viewer.get("/shop/products/", {"days": 7, "end": "2026-03-01", "currency": "MYR", "order_by": "units"}).content)
    assert [row[1] for row in legacy.find(id="products-table").rows()] == ["Aqua Toner", "Glowy Serum"]
    units_header = next(th for th in page.find(id="products-table").find_all("th") if th.attrs.get("data-col") == "units")
    assert "sort=-units" in units_header.find("a").attrs["href"]


def test_stock_table_shows_slow_movers(viewer, shop):
    make_product(shop, product_id="11", title="Glowy Serum", skus=[("111", "GL-1", "50.00")])
    make_product(shop, product_id="12", title="Dusty Cream", skus=[("121", "DC-1", "20.00")])
    Sku.all_tenants.filter(product__product_id="11").update(inventory_quantity=30)
    Sku.all_tenants.filter(product__product_id="12").update(inventory_quantity=8)
    make_order(shop, created=local(shop, 2026, 3, 1, 10, 0), lines=[{"product_id": "11", "product_name": "Glowy Serum", "sale_price": "50.00"}] * 2)
    page = parse(viewer.get("/shop/products/", {"days": 10, "end": "2026-03-01"}).content)
    # 30 in stock at 2 units per 10 days: 150 days of cover; the cream sold nothing.
    assert page.find(id="stock-table").rows() == [["Glowy Serum", "Glow MY", "–", "Live", "30", "2", "150"], ["Dusty Cream", "Glow MY", "–", "Live", "8", "0", "No sales"]]


# --- Brand dictionary ---------------------------------------------------------------------


def _other(shop, name, product_id, price, *, status="COMPLETED", count=1):
    make_order(shop, created=local(shop, 2026, 3, 1, 10, 0), status=status, lines=[{"product_id": product_id, "product_name": name, "sale_price": price}] * count)


@pytest.fixture
def unmatched(tenant_a, shop):
    _other(shop, "Kopiko Coffee Mask 50g", "21", "30.00", count=2)
    _other(shop, "kopiko scrub", "22", "20.00")
    _other(shop, "Travel pouch KOPIKO edition", "23", "5.00", status="CANCELLED")
    _other(shop, "Lumi Glow Cream", "24", "40.00")
    _other(shop, "Lumi Night Cream", "25", "60.00")
    _other(shop, "Plain Tee", "26", "15.00")
    _other(shop, "NEW Promo Bundle", "27", "9.00")
    _other(shop, "NEW Arrival Socks", "28", "9.00")
    make_order(shop, created=local(shop, 2026, 3, 1, 11, 0), lines=[{"product_id": "29", "product_name": "GLOWY Serum", "brand": "Glowy", "sale_price": "99.00"}])
    return shop


def test_suggestions_from_products_in_other(tenant_a, unmatched):
    summary = selectors.brand_rule_suggestions(tenant_a)
    assert summary.products == 8 and summary.gmv == {"MYR": Decimal("213.00")}
    got = [(s.name, s.products, s.units, s.gmv) for s in summary.suggestions]
    # "Kopiko" matches its three titles wherever the word is (the cancelled order adds no GMV);
    # "Plain" is one product only; "NEW" is a selling word, never a brand.
    assert got == [("Kopiko", 3, 4, {"MYR": Decimal("80.00")}), ("Lumi", 2, 2, {"MYR": Decimal("100.00")})]
    assert summary.suggestions[0].examples == ["Kopiko Coffee Mask 50g", "Travel pouch KOPIKO edition", "kopiko scrub"]
    Brand.all_tenants.create(tenant=tenant_a, name="LUMI")
    assert [s.name for s in selectors.brand_rule_suggestions(tenant_a).suggestions] == ["Kopiko"]


def test_accepting_a_suggestion_moves_products_out_of_other(admin, viewer, tenant_a, unmatched):
    from shop_sync.services import daily_rollups_recompute

    daily_rollups_recompute(shop=unmatched)
    other_before = DailyRollup.all_tenants.get(brand="Other")
    assert (other_before.orders, other_before.gmv) == (8, Decimal("213.00"))

    page = parse(admin.get("/shop/brands/rules/").content)
    rows = page.find(id="suggestions-table").rows()
    assert [row[:4] for row in rows] == [["Kopiko Accept", "3", "4", "RM 80.00"], ["Lumi Accept", "2", "2", "RM 100.00"]]
    assert viewer.post("/shop/brands/rules/accept/", {"name": "Kopiko"}).status_code == 403
    response = admin.post("/shop/brands/rules/accept/", {"name": "Kopiko"}, follow=True)
    assert messages(response.content) == ["Added “Kopiko”. 4 order lines and 0 products re-matched; brand figures are up to date."]

    assert set(OrderLine.all_tenants.filter(product_id__in=["21", "22", "23"]).values_list("brand", flat=True)) == {"Kopiko"}
    assert sorted(Order.all_tenants.values_list("brands", flat=True)).count("Kopiko") == 3
    rollups = {row.brand: (row.orders, row.gmv) for row in DailyRollup.all_tenants.exclude(brand="")}
    assert rollups == {"Other": (5, Decimal("133.00")), "Kopiko": (3, Decimal("80.00")), "Glowy": (1, Decimal("99.00"))}
    brands = parse(viewer.get("/shop/brands/", {"range": "custom", "start": "2026-03-01", "end": "2026-03-01", "compare": "none"}).content)
    assert [row[:4] for row in brands.find(id="brands-table").rows()] == [
        ["Other", "5", "5", "RM 133.00"],
        ["Glowy", "1", "1", "RM 99.00"],
        ["Kopiko", "3", "4", "RM 80.00"],
    ]
    assert [row[0] for row in parse(admin.get("/shop/brands/rules/").content).find(id="suggestions-table").rows()] == ["Lumi Accept"]


def test_brand_rule_crud_for_admins_read_only_for_viewers(admin, viewer, tenant_a, unmatched):
    make_product(unmatched, product_id="24", title="Lumi Glow Cream")
    add = admin.post("/shop/brands/rules/", {"name": "Lumina", "keywords": "Lumi, LUMI ", "is_active": "on"}, follow=True)
    assert messages(add.content) == ["Added “Lumina”. 2 order lines and 1 product re-matched; brand figures are up to date."]
    rule = Brand.all_tenants.get(tenant=tenant_a)
    assert (rule.name, rule.keywords, rule.is_active) == ("Lumina", ["Lumi"], True)
    assert Product.all_tenants.get(product_id="24").brand == "Lumina"

    duplicate = admin.post("/shop/brands/rules/", {"name": "lumina"})
    assert duplicate.status_code == 400 and "There is already a rule for “lumina”." in duplicate.content.decode()
    empty = admin.post("/shop/brands/rules/", {"name": ""})
    assert empty.status_code == 400 and parse(empty.content).find(id="brand-rule-add").find(cls="has-error")

    viewer_page = parse(viewer.get("/shop/brands/rules/").content)
    assert viewer_page.find(id="rules-table").rows() == [["Lumina", "Lumi", "Active", rule.created_at.strftime("%-d %b %Y")]]
    assert not [form for form in viewer_page.find_all("form") if form.attrs.get("method") == "post" and "logout" not in form.attrs.get("action", "")]
    assert viewer.post("/shop/brands/rules/", {"name": "Nope"}).status_code == 403
    assert viewer.post(f"/shop/brands/rules/{rule.pk}/", {"name": "Nope"}).status_code == 403
    assert viewer.post(f"/shop/brands/rules/{rule.pk}/delete/").status_code == 403

    edit = admin.post(f"/shop/brands/rules/{rule.pk}/", {"name": "Lumina", "keywords": "", "is_active": ""}, follow=True)
    assert messages(edit.content) == ["Saved “Lumina”. 2 order lines and 1 product re-matched; brand figures are up to date."]
    rule.refresh_from_db()
    assert (rule.keywords, rule.is_active) == ([], False)
    assert set(OrderLine.all_tenants.filter(product_id__in=["24", "25"]).values_list("brand", flat=True)) == {"Other"}

    admin.post(f"/shop/brands/rules/{rule.pk}/", {"name": "Lumi", "is_active": "on"}, follow=True)
    assert set(OrderLine.all_tenants.filter(product_id__in=["24", "25"]).values_list("brand", flat=True)) == {"Lumi"}
    gone = admin.post(f"/shop/brands/rules/{rule.pk}/delete/", follow=True)
    assert messages(gone.content) == ["Deleted “Lumi”. 2 order lines and 1 product re-matched; brand figures are up to date."]
    assert not Brand.all_tenants.exists()


def test_another_tenants_brand_rule_is_404(web_client_for, tenant_a, tenant_b):
    rule = Brand.all_tenants.create(tenant=tenant_a, name="Glowy")
    other, _ = web_client_for(tenant_b, Role.OWNER)
    assert other.get(f"/shop/brands/rules/{rule.pk}/").status_code == 404
    assert other.post(f"/shop/brands/rules/{rule.pk}/", {"name": "Taken"}).status_code == 404
    assert other.post(f"/shop/brands/rules/{rule.pk}/delete/").status_code == 404
    assert "Glowy" not in other.get("/shop/brands/rules/").content.decode()
    rule.refresh_from_db()
    assert rule.name == "Glowy"


def test_brand_services_work_outside_a_request(tenant_a, unmatched):
    """A command or task has no tenant in context: the services scope every write themselves."""
    from shop_sync.services import brand_rule_delete, brand_rule_save, brands_reapply

    rule, result = brand_rule_save(tenant=tenant_a, name="Kopiko", keywords=["kopiko", " Kopiko ", ""])
    assert rule.keywords == ["kopiko"] and (result.lines, result.orders, result.days) == (4, 3, 1)
    assert brands_reapply(tenant=tenant_a).lines == 0  # idempotent
    assert brand_rule_delete(rule=rule).lines == 4
    assert set(OrderLine.all_tenants.filter(product_id__in=["21", "22", "23"]).values_list("brand", flat=True)) == {"Other"}
