"""TikTok Shop emulator: orders and products search, details, the changes overlay, the truth
digest and the lazy data behind them (brute-force checks run on the 'mini' shop)."""

import json
import re
from collections import Counter
from decimal import Decimal

import pytest

from sandbox.emulators.tiktok_shop import data
from sandbox.emulators.tiktok_shop.data import (
    BRANDS,
    HISTORY_END,
    MAX_PROGRESSION_SECONDS,
    Snapshot,
    catalogue,
    order_id_for,
    order_index_for,
    order_json,
    order_json_text,
    order_state,
    visible_count,
)
from sandbox.emulators.tiktok_shop.truth import truth_digest, truth_line
from tests.sandbox.tiktok_shop_client import CONTROL, PartnerApi, freeze_clock, issue_tokens, shop

NOW = HISTORY_END + 3 * 86400 + 7_200


@pytest.fixture(autouse=True)
def _pinned(settings, db):
    settings.SANDBOX_SEED = 20260101
    settings.TIKTOK_SHOP_APP_KEY = "6sandboxappkey"
    settings.TIKTOK_SHOP_APP_SECRET = "sandbox-app-secret-0123456789abcdef"
    freeze_clock(NOW)


@pytest.fixture
def mini():
    return shop("mini-my")


@pytest.fixture
def api(client, mini):
    return PartnerApi(client, access_token=issue_tokens("mini")["access_token"], cipher=mini.cipher)


def brute_force(shop, now=NOW):
    """Every order of the shop, generated one by one: what the searches must agree with."""
    snapshot = Snapshot(now=now, change_mark=0, changes={})
    return [order_state(shop, index, snapshot) for index in range(visible_count(shop, now))]


def control(client, path, payload):
    return client.post(f"{CONTROL}/{path}", data=json.dumps(payload), content_type="application/json")


# --- Orders search ---------------------------------------------------------------------------


def test_paging_through_a_whole_shop_returns_every_order_once(api, mini):
    expected = brute_force(mini)
    assert len(expected) == 246
    orders, totals = api.search_all(sort_order="ASC")
    assert totals == [246, 246, 246]
    ids = [order["id"] for order in orders]
    assert len(set(ids)) == len(ids) == 246
    assert ids == [order_id_for(mini, state.index) for state in expected]
    assert [o["create_time"] for o in orders] == sorted(o["create_time"] for o in orders)
    newest_first, _ = api.search_all(page_size=50)
    assert [o["id"] for o in newest_first] == ids[::-1]


def test_create_and_update_windows_are_exact_ge_inclusive_lt_exclusive(api, mini):
    states = brute_force(mini)
    # Bounds sitting exactly on orders' times, to pin down both ends.
    create_ge, create_lt = states[100].create_time, states[160].create_time
    by_create, totals = api.search_all({"create_time_ge": create_ge, "create_time_lt": create_lt}, sort_order="ASC")
    expected = [order_id_for(mini, s.index) for s in states if create_ge <= s.create_time < create_lt]
    assert [o["id"] for o in by_create] == expected and totals == [len(expected)] and len(expected) >= 60

    updates = sorted(s.update_time for s in states)
    update_ge, update_lt = updates[150], updates[230]
    by_update, totals = api.search_all(
        {"update_time_ge": update_ge, "update_time_lt": update_lt}, sort_field="update_time", sort_order="ASC"
    )
    matching = sorted((s.update_time, s.index) for s in states if update_ge <= s.update_time < update_lt)
    assert [o["id"] for o in by_update] == [order_id_for(mini, index) for _, index in matching]
    assert totals[0] == len(matching) >= 80
    assert all(update_ge <= o["update_time"] < update_lt for o in by_update)


