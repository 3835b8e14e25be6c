"""Real Chromium on the GMV Max table, opened with the seed's parameters: expand an account, sort
its campaigns by GMV by clicking the header (only that table is swapped, the account stays open),
expand a LIVE campaign, see "Loading live sessions..." while the worker fetches, then the rooms
(sortable, paged) with their status chips; hide a live-metric column with the column chooser.

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
from gmvmax import selectors, services
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


def _login(page, next_url):
    page.goto(f"/login/?next={next_url}")
    page.fill("#id_username", "ikram")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def test_drill_down_sort_campaigns_and_choose_columns(world, browser_page):
    page = browser_page
    campaign, room = world["campaign"], world["room"]
    account = campaign.advertiser
    start, end = world["start"], world["end"]
    _login(page, f"/gmv-max/?promotion_type=LIVE_GMV_MAX%26startDate={start.isoformat()}%26endDate={end.isoformat()}")
    expect(page.locator("h1")).to_have_text("GMV Max")
    expect(page.locator("#breakdown h2")).to_have_text("Breakdown by Account")
    expect(page.locator("#date-range input[name=range][value=custom]")).to_be_checked()  # the seed's range, as a custom one
    expect(page.locator("#dr-start")).to_have_value(start.isoformat())
    account_row = page.locator(f"#account-{account.pk}")
    expect(account_row.locator(".account-name")).to_have_text("Glow Corner MY Live")
    # No visible "Expand" header; names on one line with the full name in the title.
    expand = page.locator("#accounts-table thead th").first.locator("span")
    assert expand.evaluate("s => s.className + ' ' + Math.round(s.getBoundingClientRect().width)") == "visually-hidden 1"
    assert account_row.locator(".account-name").evaluate("c => getComputedStyle(c).whiteSpace") == "nowrap"

    # Account ▶ → its campaigns, largest cost first.
    with tenant_scope(account.tenant):
        rows = selectors.campaigns_report(account.tenant, start=start, end=end, promotion_type="LIVE_GMV_MAX")
    mine = [row for row in rows if row["advertiser_pk"] == account.pk]
    assert len(mine) > 1
    by_cost = [row["campaign_id"] for row in sorted(mine, key=lambda r: (-r["cost"], r["pk"]))]
    by_gmv = [row["campaign_id"] for row in sorted(mine, key=lambda r: (-r["gmv"], r["pk"]))]
    campaigns = page.locator(f"#account-{account.pk}-campaigns")
    expect(campaigns).to_be_hidden()
    account_row.locator("button.row-toggle").click()
    expect(campaigns).to_be_visible()
    table = page.locator(f"#campaigns-{account.pk}")
    ids = table.locator("tbody tr.campaign-row")
    assert [ids.nth(i).get_attribute("data-campaign-id") for i in range(ids.count())] == by_cost

    # Sort by GMV: the header's link swaps only this table (htmx); the account stays open.
    table.locator("th[data-col=gmv] a.sort").click()
    expect(table.locator("th[data-col=gmv]")).to_have_attribute("aria-sort", "descending")
    table = page.locator(f"#campaigns-{account.pk}")
    ids = table.locator("tbody tr.campaign-row")
    assert [ids.nth(i).get_attribute("data-campaign-id") for i in range(ids.count())] == by_gmv
    expect(campaigns).to_be_visible()
    assert "c_sort" not in page.url  # the page's own URL is untouched

    # Campaign ▶ → "Loading live sessions..." while the worker fetches, then the rooms.
    campaign_row = page.locator(f"#campaign-{campaign.pk}")
    campaign_row.locator("button.row-toggle").click()
    body = page.locator(f"#campaign-{campaign.pk}-rooms-body")
    rooms = page.locator(f"#rooms-{campaign.pk}")
    expect(rooms).to_be_visible(timeout=20_000)
    headers = [text.strip() for text in rooms.locator("thead th:visible").all_inner_texts()]
    assert headers[: len(ROOM_COLUMNS)] == ROOM_COLUMNS
    ongoing = rooms.locator(f"tr.room-row[data-room-id='{room.room_id}']")
    expect(ongoing.locator(".chip")).to_have_text("Live now")
    expect(ongoing.locator("[data-field=launched_time]")).to_have_text(room.launched.strftime("%Y-%m-%d %H:%M:%S"))
    expect(body.locator(".rooms-loading")).to_have_count(0)
    expect(body.locator("figure.chart canvas")).to_have_count(1)

    # The column chooser hides a live metric at every level, the rooms included.
    for th in (page.locator("#accounts-table > thead th[data-col=live_views]"), page.locator(f"#campaigns-{account.pk} > thead th[data-col=live_views]"), rooms.locator("th[data-col=live_views]")):
        expect(th).to_be_visible()
    page.locator("details.column-chooser[data-table=accounts-table] summary").click()
    page.locator("details.column-chooser[data-table=accounts-table] input[data-column=live_views]").uncheck()
    expect(page.locator("#accounts-table > thead th[data-col=live_views]")).to_be_hidden()
    expect(page.locator(f"#campaigns-{account.pk} > thead th[data-col=live_views]")).to_be_hidden()
    expect(rooms.locator("th[data-col=live_views]")).to_be_hidden()
    expect(page.locator("#accounts-table > thead th[data-col=live_follows]")).to_be_visible()
    # Remembered in this browser: still hidden after a reload.
    page.reload()
    expect(page.locator("#accounts-table > thead th[data-col=live_views]")).to_be_hidden()

    # A custom range from the picker goes out under the seed's names.
    page.locator("#date-range summary").click()
    page.locator("#date-range input[name=range][value=custom]").check()
    page.fill("#dr-start", end.isoformat())
    page.fill("#dr-end", end.isoformat())
    page.locator("#date-range button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"startDate={end.isoformat()}&endDate={end.isoformat()}"))
    expect(page.locator("#dr-start")).to_have_value(end.isoformat())
