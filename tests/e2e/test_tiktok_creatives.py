"""Real Chromium: upload a small generated video through the Creatives page, watch the progress
bar reach 100% and the creative become Ready with its TikTok video id (sandbox)."""

import os

import pytest

from core.services import tenant_create
from core.tenancy import tenant_scope
from tests.conftest import make_user
from tests.tiktok_ads.helpers import connect_business
from tiktok_ads.models import AdAccount, Creative

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements-dev.txt)").expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-word-123"


@pytest.fixture
def tenant(transactional_db, sandbox_live, settings, tmp_path):
    settings.VIDEO_UPLOAD_DIR = str(tmp_path / "uploads")
    user = make_user("dana", password=PASSWORD)
    tenant = tenant_create(name="Glow Ads", slug="glow-ads", owner=user, time_zone="Asia/Almaty")
    with tenant_scope(tenant):
        connection = connect_business(tenant, fixture="demo")
        AdAccount.objects.create(tenant=tenant, name="Glow main", advertiser=connection.advertisers.order_by("pk").first())
    return tenant


def test_upload_video_through_the_page(tenant, browser_page, video_with_audio):
    page = browser_page
    page.goto("/login/?next=/ads/creatives/")
    page.fill("#id_username", "dana")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Creatives")
    expect(page.locator("#empty-no-creative")).to_be_visible()

    page.fill("#upload-title", "Spring promo")
    page.set_input_files("#upload-file", str(video_with_audio))
    page.click("#upload-start")

    expect(page.locator("#upload-progress")).to_have_attribute("value", "100")
    row = page.locator("table.creatives tbody tr", has_text="Spring promo")
    expect(row.locator(".creative-status")).to_have_text("Ready", timeout=20_000)
    creative = Creative.all_tenants.get(tenant=tenant)
    assert creative.tiktok_video_id and creative.file_size == video_with_audio.stat().st_size
    expect(row).to_contain_text(creative.tiktok_video_id)
    expect(row.locator(".transcription-status")).to_have_text("Transcribed")

    out = os.environ.get("E2E_ARTIFACTS_DIR")
    if out:
        for width, height in ((1440, 900), (390, 844)):
            page.set_viewport_size({"width": width, "height": height})
            page.screenshot(path=f"{out}/screenshots/creatives-{width}.png", full_page=True)
