"""Real Chromium: connect the sandbox's demo seller through OAuth, see the first full sync of its
Malaysian shop start by itself and reach 100%, open the orders page, expand an order (its lines
load once, on demand) and export the orders as CSV."""

import csv
import io
import re

import pytest

from core.services import tenant_create
from shop_sync.models import Order, ShopConnection
from tests.conftest import make_user

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements-dev.txt)").expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-word-123"


@pytest.fixture
def owner(transactional_db):
    user = make_user("sofia", password=PASSWORD)
    tenant_create(name="Glow Agency", slug="glow", owner=user, time_zone="Asia/Kuala_Lumpur")
    return user


@pytest.fixture
def live_sandbox(sandbox_live, live_server, settings):
    """Upstreams, the OAuth redirect and the webhook URL all point at the live server."""
    settings.TIKTOK_SHOP_REDIRECT_URI = f"{live_server.url}/shop/oauth/callback/"
    settings.SANDBOX_TIKTOK_SHOP_WEBHOOK_URL = f"{live_server.url}/webhooks/tiktok-shop/"
    return sandbox_live


def test_connect_full_sync_browse_expand_and_export(owner, live_sandbox, browser_page):
    page = browser_page
    page.goto("/login/?next=/shop/sync/")
    page.fill("#id_username", "sofia")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Shop sync")
    expect(page.locator("#empty-no-shop")).to_contain_text("No TikTok Shop connected yet")

    # Connect: the sandbox's consent page, the demo seller, back to the sync page with its shops.
    page.click("#connect-shop button")
    expect(page.locator("h1")).to_have_text("Authorize app")
    page.check("input[name=seller][value=demo]")
    # Tasks run eagerly here, so the first syncs run inside the callback: give it time.
    page.click("button:has-text('Authorize')", timeout=120_000)
    expect(page.locator("h1")).to_have_text("Shop sync")
    expect(page.locator(".messages")).to_contain_text("Connected")
    shops = list(ShopConnection.all_tenants.filter(tenant__slug="glow").order_by("name"))
    assert len(shops) == 2
    shop = next(s for s in shops if s.currency == "MYR")
    card = page.locator(f"#shop-{shop.pk}")
    expect(card.locator(f"#shop-{shop.pk}-status")).to_have_text("Active")

    # The first full sync starts by itself: its progress bar ends at 100 % with every order stored.
    expect(page.locator(".messages")).to_contain_text("The first full sync is loading the orders")
    bar = card.locator(".sync-progress").first
    expect(bar.locator("[role=progressbar]")).to_have_attribute("aria-valuenow", "100.0", timeout=120_000)
    expect(bar.locator(".progress-state")).to_have_text("Done")
    stored = Order.all_tenants.filter(shop=shop).count()
    assert stored > 0
    expect(card.locator("[data-field=stored-orders]")).to_have_text(f"{stored:,}")

    # Orders: 50 per page; a row expands to its lines, fetched once, then toggles locally.
    page.goto("/shop/orders/")
    expect(page.locator("h1")).to_have_text("Orders")
    page.select_option("#f-shop", value=shop.shop_id)
    page.click("#order-filter-submit")
    rows = page.locator("#orders-table tr.order-row")
    expect(rows).to_have_count(min(stored, 50))
    newest = Order.all_tenants.filter(shop=shop).order_by("-create_time", "-id").first()
    toggle = page.locator(f"#order-{newest.pk} button.row-toggle")
    with page.expect_response(re.compile(rf"/shop/orders/{newest.pk}/lines/$")):
        toggle.click()
    details = page.locator(f"#order-{newest.pk}-lines")
    expect(details).to_be_visible()
    expect(toggle).to_have_text("▼")
    expect(details.locator("tr.line-row")).to_have_count(newest.units)
    toggle.click()
    expect(details).to_be_hidden()
    toggle.click()
    expect(details).to_be_visible()

    # Export: the filtered orders as CSV, newest first.
    with page.expect_download() as download_info:
        page.click("#export-csv")
    download = download_info.value
    assert download.suggested_filename.startswith("orders-glow-") and download.suggested_filename.endswith(".csv")
    rows = list(csv.reader(io.StringIO(open(download.path(), encoding="utf-8").read())))
    assert rows[0][:3] == ["shop_id", "order_id", "status"]
    assert len(rows) == stored + 1
    assert rows[1][:2] == [shop.shop_id, newest.order_id]
