"""Real Chromium: the Leads page's direction filter submits itself on change and narrows the table;
phone and email stay masked; screenshots at 1440 and 390 px (``$E2E_ARTIFACTS_DIR/screenshots``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from core.services import tenant_create
from core.tenancy import tenant_scope
from tests.conftest import make_user
from tests.tiktok_ads.factories import make_advertiser
from tests.tiktok_ads.test_leads_pages import make_lead
from tiktok_ads.models import AdAccount, Direction, Platform

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements-dev.txt)").expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-word-123"
ROOT = Path(__file__).resolve().parents[2]


def test_leads_filter_by_direction(browser_page):
    user = make_user("aigerim", password=PASSWORD)
    tenant = tenant_create(name="Academy", slug="academy", owner=user)
    with tenant_scope(tenant):
        advertiser = make_advertiser(tenant, advertiser_id="7001", name="Virtu Academy")
        account = AdAccount.objects.create(tenant=tenant, name="Academy", advertiser=advertiser)
        trial = Direction.objects.create(tenant=tenant, ad_account=account, name="Trial lessons", platform=Platform.TIKTOK)
        courses = Direction.objects.create(tenant=tenant, ad_account=account, name="Courses", platform=Platform.TIKTOK)
    make_lead(tenant, advertiser, "1", direction=trial)
    make_lead(tenant, advertiser, "2", direction=courses, campaign=("901", "Autumn intake"), page=("556", "Course form"))
    make_lead(tenant, advertiser, "3", direction=trial)

    page = browser_page
    page.goto("/login/?next=/ads/leads/")
    page.fill("#id_username", "aigerim")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Leads")
    expect(page.locator("tr.lead-row")).to_have_count(3)
    expect(page.locator("#leads-table")).not_to_contain_text("+77011234567")
    expect(page.locator("#leads-table")).to_contain_text("***67")

    page.select_option("#f-direction", label="Courses")
    page.wait_for_url("**direction=*")
    expect(page.locator("tr.lead-row")).to_have_count(1)
    expect(page.locator("tr.lead-row")).to_contain_text("Autumn intake")
    expect(page.locator("#f-direction")).to_have_value(str(courses.pk))

    shots = Path(os.environ.get("E2E_ARTIFACTS_DIR") or ROOT / "artifacts") / "screenshots"
    page.goto("/ads/leads/")
    for width, height in ((1440, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=shots / f"tiktok-leads-{width}.png", full_page=True)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"the page is {overflow}px wider than {width}px"