def test_status_filter_and_sort_by_update_time(api, mini):
    states = brute_force(mini)
    statuses = Counter(s.status for s in states)
    assert {"AWAITING_SHIPMENT", "IN_TRANSIT", "DELIVERED", "COMPLETED", "CANCELLED"} <= set(statuses)
    for status in ("COMPLETED", "IN_TRANSIT", "CANCELLED"):
        found, totals = api.search_all({"order_status": status}, sort_field="update_time", sort_order="DESC")
        assert totals[0] == statuses[status] == len(found) > 0
        assert {o["status"] for o in found} == {status}
        assert [o["update_time"] for o in found] == sorted((o["update_time"] for o in found), reverse=True)


@pytest.mark.parametrize(
    ("query", "body", "message"),
    [
        ({"page_size": 101}, {}, "Invalid parameter. The `page_size` query parameter must be between 1 and 100."),
        ({"page_size": 0}, {}, "Invalid parameter. The `page_size` query parameter must be between 1 and 100."),
        ({"sort_field": "paid_time"}, {}, "Invalid parameter. The `sort_field` query parameter must be create_time or update_time."),
        ({"sort_order": "up"}, {}, "Invalid parameter. The `sort_order` query parameter must be ASC or DESC."),
        ({}, {"order_status": "LOST"}, None),
        ({}, {"create_time_ge": "yesterday"}, "Invalid parameter. The `create_time_ge` body parameter must be an integer."),
        ({"page_token": "bm90IGEgdG9rZW4"}, {}, "Invalid parameter. The `page_token` query parameter is invalid."),
    ],
)
def test_invalid_search_parameters_are_rejected(api, query, body, message):
    response = api.search(body, **query).json()
    assert response["code"] == 36009004
    if message:
        assert response["message"] == message


def test_a_page_token_only_continues_its_own_search(api):
    first = api.search({"order_status": "COMPLETED"}, page_size=10).json()["data"]
    other = api.search({"order_status": "CANCELLED"}, page_size=10, page_token=first["next_page_token"]).json()
    assert other["code"] == 36009004


def test_pages_keep_their_snapshot_while_the_clock_moves(api, client):
    first = api.search(sort_order="ASC").json()["data"]
    control(client, "tiktok-shop/clock", {"advance_seconds": 3 * 86400})  # new orders, status steps
    second = api.search(sort_order="ASC", page_token=first["next_page_token"]).json()["data"]
    third = api.search(sort_order="ASC", page_token=second["next_page_token"]).json()["data"]
    assert [page["total_count"] for page in (first, second, third)] == [246, 246, 246] and third["next_page_token"] == ""
    assert len({o["id"] for page in (first, second, third) for o in page["orders"]}) == 246
    assert api.search().json()["data"]["total_count"] > 246  # a new search sees the new now


def test_orders_carry_the_platform_fields_and_money_invariants(api, mini):
    orders, _ = api.search_all()
    for order in orders:
        payment = order["payment"]
        money = {key: Decimal(value) for key, value in payment.items() if key != "currency"}
        lines = order["line_items"]
        assert payment["currency"] == "MYR" and all(re.fullmatch(r"\d+\.\d\d", v) for k, v in payment.items() if k != "currency")
        assert money["sub_total"] == money["original_total_product_price"] - money["seller_discount"] - money["platform_discount"]
        assert (
            money["shipping_fee"]
            == money["original_shipping_fee"] - money["shipping_fee_seller_discount"] - money["shipping_fee_platform_discount"]
        )
        assert money["total_amount"] == money["sub_total"] + money["shipping_fee"] + money["tax"] + money["retail_delivery_fee"]
        assert money["sub_total"] == sum(Decimal(line["sale_price"]) for line in lines)
        assert money["original_total_product_price"] == sum(Decimal(line["original_price"]) for line in lines)
        for line in lines:
            assert "quantity" not in line
            assert Decimal(line["sale_price"]) == Decimal(line["original_price"]) - Decimal(line["seller_discount"]) - Decimal(
                line["platform_discount"]
            )
            assert line["display_status"] == order["status"] and line["currency"] == "MYR"
        assert len({line["id"] for line in lines}) == len(lines)
        assert order["recipient_address"]["region_code"] == "MY" and order["user_id"].startswith("749")
        assert order["buyer_email"].endswith("@scs2.tiktok.com")
        assert order["create_time"] <= order["update_time"] <= order["create_time"] + MAX_PROGRESSION_SECONDS
        assert ("paid_time" in order) == (
            order["status"] not in ("UNPAID",) and not (order["status"] == "CANCELLED" and order.get("cancellation_initiator") == "SYSTEM")
        )
    lines_per_order = sum(len(o["line_items"]) for o in orders) / len(orders)
    assert 1.7 < lines_per_order < 2.2
    assert len({o["user_id"] for o in orders}) < len(orders)  # buyers come back


