"""TikTok Ads serializers: one module per concern; this package re-exports their public names."""

from tiktok_ads.serializers.advertisers import (
    AdvertiserSerializer,
    StoreSerializer,
)
from tiktok_ads.serializers.campaign_builder import (
    AutoLaunchSerializer,
    CampaignStatusSerializer,
    CreateCampaignSerializer,
    ManualLaunchSerializer,
    campaign_row,
    creative_row,
    launch_body,
    validated,
)

__all__ = [
    "AdvertiserSerializer",
    "AutoLaunchSerializer",
    "CampaignStatusSerializer",
    "CreateCampaignSerializer",
    "ManualLaunchSerializer",
    "StoreSerializer",
    "campaign_row",
    "creative_row",
    "launch_body",
    "validated",
]
