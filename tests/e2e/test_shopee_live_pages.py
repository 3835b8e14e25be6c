"""Real Chromium on the Shopee Live pages: the live cards refresh in place (a new viewer count
appears without a reload; the refresh interval is lowered for the test), and a promotion's budget
is edited inline against the sandbox's Seller Center: a budget below zero is refused next to the
field, a valid one is saved and shown."""

import os
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.services import tenant_create
from core.tenancy import tenant_scope
from shopee_live.models import LiveSession, SessionStatus, ShopeeAccount
from shopee_live.views import live
from tests.conftest import make_user
from tests.shopee_live.pages_data import make_account, make_session, make_studio

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements-dev.txt)").expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-word-123"


@pytest.fixture
def tenant(transactional_db):
    user = make_user("sari", password=PASSWORD)
    return tenant_create(name="Kirana Live", slug="kirana-live", owner=user, time_zone="Asia/Jakarta")


def log_in(page, next_url: str) -> None:
    page.goto(f"/login/?next={next_url}")
    page.fill("#id_username", "sari")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def test_live_cards_refresh_in_place(tenant, browser_page, monkeypatch):
    monkeypatch.setattr(live, "LIVE_REFRESH_SECONDS", 1)
    account = make_account(tenant, make_studio(tenant), name="Glow ID", region="ID")
    session = make_session(
        tenant, account, session_id="9001", session_name="Flash Sale Serum", status=SessionStatus.ONGOING,
        started_at=timezone.now() - timedelta(minutes=20), current_viewers=1200, total_orders=40, total_revenue=Decimal("2500000"),
    )  # fmt: skip
    page = browser_page
    log_in(page, "/live/")
    card = page.locator(f"#live-session-{session.pk}")
    expect(card.locator("[data-field=current-viewers]")).to_have_text("1,200")
    expect(page.locator("#live-cards")).to_have_attribute("hx-trigger", "every 1s")
    page.evaluate("window.notReloaded = true")

    with tenant_scope(tenant):
        LiveSession.objects.filter(pk=session.pk).update(current_viewers=1450, total_orders=41, total_revenue=Decimal("2599000"))
    expect(card.locator("[data-field=current-viewers]")).to_have_text("1,450", timeout=8000)
    expect(card.locator("[data-field=orders]")).to_have_text("41")
    expect(card.locator("[data-field=revenue]")).to_have_text("Rp 2,599,000")
    assert page.evaluate("window.notReloaded") is True

    # A session that starts streaming appears too; one that ends leaves.
    with tenant_scope(tenant):
        LiveSession.objects.filter(pk=session.pk).update(status=SessionStatus.ENDED)
    expect(page.locator("#empty-no-live")).to_be_visible(timeout=8000)
    assert page.evaluate("window.notReloaded") is True


def test_edit_a_promotion_budget_inline(tenant, sandbox_live, browser_page):
    from sandbox.emulators.shopee.data import account_get, sandbox_now
    from sandbox.emulators.shopee.web import promotions_today

    connected = sandbox_live.shopee_connect("demo-id-1")
    sandbox_account = account_get("demo-id-1")
    limit = Decimal(sandbox_account.region.budget_limit)
    account = make_account(
        tenant, make_studio(tenant), name=connected["username"] or "demo", region=connected["region"], user_id=str(connected["user_id"]),
        shop_id=str(connected["shop_id"]), web_session=connected["spc_ec"], promotion_budget_limit=limit,
    )  # fmt: skip
    first = promotions_today(sandbox_account, sandbox_now())[0]
    new_budget = (Decimal(first["spent"]) + limit) // 2  # above what was spent, under the limit
    page = browser_page
    log_in(page, "/live/promotions/")
    expect(page.locator("h1")).to_have_text("Promotions today")
    prefix = f"p{account.pk}-{first['promotion_id']}"
    row = page.locator(f"#promotion-{prefix}")
    expect(row).to_contain_text(first["name"])

    row.locator("summary").click()
    row.locator(f"#id_{prefix}-budget").fill("-5")
    row.locator("button[type=submit]").click()
    row = page.locator(f"#promotion-{prefix}")
    expect(row.locator(f"#id_{prefix}-budget-errors")).to_have_text("The budget can't be below zero.")

    row.locator(f"#id_{prefix}-budget").fill(str(new_budget))
    row.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("saved")
    with tenant_scope(tenant):
        stored = ShopeeAccount.objects.get(pk=account.pk).promotions.get(promotion_id=first["promotion_id"])
    assert stored.budget == new_budget
    expect(page.locator(f"#promotion-{prefix} [data-field=budget]")).to_contain_text(f"{int(new_budget):,}")
