"""Real Chromium on the GMV Max table: pick LIVE GMV MAX and a range, expand an account, expand
a LIVE campaign, see "Loading live sessions..." while the worker fetches, then the rooms with the
seed's columns and ONGOING (green) / END (gray) badges; the live-metrics toggle; "Yesterday"
clears the expansions.

The sandbox clock is frozen ten minutes after a room of the demo's "Glow Corner MY Live" account
was launched yesterday, so that room is ONGOING."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from core.services import tenant_create
from core.tenancy import tenant_scope
from gmvmax import services
from gmvmax.models import GmvMaxCampaign
from sandbox.emulators.tiktok_business import data
from tests.conftest import make_user
from tests.tiktok_ads.helpers import connect_business
from tiktok_ads.models import Advertiser

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements-dev.txt)").expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-word-123"
ZONE = ZoneInfo("Asia/Kuala_Lumpur")
ROOM_COLUMNS = ["Live Name", "Room ID", "Launched Time", "Status", "Duration", "Cost", "GMV", "Orders", "ROI"]


def _ongoing_room_yesterday():
    """(campaign id, room, clock) for the first room launched yesterday with a launched time."""
    fixture = data.fixture_get("demo")
    advertiser = next(a for a in fixture.advertisers if a.name == "Glow Corner MY Live")
    context = data.Context(fixture, advertiser)
    yesterday = context.today - timedelta(days=1)
    for campaign in advertiser.campaigns:
        for room in context.rooms_launched(campaign, yesterday):
            if not room.has_launched_time:
                continue
            clock = int((room.launched + timedelta(minutes=10)).replace(tzinfo=ZONE).timestamp())
            # What the platform says at that clock: the room is there, and live.
            rows = data.rooms_for("demo", advertiser.advertiser_id, campaign.campaign_id, yesterday, yesterday, now=clock)
            if any(r["dimensions"]["room_id"] == room.room_id and r["metrics"]["live_status"] == "ONGOING" for r in rows):
                return campaign.campaign_id, room, clock
    raise AssertionError("the demo fixture has no room launched yesterday")


@pytest.fixture
def world(transactional_db, sandbox_live, settings):
    user = make_user("ikram", password=PASSWORD)
    tenant = tenant_create(name="Glow Agency", slug="glow", owner=user, time_zone="Asia/Kuala_Lumpur")
    campaign_id, room, clock = _ongoing_room_yesterday()
    sandbox_live.set_options("tiktok-business", clock_frozen_at=clock)
    connect_business(tenant, fixture="demo")
    yesterday = timezone.now().astimezone(ZONE).date() - timedelta(days=1)
    start = yesterday - timedelta(days=6)
    with tenant_scope(tenant):
        for advertiser in Advertiser.objects.for_tenant(tenant):
            services.campaign_stats_sync(advertiser=advertiser, start=start, end=yesterday)
        campaign = GmvMaxCampaign.objects.for_tenant(tenant).select_related("advertiser").get(campaign_id=campaign_id)
    return {"campaign": campaign, "room": room, "start": start, "end": yesterday}


def test_drill_down_to_live_sessions_and_yesterday_clears_expansions(world, browser_page):
    page = browser_page
    campaign, room = world["campaign"], world["room"]
    account = campaign.advertiser
    page.goto("/login/?next=/gmv-max/")
    page.fill("#id_username", "ikram")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("GMV Max")

    # LIVE GMV MAX over the last week, fetched.
    page.select_option("#f-metric", "LIVE_GMV_MAX")
    page.fill("#f-start", world["start"].isoformat())
    page.fill("#f-end", world["end"].isoformat())
    page.click("#btn-fetch")
    expect(page.locator("#breakdown h2")).to_have_text("Breakdown by Account")
    account_row = page.locator(f"#account-{account.pk}")
    expect(account_row.locator(".account-name")).to_contain_text("Glow Corner MY Live")

    # Account ▶ → its campaigns.
    campaigns = page.locator(f"#account-{account.pk}-campaigns")
    expect(campaigns).to_be_hidden()
    account_row.locator("button.row-toggle").click()
    expect(campaigns).to_be_visible()
    expect(account_row.locator("button.row-toggle")).to_have_text("▼")
    campaign_row = page.locator(f"#campaign-{campaign.pk}")
    expect(campaign_row).to_contain_text(campaign.campaign_id)

    # Campaign ▶ → "Loading live sessions..." while the worker fetches, then the rooms.
    campaign_row.locator("button.row-toggle").click()
    body = page.locator(f"#campaign-{campaign.pk}-rooms-body")
    expect(body.locator(".rooms-loading")).to_have_text("Loading live sessions...")
    rooms = page.locator(f"#rooms-{campaign.pk}")
    expect(rooms).to_be_visible(timeout=20_000)
    headers = rooms.locator("thead th:visible").all_inner_texts()
    assert headers == ROOM_COLUMNS
    ongoing = rooms.locator(f"tr.room-row[data-room-id='{room.room_id}']")
    expect(ongoing.locator(".badge")).to_have_text("ONGOING")
    expect(ongoing.locator("[data-field=launched_time]")).to_have_text(room.launched.strftime("%Y-%m-%d %H:%M:%S"))
    assert ongoing.locator(".badge").evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(220, 250, 230)"  # green
    ended = rooms.locator(".badge.live-end").first
    expect(ended).to_have_text("END")
    assert ended.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(234, 236, 240)"  # gray
    expect(body.locator(".rooms-loading")).to_have_count(0)

    # The live metrics are behind a toggle.
    expect(rooms.locator("th.extra").first).to_be_hidden()
    page.check("#toggle-extra")
    expect(rooms.locator("th.extra").first).to_be_visible()
    expect(rooms.locator("th.extra")).to_have_text(["Live views", "10-second views", "Follows", "Cost per view"])

    # Yesterday: a new range, every expansion cleared.
    page.click("#btn-yesterday")
    expect(page).to_have_url(re.compile(rf"startDate={world['end'].isoformat()}&endDate={world['end'].isoformat()}"))
    expect(page.locator("#f-start")).to_have_value(world["end"].isoformat())
    expect(page.locator("[data-expand][aria-expanded=true]")).to_have_count(0)
    expect(page.locator(f"#account-{account.pk}-campaigns")).to_be_hidden()
    expect(page.locator(f"#campaign-{campaign.pk}-rooms")).to_be_hidden()
    expect(page.locator(f"#account-{account.pk} button.row-toggle")).to_have_text("▶")
