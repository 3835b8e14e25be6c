"""TikTok Ads api: one module per concern; this package re-exports their public names."""

from tiktok_ads.api.advertisers import (
    TAG,
    AdvertiserViewSet,
)
from tiktok_ads.api.campaign_builder import (
    ERRORS,
    ManualLaunchView,
    AutoLaunchView,
    CreateCampaignView,
    LaunchView,
    LaunchResumeView,
    CampaignsView,
    PauseCampaignView,
    ResumeCampaignView,
    ReportView,
    AvailableCreativesView,
    AdvertiserInfoView,
)
from tiktok_ads.api.creatives import (
    TUS_HEADERS,
    OFFSET_CONTENT_TYPE,
    CreativeViewSet,
    parse_metadata,
    TusMixin,
    VideoUploadCreateView,
    VideoUploadDetailView,
)
from tiktok_ads.api.directions import (
    request_actor,
    DirectionListView,
    DirectionDetailView,
    AdAccountListView,
    AdAccountDetailView,
    ActionsView,
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
