"""Real Chromium: the ROI page's and the dashboard's Instagram / TikTok tabs (the range and the
figures follow the tab), the missing-rate notice and the charts. Full-page screenshots at 1366
and 390 px land in artifacts/screenshots/."""

import re
from pathlib import Path

import pytest

from core.services import tenant_create
from tests.autopilot.roi_fixtures import build_roi_world
from tests.conftest import make_user

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements-dev.txt)").expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-word-123"
SHOTS = Path("artifacts/screenshots")
RANGE = "range=custom&start=2026-11-01&end=2026-11-03"


@pytest.fixture
def school(transactional_db):
    user = make_user("aliya", password=PASSWORD)
    tenant = tenant_create(name="School", slug="school", owner=user)
    build_roi_world(tenant)
    return tenant


def log_in(page, next_url: str) -> None:
    page.goto(f"/login/?next={next_url}")
    page.fill("#id_username", "aliya")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def test_roi_tabs_switch_platform_and_keep_the_range(school, browser_page):
    page = browser_page
    log_in(page, f"/autopilot/roi/?{RANGE}".replace("&", "%26"))
    expect(page.locator("#platform-tabs .tab.active")).to_have_text("TikTok")
    expect(page.locator("#roi-creatives")).to_contain_text("Spring video")
    expect(page.locator("#missing-rates")).to_contain_text("MYR")
    expect(page.locator("#kpi-revenue")).to_contain_text("₸8,000")
    expect(page.locator("#roi-per-day")).to_be_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.screenshot(path=str(SHOTS / "autopilot-roi-tiktok-1366.png"), full_page=True)

    page.click("#platform-tabs [data-tab=instagram]")
    expect(page.locator("#platform-tabs .tab.active")).to_have_text("Instagram")
    expect(page).to_have_url(re.compile(r"platform=instagram.*start=2026-11-01"))
    expect(page.locator("#roi-creatives")).to_contain_text("FB ad one")
    expect(page.locator("#roi-creatives")).not_to_contain_text("Spring video")
    expect(page.locator("#missing-rates")).to_have_count(0)
    expect(page.locator("#kpi-spend")).to_contain_text("₸10.4K")
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / "autopilot-roi-instagram-390.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.click("#platform-tabs [data-tab=tiktok]")
    expect(page.locator("#platform-tabs .tab.active")).to_have_text("TikTok")
    expect(page.locator("#roi-creatives")).to_contain_text("Spring video")


def test_dashboard_tabs(school, browser_page):
    page = browser_page
    log_in(page, "/autopilot/dashboard/")
    expect(page.locator("#platform-tabs .tab.active")).to_have_text("TikTok")
    expect(page.locator("#runs-empty")).to_contain_text("No TikTok brain run yet")
    page.click("#platform-tabs [data-tab=instagram]")
    expect(page.locator("#platform-tabs .tab.active")).to_have_text("Instagram")
    expect(page.locator("#runs-empty")).to_contain_text("No Instagram brain run yet")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.screenshot(path=str(SHOTS / "autopilot-dashboard-1366.png"), full_page=True)