ORDER_KEYS = (
    "id status create_time update_time user_id buyer_email buyer_message commerce_platform delivery_option_id "
    "delivery_option_name delivery_type fulfillment_type shipping_type shipping_provider shipping_provider_id tracking_number "
    "warehouse_id is_cod is_on_hold_order is_replacement_order is_sample_order is_buyer_request_cancel "
    "has_updated_recipient_address order_type split_or_combine_tag seller_note packages payment_method_name payment "
    "recipient_address line_items rts_sla_time tts_sla_time shipping_due_time collection_due_time cancel_order_sla_time"
).split()
LINE_KEYS = (
    "id sku_id product_id product_name sku_name sku_image seller_sku sku_type original_price currency sale_price "
    "seller_discount platform_discount display_status package_id package_status shipping_provider_id "
    "shipping_provider_name tracking_number is_gift cancel_reason cancel_user is_dangerous_good needs_prescription"
).split()


def test_order_text_is_compact_json_with_the_platform_fields(mini):
    snapshot = Snapshot(now=NOW, change_mark=0, changes={})
    pairs = [(s, order_state(s, index, snapshot)) for s in (mini, shop("demo-id")) for index in range(0, 240, 7)]
    assert {state.status for _, state in pairs} >= {"COMPLETED", "CANCELLED", "IN_TRANSIT"}
    for s, state in pairs:
        text = order_json_text(s, state)
        order = json.loads(text)
        assert json.dumps(order, ensure_ascii=False, separators=(",", ":")) == text
        milestones = {
            "COMPLETED": ["paid_time", "rts_time", "collection_time", "delivery_time"],
            "DELIVERED": ["paid_time", "rts_time", "collection_time", "delivery_time"],
            "IN_TRANSIT": ["paid_time", "rts_time", "collection_time"],
            "AWAITING_SHIPMENT": ["paid_time"],
            "UNPAID": [],
        }.get(state.status)
        if milestones is not None:
            assert list(order) == ORDER_KEYS + milestones
        else:
            assert list(order)[: len(ORDER_KEYS)] == ORDER_KEYS
            assert list(order)[-3:] == ["cancel_time", "cancel_reason", "cancellation_initiator"]
        for line in order["line_items"]:
            assert list(line) == LINE_KEYS + (["rts_time"] if "rts_time" in order else [])
        assert order["payment"]["currency"] == s.currency


def test_order_detail_by_ids(api, mini):
    listed = api.search(page_size=3).json()["data"]["orders"]
    ids = ",".join(o["id"] for o in listed)
    detail = api.get("/order/202309/orders", {"ids": ids}).json()
    assert detail["code"] == 0 and detail["data"]["orders"] == listed
    too_many = api.get("/order/202309/orders", {"ids": ",".join([listed[0]["id"]] * 51)}).json()
    assert too_many["code"] == 36009004
    foreign = order_id_for(shop("demo-my"), 5)
    not_ours = api.get("/order/202309/orders", {"ids": f"{listed[0]['id']},{foreign}"}).json()
    assert (not_ours["code"], not_ours["message"]) == (21008111, "The order or package does not belong to the current seller.")
    future = order_id_for(mini, visible_count(mini, NOW))  # exists only once the clock gets there
    assert api.get("/order/202309/orders", {"ids": future}).json()["code"] == 21008111


