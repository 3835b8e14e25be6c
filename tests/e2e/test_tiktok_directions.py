"""Real Chromium: the Directions page's Instagram / TikTok tabs, and the direction form's live
check of the daily budget against TikTok's minimum in the ad account's currency (htmx, no
submit). Full-page screenshots at 1440 and 390 px land in artifacts/screenshots/."""

from pathlib import Path

import pytest

from core.services import tenant_create
from core.tenancy import tenant_scope
from tests.conftest import make_user
from tests.tiktok_ads.factories import make_advertiser
from tiktok_ads.models import ActionRecord, AdAccount, Direction

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements-dev.txt)").expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-word-123"
SHOTS = Path("artifacts/screenshots")


@pytest.fixture
def agency(transactional_db):
    user = make_user("dana", password=PASSWORD)
    tenant = tenant_create(name="Agency", slug="agency", owner=user)
    with tenant_scope(tenant):
        advertiser = make_advertiser(tenant, advertiser_id="7001", name="Glow Corner ID")
        advertiser.currency = "IDR"
        advertiser.save()
        account = AdAccount.objects.create(tenant=tenant, name="Glow Corner", advertiser=advertiser)
        Direction.objects.create(tenant=tenant, ad_account=account, name="Skincare (Instagram)", platform="facebook")
        Direction.objects.create(
            tenant=tenant,
            ad_account=account,
            name="Skincare leads",
            platform="tiktok",
            tiktok_objective="lead_generation",
            tiktok_daily_budget=250000,
        )
        ActionRecord.objects.create(
            tenant=tenant,
            request_id="r1",
            action="TikTok.PauseCampaign",
            params={"campaign_id": "1801"},
            ad_account=account,
            state="succeeded",
            before={"operation_status": "ENABLE"},
            after={"operation_status": "DISABLE"},
            actor="dana",
            upstream_response={"code": 0},
        )
    return tenant, account


def log_in(page, next_url: str) -> None:
    page.goto(f"/login/?next={next_url}")
    page.fill("#id_username", "dana")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def test_tabs_and_live_budget_check(agency, browser_page):
    _, account = agency
    page = browser_page
    log_in(page, "/ads/directions/")
    table = page.locator("#directions")
    expect(table).to_contain_text("Skincare (Instagram)")
    expect(table).not_to_contain_text("Skincare leads")

    page.click("#platform-tabs [data-tab=tiktok]")
    expect(page.locator("#platform-tabs .tab.active")).to_have_text("TikTok")
    expect(table).to_contain_text("Skincare leads")
    expect(table).to_contain_text("Lead generation")
    expect(table).not_to_contain_text("Skincare (Instagram)")

    page.click("#new-direction")
    expect(page.locator("#id_platform")).to_have_value("tiktok")
    expect(page.locator("#tiktok-fields")).to_be_visible()
    page.select_option("#id_platform", "instagram")
    expect(page.locator("#tiktok-fields")).to_be_hidden()
    page.select_option("#id_platform", "both")
    page.select_option("#id_ad_account", str(account.pk))
    page.fill("#id_tiktok_daily_budget", "150000")
    expect(page.locator("#budget-problem")).to_have_text("The daily budget must be at least 200,000.00 IDR for a TikTok ad group.")
    page.fill("#id_tiktok_daily_budget", "200000")
    expect(page.locator("#budget-ok")).to_have_text("200,000.00 IDR a day is within TikTok's limits.")
    assert page.url.endswith("/ads/directions/new/?platform=tiktok")  # checked in place, nothing submitted


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (390, 844)])
def test_screenshots(agency, browser_page, width, height):
    page = browser_page
    page.set_viewport_size({"width": width, "height": height})
    log_in(page, "/ads/directions/?platform=tiktok")
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, url in (
        ("directions-tiktok", "/ads/directions/?platform=tiktok"),
        ("direction-new", "/ads/directions/new/?platform=both"),
        ("actions", "/ads/actions/"),
        ("ad-accounts", "/ads/"),
    ):
        page.goto(url)
        if name == "direction-new":
            page.fill("#id_tiktok_daily_budget", "1000")
            expect(page.locator("#budget-problem")).to_be_visible()
        page.screenshot(path=str(SHOTS / f"tiktok-{name}-{width}.png"), full_page=True)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width, name
