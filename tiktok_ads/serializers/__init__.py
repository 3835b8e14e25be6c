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
from tiktok_ads.serializers.creatives import (
    CreativeSerializer,
    VideoUploadSerializer,
)
from tiktok_ads.serializers.directions import (
    ActionRecordSerializer,
    AdAccountChangeSerializer,
    AdAccountSerializer,
    DirectionSerializer,
)
from tiktok_ads.serializers.leads import (
    LeadFilterSerializer,
)

__all__ = [
    "ActionRecordSerializer",
    "AdAccountChangeSerializer",
    "AdAccountSerializer",
    "AdvertiserSerializer",
    "AutoLaunchSerializer",
    "CampaignStatusSerializer",
    "CreateCampaignSerializer",
    "CreativeSerializer",
    "DirectionSerializer",
    "LeadFilterSerializer",
    "ManualLaunchSerializer",
    "StoreSerializer",
    "VideoUploadSerializer",
    "campaign_row",
    "creative_row",
    "launch_body",
    "validated",
]
