"""Real Chromium: on the shop dashboard, pick "Last 7 days" and compare with the previous period
in the date-range picker; the range label, the comparison label and the GMV card follow."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from core.formatting import day as format_day
from core.services import tenant_create
from core.timezones import zone_or_utc
from tests.conftest import make_user
from tests.shop_sync.data import make_rollup, make_shop

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements-dev.txt)").expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-word-123"
ZONE = "Asia/Kuala_Lumpur"


@pytest.fixture
def shop_with_sales(transactional_db):
    owner = make_user("maya", password=PASSWORD)
    tenant = tenant_create(name="Glow Agency", slug="glow", owner=owner, time_zone=ZONE)
    shop = make_shop(tenant, shop_id="7494000000001", name="Glow MY", currency="MYR", time_zone=ZONE)
    yesterday = timezone.now().astimezone(zone_or_utc(ZONE)).date() - timedelta(days=1)
    make_rollup(shop, yesterday, orders=4, gmv="400.00")
    make_rollup(shop, yesterday - timedelta(days=8), orders=2, gmv="100.00")
    return yesterday


def test_pick_last_7_days_against_the_previous_period(shop_with_sales, browser_page):
    yesterday = shop_with_sales
    page = browser_page
    page.goto("/login/?next=/shop/%3Fcompare%3Dnone")
    page.fill("#id_username", "maya")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("TikTok Shop")
    expect(page.locator("#date-range .daterange-label")).to_contain_text("Last 30 days")
    expect(page.locator("#date-range .daterange-compare")).to_have_count(0)

    page.click("#date-range summary")
    page.select_option("#dr-compare", "previous")
    page.click("#date-range .presets label:has-text('Last 7 days')")  # a preset applies at once

    start, end = yesterday - timedelta(days=6), yesterday
    before_start, before_end = start - timedelta(days=7), start - timedelta(days=1)
    short = format_day(start, fmt="short") if start.year == end.year else format_day(start)
    expect(page.locator("#date-range .daterange-label")).to_have_text(f"Last 7 days · {short} – {format_day(end)}")
    expect(page.locator("#date-range .daterange-compare")).to_have_text(f"vs {format_day(before_start)} – {format_day(before_end)}")
    expect(page).to_have_url(re.compile(r"range=last_7.*compare=previous|compare=previous.*range=last_7"))
    expect(page.locator("#kpi-gmv .stat-value")).to_have_text("RM\u00a0400.00")
    expect(page.locator("#kpi-gmv .stat-sub")).to_contain_text("▲ 300.0%")
