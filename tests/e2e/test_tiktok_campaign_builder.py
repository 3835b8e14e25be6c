"""Real Chromium: the campaign builder (non-video creatives disabled with the reason, the budget
checked live against the currency's minimum, a launch whose steps complete in the progress
panel) and the campaigns page's pause/resume toggle. Screenshots at 1440 and 390 px."""

import os
from pathlib import Path

import pytest

from core.services import tenant_create
from sandbox.models import BusinessObject
from tests.conftest import make_user
from tests.tiktok_ads.helpers import connect_business
from tiktok_ads.models import AdAccount, Advertiser, Campaign, Creative, Direction, MediaType, Platform

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements-dev.txt)").expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-word-123"
ROOT = Path(__file__).resolve().parents[2]


def shots_dir() -> Path:
    path = Path(os.environ.get("E2E_ARTIFACTS_DIR") or ROOT / "artifacts") / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def builder(transactional_db, sandbox_live, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    user = make_user("amir", password=PASSWORD)
    tenant = tenant_create(name="Glow Ads", slug="glow-ads", owner=user, time_zone="Asia/Kuala_Lumpur")
    connect_business(tenant)
    advertiser = Advertiser.objects.for_tenant(tenant).get(name="Glow Corner MY")
    account = AdAccount.objects.create(tenant=tenant, name="Glow Corner client", advertiser=advertiser)
    direction = Direction.objects.create(
        tenant=tenant,
        ad_account=account,
        name="Trial lessons",
        platform=Platform.TIKTOK,
        tiktok_objective="traffic",
        tiktok_daily_budget="30",
        default_settings={"landing_page_url": "https://shop.example.com/trial"},
    )
    for n in (1, 2):
        # Videos already on TikTok (the sandbox holds them), so the launch reuses their ids.
        BusinessObject.objects.create(kind="video", advertiser_id=advertiser.advertiser_id, object_id=f"v_e2e_{n}", name=f"clip-{n}.mp4")
        Creative.objects.create(
            tenant=tenant,
            ad_account=account,
            direction=direction,
            title=f"Clip {n}",
            media_type=MediaType.VIDEO,
            tiktok_video_id=f"v_e2e_{n}",
            ad_text="Try a lesson",
        )
    image = Creative.objects.create(tenant=tenant, ad_account=account, direction=direction, title="Banner", media_type=MediaType.IMAGE)
    return tenant, account, direction, image


def test_launch_from_the_builder_and_toggle_the_campaign(builder, browser_page):
    tenant, account, direction, image = builder
    page = browser_page
    page.goto("/login/")
    page.fill("#id_username", "amir")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")

    page.goto(f"/ads/campaign-builder/?account={account.pk}&direction={direction.pk}")
    expect(page.locator("h1")).to_have_text("Campaign builder")
    expect(page.locator(f"#creative-{image.pk}")).to_be_disabled()
    expect(page.locator(f"#creative-{image.pk}-why")).to_contain_text("TikTok runs video creatives only")

    page.fill("#b-budget", "5")
    expect(page.locator("#budget-check")).to_contain_text("at least 20.00 MYR")
    page.fill("#b-budget", "25")
    expect(page.locator("#budget-check")).to_contain_text("25.00 MYR a day (minimum 20.00 MYR)")
    for creative in Creative.objects.for_tenant(tenant).filter(media_type=MediaType.VIDEO):
        page.check(f"#creative-{creative.pk}")
    for width, height in ((1440, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=shots_dir() / f"tiktok-campaign-builder-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.click("#launch-button")

    progress = page.locator("#launch-progress")
    expect(progress).to_have_attribute("data-state", "succeeded")
    expect(progress.locator("li[data-state=succeeded]")).to_have_count(3)
    expect(progress.locator("li[data-step='create_ads:1']")).to_contain_text("2 ads")
    for width, height in ((1440, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=shots_dir() / f"tiktok-launch-progress-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    campaign = Campaign.objects.for_tenant(tenant).get()
    page.click("text=See the campaigns")
    row = page.locator(f"#campaign-{campaign.pk}")
    expect(row).to_have_attribute("data-status", "ENABLE")
    row.locator("button[data-action=toggle]").click()
    row = page.locator(f"#campaign-{campaign.pk}")
    expect(row).to_have_attribute("data-status", "DISABLE")
    expect(row.locator("button[data-action=toggle]")).to_have_text("Resume")
    campaign.refresh_from_db()
    assert campaign.status == "DISABLE"
    for width, height in ((1440, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=shots_dir() / f"tiktok-campaigns-{width}.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= max(width, page.evaluate("window.innerWidth")) + 1
    page.locator(f"#campaign-{campaign.pk} button[data-action=toggle]").click()
    expect(page.locator(f"#campaign-{campaign.pk}")).to_have_attribute("data-status", "ENABLE")
