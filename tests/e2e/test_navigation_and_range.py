"""The shared components in a real browser: the grouped navigation at laptop and phone widths,
and the date-range picker with a comparison, kept across pages."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from core.services import tenant_create
from tests.conftest import make_user

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements-dev.txt)").expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-word-123"


@pytest.fixture
def owner(transactional_db):
    user = make_user("nadia", password=PASSWORD)
    tenant_create(name="Nadia Beauty", slug="nadia", owner=user)
    return user


def log_in(page):
    page.goto("/login/")
    page.fill("#id_username", "nadia")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Nadia Beauty")


def test_navigation_holds_every_group_at_laptop_width(owner, browser_page):
    page = browser_page
    page.set_viewport_size({"width": 1440, "height": 900})
    log_in(page)

    toggles = page.locator(".nav-group-toggle")
    expect(toggles).to_have_text(["TikTok Shop", "Ads & GMV Max", "Autopilot", "Shopee Live", "Conversions", "Settings"])
    for index in range(toggles.count()):  # every group fits: nothing clipped at 1440 px
        box = toggles.nth(index).bounding_box()
        assert box is not None and box["x"] + box["width"] <= 1440
    expect(page.locator("#nav-toggle")).to_be_hidden()
    # A 1366 px laptop: the bar drops the brand name, and the account's "Log out" still fits.
    page.set_viewport_size({"width": 1366, "height": 768})
    logout = page.locator(".topbar form.logout button").bounding_box()
    assert logout is not None and logout["x"] + logout["width"] <= 1366
    page.set_viewport_size({"width": 1440, "height": 900})

    page.click(".nav-group-toggle:has-text(\"Settings\")")
    expect(page.locator("#nav-settings")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#nav-settings")).to_be_hidden()
    page.click(".nav-group-toggle:has-text(\"TikTok Shop\")")
    page.click("#nav-tiktok-shop >> text=Orders")
    expect(page).to_have_url(re.compile(r"/shop/orders/$"))
    expect(page.locator("nav a[aria-current=page]")).to_have_text(["Orders"])  # one entry active
    expect(page.locator(".nav-group.active .nav-group-toggle")).to_have_text("TikTok Shop")


def test_navigation_is_a_menu_on_a_phone(owner, browser_page):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page)

    expect(page.locator(".nav")).to_be_hidden()
    page.click("#nav-toggle")
    expect(page.locator("#nav-toggle")).to_have_attribute("aria-expanded", "true")
    expect(page.locator(".nav-group-title")).to_have_text(["TikTok Shop", "Ads & GMV Max", "Autopilot", "Shopee Live", "Conversions", "Settings"])
    page.click("#main-nav >> text=Sync history")
    expect(page).to_have_url(re.compile(r"/sync-runs/$"))
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 391


def test_date_range_with_comparison_follows_the_analyst(owner, browser_page):
    page = browser_page
    page.set_viewport_size({"width": 1440, "height": 900})
    log_in(page)

    page.click("#date-range summary")
    page.select_option("#dr-compare", "year")
    page.check("input[name=range][value=last_7]")  # a preset applies at once
    expect(page).to_have_url(re.compile(r"range=last_7"))
    expect(page).to_have_url(re.compile(r"compare=year"))
    today = timezone.now().astimezone(timezone.get_default_timezone()).date()
    yesterday = today - timedelta(days=1)
    expect(page.locator(".daterange-label")).to_contain_text("Last 7 days")
    # Comparing excludes today's partial day: the range ends yesterday, a year back for the comparison.
    expect(page.locator(".daterange-compare")).to_contain_text(f"{yesterday.day} {yesterday.strftime('%b')} {yesterday.year - 1}")

    page.goto("/")  # no range in the URL: the last one picked
    expect(page.locator(".daterange-label")).to_contain_text("Last 7 days")

    page.click("#date-range summary")
    page.fill("#dr-start", "2026-02-01")
    page.fill("#dr-end", "2026-02-10")
    page.click("#date-range button[type=submit]")
    expect(page.locator(".daterange-label")).to_have_text("1 Feb – 10 Feb 2026")
    expect(page.locator(".daterange-compare")).to_have_text("vs 1 Feb 2025 – 10 Feb 2025")