def test_large_shop_order_369999_is_generated_alone(monkeypatch, client, settings):
    large = shop("large-th")
    generated = []
    real_digest = data.order_digest
    monkeypatch.setattr(data, "order_digest", lambda shop, index: generated.append(index) or real_digest(shop, index))
    api = PartnerApi(client, access_token=issue_tokens("large")["access_token"], cipher=large.cipher)
    order_id = order_id_for(large, 369_999)
    detail = api.get("/order/202309/orders", {"ids": order_id}).json()
    assert detail["code"] == 0
    assert generated == [369_999]  # no other order
    order = detail["data"]["orders"][0]
    assert (order["id"], order["payment"]["currency"], order["recipient_address"]["region_code"]) == (order_id, "THB", "TH")
    assert order_index_for(large, order_id) == 369_999
    assert visible_count(large, NOW) > 370_000
    generated.clear()
    page = api.search({"create_time_ge": large.timeline.at(369_950)}, page_size=100, sort_order="ASC").json()["data"]
    assert page["orders"][0]["id"] == order_id_for(large, 369_950)
    assert sorted(generated) == list(range(369_950, 370_050))  # that page only


# --- Changes overlay and truth --------------------------------------------------------------------


def test_changes_make_exactly_the_new_and_changed_orders_visible(api, mini, client):
    window = {"update_time_ge": NOW - 30}
    before, _ = api.search_all(window)
    response = control(client, "tiktok-shop/changes", {"shop_id": mini.id, "new_orders": 50, "changed_orders": 20})
    assert response.status_code == 200
    changes = response.json()
    new_ids, changed_ids = changes["new_order_ids"], changes["changed_order_ids"]
    assert (len(new_ids), len(set(changed_ids)), changes["now"]) == (50, 20, NOW)
    after, totals = api.search_all(window, sort_field="update_time")
    assert {o["id"] for o in after} == {o["id"] for o in before} | set(new_ids) | set(changed_ids)
    assert totals[0] == len(before) + 70
    by_id = {o["id"]: o for o in after}
    assert all(by_id[i]["create_time"] == by_id[i]["update_time"] == NOW for i in new_ids)
    assert all(by_id[i]["update_time"] == NOW for i in changed_ids)
    everything, totals = api.search_all()
    assert totals[0] == 246 + 50 and len({o["id"] for o in everything}) == 296
    # A changed order moved one step along the status path.
    old = {s.index: s for s in brute_force(mini)}
    steps = {(old[order_index_for(mini, i)].status, by_id[i]["status"]) for i in changed_ids}
    assert steps <= {
        ("UNPAID", "AWAITING_SHIPMENT"),
        ("AWAITING_SHIPMENT", "IN_TRANSIT"),
        ("IN_TRANSIT", "DELIVERED"),
        ("DELIVERED", "COMPLETED"),
    }
    bad = control(client, "tiktok-shop/changes", {"shop_id": mini.id, "new_orders": -1})
    assert bad.status_code == 400


def test_truth_digest_matches_the_orders_served(api, mini, client):
    control(client, "tiktok-shop/changes", {"shop_id": mini.id, "new_orders": 5, "changed_orders": 3})
    truth = client.get(f"{CONTROL}/tiktok-shop/truth", {"shop_id": mini.id}).json()
    orders, _ = api.search_all()
    lines = [truth_line(o["id"], o["update_time"], o["status"], o["payment"]["total_amount"]) for o in orders]
    assert truth["order_count"] == len(orders) == 251
    assert truth["digest"] == truth_digest(lines)
    assert truth["status_counts"] == dict(sorted(Counter(o["status"] for o in orders).items()))
    assert truth_line("1", 5, "COMPLETED", "160500") == "1:5:COMPLETED:160500.00"
    assert client.get(f"{CONTROL}/tiktok-shop/truth", {"shop_id": "0"}).status_code == 404


