"""The campaign builder and campaigns pages without a browser: disabled non-video creatives with
the reason, the live budget check, launching from the form, the progress panel and the toggle."""

from __future__ import annotations

from core.models import Role
from tests.tiktok_ads.builder_helpers import builder_setup
from tiktok_ads.models import Campaign, Creative, Launch, MediaType


def test_builder_page_launch_and_campaign_toggle(sandbox, tenant_a, web_client_for, django_capture_on_commit_callbacks):
    account, direction, creatives = builder_setup(tenant_a, sandbox)
    image = Creative.objects.create(tenant=tenant_a, ad_account=account, direction=direction, title="Banner", media_type=MediaType.IMAGE)
    client, _ = web_client_for(tenant_a, Role.ANALYST)

    page = client.get(f"/ads/campaign-builder/?account={account.pk}&direction={direction.pk}")
    html = page.content.decode()
    assert page.status_code == 200
    assert f'id="creative-{image.pk}" disabled' in html and "TikTok runs video creatives only" in html
    assert "At least 20.00 MYR a day." in html

    low = client.get(f"/ads/campaign-builder/budget-check/?account={account.pk}&daily_budget=5")
    assert "at least 20.00 MYR" in low.content.decode() and 'data-budget-ok="0"' in low.content.decode()
    fine = client.get(f"/ads/campaign-builder/budget-check/?account={account.pk}&daily_budget=25")
    assert 'data-budget-ok="1"' in fine.content.decode()

    refused = client.post(
        "/ads/campaign-builder/", {"direction": direction.pk, "creative_ids": [image.pk], "daily_budget": "25", "objective": "traffic"}
    )
    assert refused.status_code == 400 and "is an image" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        launched = client.post(
            "/ads/campaign-builder/",
            {
                "direction": direction.pk,
                "creative_ids": [c.pk for c in creatives],
                "daily_budget": "25",
                "objective": "traffic",
                "idempotency_key": "k1",
            },
        )
    assert launched.status_code == 302
    launch = Launch.objects.for_tenant(tenant_a).get()
    assert launched["Location"].endswith(f"launch={launch.pk}")
    panel = client.get(f"/ads/campaign-builder/launches/{launch.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert '<div id="launch-progress" data-state="succeeded"' in panel and "hx-trigger" not in panel

    campaign = Campaign.objects.for_tenant(tenant_a).get()
    listing = client.get("/ads/campaigns/").content.decode()
    assert campaign.campaign_id in listing and "Pause" in listing
    row = client.post(f"/ads/campaigns/{campaign.pk}/status/", {"status": "DISABLE"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-status="DISABLE"' in row and "Resume" in row
    campaign.refresh_from_db()
    assert campaign.status == "DISABLE"
    viewer, _ = web_client_for(tenant_a, Role.VIEWER, username="viewer")
    assert viewer.post(f"/ads/campaigns/{campaign.pk}/status/", {"status": "ENABLE"}).status_code == 403
