"""Real Chromium: connect TikTok advertisers through the sandbox's authorize page and see them,
with their shop numbers, on the Ad accounts page."""

import os

import pytest

from core.services import tenant_create
from tests.conftest import make_user
from tiktok_ads.models import Advertiser

# Playwright's sync API runs an event loop in the test thread; the ORM is only used between steps.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements-dev.txt)").expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-word-123"


@pytest.fixture
def owner(transactional_db):
    user = make_user("amir", password=PASSWORD)
    tenant_create(name="Glow Ads", slug="glow-ads", owner=user, time_zone="Asia/Kuala_Lumpur")
    return user


@pytest.fixture
def live_sandbox(sandbox_live, live_server, settings):
    settings.TIKTOK_BUSINESS_REDIRECT_URI = f"{live_server.url}/ads/oauth/callback/"
    return sandbox_live


def test_connect_advertisers_in_the_browser(owner, live_sandbox, browser_page):
    page = browser_page
    page.goto("/login/?next=/ads/")
    page.fill("#id_username", "amir")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Ad accounts")
    expect(page.locator("#empty-no-advertiser")).to_contain_text("No advertiser connected yet")

    page.click("#connect-advertisers button")
    expect(page.locator("h1")).to_have_text("TikTok for Business")
    page.check("input[name=fixture][value=demo]")
    page.click("button:has-text('Confirm')")

    expect(page.locator("h1")).to_have_text("Ad accounts")
    expect(page.locator(".messages")).to_contain_text("Connected Glow Corner ID, Glow Corner MY")
    assert Advertiser.all_tenants.filter(tenant__slug="glow-ads").count() == 4
    expect(page.locator("#shop-numbers tbody tr")).to_have_count(3)
    expect(page.locator("#shop-numbers tbody tr").nth(1)).to_contain_text("Glow Corner Outlet")
    expect(page.locator("table.advertisers tbody tr")).to_have_count(4)
    expect(page.locator("tr", has_text="Glow Corner MY Live")).to_contain_text("Shop 1")