def test_data_is_deterministic_and_follows_the_seed(api, mini, settings):
    first = api.search(page_size=20).content
    assert json.loads(api.search(page_size=20).content)["data"] == json.loads(first)["data"]
    snapshot = Snapshot(now=NOW, change_mark=0, changes={})
    body = order_json(mini, order_state(mini, 10, snapshot))
    settings.SANDBOX_SEED = 7
    other = shop("mini-my")
    assert other.id != mini.id
    assert order_json(other, order_state(other, 10, snapshot)) != body


def test_status_moves_along_the_path_as_the_clock_passes(mini):
    index = visible_count(mini, NOW) - 1
    created = mini.timeline.at(index)
    seen = [
        order_state(mini, index, Snapshot(now=created + offset, change_mark=0, changes={})).status
        for offset in range(0, MAX_PROGRESSION_SECONDS + 1, 3600)
    ]
    path = [status for number, status in enumerate(seen) if number == 0 or seen[number - 1] != status]
    assert path in (
        ["UNPAID", "AWAITING_SHIPMENT", "IN_TRANSIT", "DELIVERED", "COMPLETED"],
        ["UNPAID", "CANCELLED"],
        ["UNPAID", "AWAITING_SHIPMENT", "CANCELLED"],
    )


# --- Products ------------------------------------------------------------------------------------


def test_products_search_pages_filters_and_carries_brands(api, mini):
    products = catalogue(mini).products
    assert len(products) == 40
    found, token, totals = [], "", []
    while True:
        page = api.post("/product/202309/products/search", {"page_size": 15, **({"page_token": token} if token else {})}).json()["data"]
        found += page["products"]
        totals.append(page["total_count"])
        token = page["next_page_token"]
        if not token:
            break
    assert totals == [40, 40, 40] and len({p["id"] for p in found}) == 40
    assert all(p["skus"] and p["skus"][0]["price"]["currency"] == "MYR" for p in found)
    titles = [p["title"] for p in found]
    assert sum(any(brand in title or brand.upper() in title for brand in BRANDS) for title in titles) >= 30
    assert any(title.startswith("[") for title in titles) and any(" - " in title for title in titles)

    active = api.post("/product/202309/products/search", {"page_size": 100}, {"status": "ACTIVATE"}).json()["data"]
    assert active["total_count"] == sum(p.status == "ACTIVATE" for p in products)
    wanted = [products[3].skus[0].seller_sku, products[7].skus[0].seller_sku]
    by_sku = api.post("/product/202309/products/search", {"page_size": 100}, {"seller_skus": wanted}).json()["data"]
    assert {p["id"] for p in by_sku["products"]} == {products[3].id, products[7].id}
    edge = products[5].create_time
    window = api.post("/product/202309/products/search", {"page_size": 100}, {"create_time_ge": edge, "create_time_le": edge}).json()[
        "data"
    ]
    assert [p["id"] for p in window["products"]] == [p.id for p in products if p.create_time == edge]
    too_many = api.post("/product/202309/products/search", {"page_size": 10}, {"seller_skus": [f"S{n}" for n in range(11)]}).json()
    assert (too_many["code"], too_many["message"]) == (12019027, 'The maximum count of "seller_skus" in the search filter is 10.')
    too_large = api.post("/product/202309/products/search", {"page_size": 101}).json()
    assert (too_large["code"], too_large["message"]) == (
        36009004,
        "Invalid parameter. The `page_size` query parameter must be between 1 and 100.",
    )
    inverted = api.post("/product/202309/products/search", {"page_size": 10}, {"update_time_ge": 10, "update_time_le": 5}).json()
    assert inverted["code"] == 12019119


def test_order_lines_reference_catalogue_products(api, mini):
    by_sku = {sku.id: (product, sku) for product in catalogue(mini).products for sku in product.skus}
    orders, _ = api.search_all()
    for line in (line for order in orders for line in order["line_items"]):
        product, sku = by_sku[line["sku_id"]]
        assert (line["product_id"], line["product_name"], line["seller_sku"], line["sku_name"]) == (
            product.id,
            product.title,
            sku.seller_sku,
            sku.name,
        )
        assert product.status != "DRAFT"
