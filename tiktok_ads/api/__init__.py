"""TikTok Ads api: one module per concern; this package re-exports their public names."""

from tiktok_ads.api.advertisers import (
    TAG,
    AdvertiserViewSet,
)
from tiktok_ads.api.campaign_builder import (
    ERRORS,
    AdvertiserInfoView,
    AutoLaunchView,
    AvailableCreativesView,
    CampaignsView,
    CreateCampaignView,
    LaunchResumeView,
    LaunchView,
    ManualLaunchView,
    PauseCampaignView,
    ReportView,
    ResumeCampaignView,
)
from tiktok_ads.api.creatives import (
    OFFSET_CONTENT_TYPE,
    TUS_HEADERS,
    CreativeViewSet,
    TusMixin,
    VideoUploadCreateView,
    VideoUploadDetailView,
    parse_metadata,
)
from tiktok_ads.api.directions import (
    ActionsView,
    AdAccountDetailView,
    AdAccountListView,
    DirectionDetailView,
    DirectionListView,
    request_actor,
)
from tiktok_ads.api.instant_pages import (
    InstantPagesView,
)

__all__ = [
    "ActionsView",
    "AdAccountDetailView",
    "AdAccountListView",
    "AdvertiserInfoView",
    "AdvertiserViewSet",
    "AutoLaunchView",
    "AvailableCreativesView",
    "CampaignsView",
    "CreateCampaignView",
    "CreativeViewSet",
    "DirectionDetailView",
    "DirectionListView",
    "ERRORS",
    "InstantPagesView",
    "LaunchResumeView",
    "LaunchView",
    "ManualLaunchView",
    "OFFSET_CONTENT_TYPE",
    "PauseCampaignView",
    "ReportView",
    "ResumeCampaignView",
    "TAG",
    "TUS_HEADERS",
    "TusMixin",
    "VideoUploadCreateView",
    "VideoUploadDetailView",
    "parse_metadata",
    "request_actor",
]
