"""The product's wire client (``tiktok_ads.client.BusinessApiClient``, management calls) against
the sandbox: a lead-generation campaign, ad group and ad made the way the launch flow makes them,
read back, paused, and reported; refusals surface as BadRequest with the platform's message."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from core.http import BadRequest
from sandbox.emulators.tiktok_business.auction_report import ad_day
from sandbox.models import BusinessObject
from tests.tiktok_ads.helpers import connect_business
from tiktok_ads.client import BusinessApiClient
from tiktok_ads.models import Advertiser, AdvertiserStore

EMULATOR = "tiktok-business"
NOW = int(datetime(2026, 11, 18, 12, 0, tzinfo=ZoneInfo("Asia/Kuala_Lumpur")).timestamp())
TODAY = date(2026, 11, 18)


@pytest.fixture
def advertiser(sandbox, tenant_a):
    sandbox.set_options(EMULATOR, clock_frozen_at=NOW)
    connect_business(tenant_a)
    return Advertiser.objects.for_tenant(tenant_a).select_related("connection").get(name="Glow Corner MY")


def lead_campaign(client, advertiser_id: str) -> tuple[str, str]:
    campaign = client.campaign_create(
        advertiser_id,
        request_id="launch-1-campaign",
        campaign_name="Leads MY",
        objective_type="LEAD_GENERATION",
        budget_mode="BUDGET_MODE_INFINITE",
    )
    adgroup = client.adgroup_create(
        advertiser_id,
        request_id="launch-1-adgroup",
        campaign_id=campaign["campaign_id"],
        adgroup_name="Form A",
        promotion_type="LEAD_GENERATION",
        promotion_target_type="INSTANT_PAGE",
        placement_type="PLACEMENT_TYPE_NORMAL",
        placements=["PLACEMENT_TIKTOK"],
        location_ids=["1733045"],
        budget_mode="BUDGET_MODE_DAY",
        budget=25,
        schedule_type="SCHEDULE_FROM_NOW",
        schedule_start_time="2026-11-18 04:00:00",
        optimization_goal="LEAD_GENERATION",
        billing_event="OCPM",
        pacing="PACING_MODE_SMOOTH",
    )
    return campaign["campaign_id"], adgroup["adgroup_id"]


def test_campaign_adgroup_and_ad_through_the_product_client(advertiser):
    client = BusinessApiClient.for_advertiser(advertiser)
    advertiser_id = advertiser.advertiser_id
    BusinessObject.objects.create(kind="video", advertiser_id=advertiser_id, object_id="v10033g50000clientclip")
    campaign_id, adgroup_id = lead_campaign(client, advertiser_id)
    identity = client.identities(advertiser_id, "CUSTOMIZED_USER")[0]
    form = client.instant_pages(advertiser_id, status="PUBLISHED")[0]

    ad_ids = client.ad_create(
        advertiser_id,
        adgroup_id,
        [
            {
                "ad_name": "Trial lesson",
                "ad_format": "SINGLE_VIDEO",
                "identity_type": "CUSTOMIZED_USER",
                "identity_id": identity["identity_id"],
                "video_id": "v10033g50000clientclip",
                "ad_text": "Book a free trial lesson",
                "call_to_action": "SIGN_UP",
                "page_id": form["page_id"],
            }
        ],
        request_id="launch-1-ads",
    )

    assert len(ad_ids) == 1
    (row,) = client.ads(advertiser_id, filtering={"adgroup_ids": [adgroup_id]})
    assert row["ad_id"] == ad_ids[0] and row["page_id"] == form["page_id"] and isinstance(row["page_id"], int)
    assert [c["campaign_id"] for c in client.campaigns(advertiser_id)] == [campaign_id]
    # A retried create with the same request_id makes nothing new.
    assert lead_campaign(client, advertiser_id) == (campaign_id, adgroup_id)
    assert BusinessObject.objects.filter(kind__in=("campaign", "adgroup")).count() == 2
    (report_rows,) = client.auction_report_pages(
        advertiser_id=advertiser_id,
        data_level="AUCTION_AD",
        dimensions=["ad_id", "stat_time_day"],
        metrics=["spend", "impressions", "onsite_form"],
        start_date=TODAY,
        end_date=TODAY,
    )
    expected = ad_day(ad_ids[0], TODAY)
    assert report_rows == [
        {
            "dimensions": {"ad_id": ad_ids[0], "stat_time_day": "2026-11-18 00:00:00"},
            "metrics": {name: expected[name] for name in ("spend", "impressions", "onsite_form")},
        }
    ]
    (answer,) = client.ad_status_update(advertiser_id, ad_ids, "DISABLE")
    assert answer == {"ad_ids": ad_ids, "status": "DISABLE"}


def test_refusals_are_bad_requests_with_the_platform_message(advertiser):
    client = BusinessApiClient.for_advertiser(advertiser)
    campaign_id, adgroup_id = lead_campaign(client, advertiser.advertiser_id)

    with pytest.raises(BadRequest, match=r"budget: Budget must be at least 20\.00 MYR\."):
        client.adgroup_budget_update(advertiser.advertiser_id, {adgroup_id: 10})
    with pytest.raises(BadRequest, match="does not exist"):
        client.ad_create(
            advertiser.advertiser_id,
            adgroup_id,
            [{"ad_format": "SINGLE_VIDEO", "video_id": "v10033g5nope", "ad_text": "x"}],
            request_id="r",
        )
    client.campaign_status_update(advertiser.advertiser_id, [campaign_id], "DELETE")
    with pytest.raises(BadRequest, match="is deleted"):
        client.campaign_status_update(advertiser.advertiser_id, [campaign_id], "ENABLE")


def test_a_tenant_connects_the_leads_fixture(sandbox, tenant_b):
    connect_business(tenant_b, fixture="leads")

    advertisers = Advertiser.objects.for_tenant(tenant_b).order_by("name")
    assert [(a.name, a.currency) for a in advertisers] == [("Almaty English School", "KZT"), ("Astana Dental Clinic", "KZT")]
    assert not AdvertiserStore.objects.for_tenant(tenant_b).exists()
