"""An ad account on a sandbox advertiser with a TikTok direction and video creatives whose files
the sandbox fetches by URL (the campaign builder's tests and pages)."""

from __future__ import annotations

import responses

from tests.fixtures.media import mp4_bytes
from tests.tiktok_ads.helpers import connect_business
from tiktok_ads.models import AdAccount, AdGroupMode, Advertiser, Creative, Direction, MediaType, Platform

VIDEO_URL = "https://cdn.example.com/videos/{n}.mp4"


def builder_setup(
    tenant, sandbox, *, advertiser_name: str = "Glow Corner MY", mode: str = AdGroupMode.CREATE_NEW, videos: int = 2, **direction_fields
):
    connect_business(tenant)
    advertiser = Advertiser.objects.for_tenant(tenant).get(name=advertiser_name)
    account = AdAccount.objects.create(tenant=tenant, name=f"{advertiser_name} client", advertiser=advertiser)
    fields = {
        "tiktok_objective": "traffic",
        "tiktok_daily_budget": "50.00",
        "default_settings": {"landing_page_url": "https://shop.example.com/trial"},
        **direction_fields,
    }
    direction = Direction.objects.create(
        tenant=tenant, ad_account=account, name="Trial lessons", platform=Platform.TIKTOK, tiktok_adgroup_mode=mode, **fields
    )
    creatives = [video_creative(tenant, account, direction, n, sandbox) for n in range(1, videos + 1)]
    return account, direction, creatives


def video_creative(tenant, account, direction, n: int, sandbox) -> Creative:
    url = VIDEO_URL.format(n=n)
    sandbox.mock.add(responses.GET, url, body=mp4_bytes(payload=1024 + n), content_type="video/mp4")
    return Creative.objects.create(
        tenant=tenant,
        ad_account=account,
        direction=direction,
        title=f"Video {n}",
        media_type=MediaType.VIDEO,
        media_url=url,
        ad_text=f"Try lesson {n}",
    )
