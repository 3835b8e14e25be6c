"""Real Chromium: sort the orders table by total from its header, open an order's page, and
watch a shop card on the sync page count stored orders while a sync runs, without a reload."""

import re

import pytest

from core.models import SyncRunPart, SyncState
from core.services import sync_page_commit, sync_part_claim, sync_run_start, tenant_create
from shop_sync.selectors import SYNC_KIND_FULL
from tests.conftest import make_user
from tests.shop_sync.data import local, make_order, make_shop

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements-dev.txt)").expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-word-123"


@pytest.fixture
def glow(transactional_db):
    user = make_user("nadia", password=PASSWORD)
    tenant = tenant_create(name="Glow Agency", slug="glow", owner=user, time_zone="Asia/Kuala_Lumpur")
    shop = make_shop(tenant, shop_id="7494000000001", name="Glow MY", currency="MYR", time_zone="Asia/Kuala_Lumpur")
    return {"tenant": tenant, "shop": shop}


def log_in(page, next_url: str) -> None:
    page.goto(f"/login/?next={next_url}")
    page.fill("#id_username", "nadia")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def test_sort_orders_by_total_and_open_one(glow, browser_page):
    shop = glow["shop"]
    totals = {"576600000000001": "45.00", "576600000000002": "1250.90", "576600000000003": "8.50"}
    for n, (order_id, total) in enumerate(totals.items()):
        make_order(shop, order_id=order_id, created=local(shop, 2026, 3, 2, 10 + n, 0), total=total, status="AWAITING_SHIPMENT")
    page = browser_page
    log_in(page, "/shop/orders/%3Frange%3Dall")
    expect(page.locator("h1")).to_have_text("Orders")
    ids = page.locator("#orders-table tr.order-row td[data-col=order_id]")
    expect(ids).to_have_text(["576600000000003", "576600000000002", "576600000000001"])  # newest first

    page.click("#orders-table th[data-col=total_amount] a.sort")
    expect(page).to_have_url(re.compile(r"sort=-total_amount"))
    expect(ids).to_have_text(["576600000000002", "576600000000001", "576600000000003"])
    expect(page.locator("#orders-table th[data-col=total_amount]")).to_have_attribute("aria-sort", "descending")
    expect(page.locator("#orders-table tr.order-row td[data-col=total_amount]").first).to_have_text("RM\u00a01,250.90")
    page.click("#orders-table th[data-col=total_amount] a.sort")
    expect(ids).to_have_text(["576600000000003", "576600000000001", "576600000000002"])

    page.click("text=576600000000002")
    expect(page.locator("h1")).to_contain_text("576600000000002")
    expect(page.locator("#order-status")).to_have_text("Awaiting shipment")
    expect(page.locator("#order-timeline li")).to_have_count(2)
    expect(page.locator("#order-amounts [data-field=total_amount]")).to_have_text("RM\u00a01,250.90")


def advance(run, items: int, *, done: bool = False) -> None:
    """Commit one page of the run's only part, as a worker does."""
    part = SyncRunPart.all_tenants.get(run=run)
    if part.state != SyncState.RUNNING:
        part = sync_part_claim(part=part)
    sync_page_commit(part=part, write_rows=lambda: None, checkpoint={"page": part.seq + 1}, items=items, done=done)


def test_shop_card_counts_stored_orders_while_a_sync_runs(glow, browser_page):
    tenant, shop = glow["tenant"], glow["shop"]
    run = sync_run_start(
        tenant=tenant, kind=SYNC_KIND_FULL, target=f"shop:{shop.pk}", label="Full order sync of Glow MY", items_total=3, dispatch=False
    )
    page = browser_page
    log_in(page, "/shop/sync/")
    expect(page.locator("h1")).to_have_text("Shop sync")
    card = page.locator(f"#shop-{shop.pk}")
    stored = card.locator("[data-field=stored-orders]")
    expect(stored).to_have_text("0")
    page.evaluate("() => { window.__same_page = true }")

    for n in range(2):
        make_order(shop, created=local(shop, 2026, 3, 2, 10, n))
    advance(run, 2)
    expect(stored).to_have_text("2")
    expect(card.locator(".progress-items").first).to_have_text("2 / 3 items")

    make_order(shop, created=local(shop, 2026, 3, 2, 11, 0))
    advance(run, 1, done=True)
    expect(stored).to_have_text("3")
    expect(card).to_contain_text("Last sync: Full order sync")
    expect(card).not_to_have_attribute("hx-trigger", re.compile(".*"))  # polling stopped
    assert page.evaluate("() => window.__same_page") is True
