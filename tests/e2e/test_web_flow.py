"""Log in, see the navigation, switch tenant, and watch a sync's progress bar move via htmx."""

import re

import pytest

from core.models import Membership, SyncRunPart, SyncState
from core.services import api_key_create, sync_page_commit, sync_part_claim, sync_run_start, tenant_create
from tests.conftest import make_user

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements-dev.txt)").expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-word-123"


@pytest.fixture
def agency(transactional_db):
    """An owner of two tenants: Acme (some history) and Bloom (a running order sync)."""
    owner = make_user("olivia", password=PASSWORD)
    acme = tenant_create(name="Acme Agency", slug="acme", owner=owner)
    bloom = tenant_create(name="Bloom Beauty", slug="bloom", owner=owner)
    api_key_create(tenant=acme, name="Acme BI")
    run = sync_run_start(tenant=bloom, kind="shop.orders", target="shop:77", label="Bloom order sync", items_total=1000, dispatch=False)
    return {"owner": owner, "acme": acme, "bloom": bloom, "run": run}


def advance(run, items: int, *, done: bool = False) -> None:
    """Commit one page of the run's only part, exactly as a worker does."""
    part = SyncRunPart.all_tenants.get(run=run)
    if part.state != SyncState.RUNNING:
        part = sync_part_claim(part=part)
    sync_page_commit(part=part, write_rows=lambda: None, checkpoint={"page": part.seq + 1}, items=items, done=done)


def test_owner_switches_tenant_and_watches_a_sync_progress(agency, browser_page):
    page = browser_page

    # Log in: the overview of the first tenant (by name), with the platform's navigation.
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
    page.fill("#id_username", "olivia")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Acme Agency")
    expect(page.locator(".nav-group-toggle")).to_have_text(["TikTok Shop", "Ads & GMV Max", "Autopilot", "Shopee Live", "Conversions", "Settings"])
    expect(page.locator("#nav-settings a")).to_have_text(
        ["Workspace Reporting currency, time zone, FX rates", "Members", "API keys", "Schedules How often data syncs", "Saved views", "Sync history", "Platform calls Every call to TikTok, Shopee, Google, Meta"]
    )
    assert page.evaluate("() => window.htmx && window.htmx.version") == "2.0.11"

    # Switch tenant with the switcher (changing the select submits it).
    with page.expect_navigation():
        page.select_option("#tenant-switch", label="Bloom Beauty")
    expect(page.locator("h1")).to_have_text("Bloom Beauty")
    expect(page.locator(".messages")).to_have_text("Switched to Bloom Beauty.")
    expect(page.locator("#freshness tbody tr")).to_have_count(1)
    expect(page.locator("#freshness tbody tr td").first).to_have_text("Bloom order sync")
    assert Membership.objects.get(user=agency["owner"], tenant=agency["bloom"]).last_active_at is not None

    # The run's page: its progress bar is polled while it runs and updates in place.
    page.click("text=Bloom order sync")
    run = agency["run"]
    bar = page.locator(f"#sync-run-{run.pk}-progress")
    expect(bar.locator(".progress-items")).to_have_text("0 / 1,000 items")
    page.evaluate("() => { window.__same_page = true }")

    advance(run, 250)
    expect(bar.locator(".progress-items")).to_have_text("250 / 1,000 items")
    expect(bar.locator(".progress-percent")).to_have_text("25%")
    expect(bar.locator("[role=progressbar]")).to_have_attribute("aria-valuenow", "25.0")

    advance(run, 750, done=True)
    expect(bar.locator(".progress-state")).to_have_text("Done")
    expect(bar.locator(".progress-items")).to_have_text("1,000 / 1,000 items")
    expect(bar).not_to_have_attribute("hx-trigger", re.compile(".*"))  # polling stopped
    assert page.evaluate("() => window.__same_page") is True  # swapped by htmx, never reloaded
    assert page.evaluate("() => document.querySelectorAll('.sync-progress').length") == 1
