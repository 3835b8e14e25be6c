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
from tiktok_ads.api.directions import (
    ActionsView,
    AdAccountDetailView,
    AdAccountListView,
    DirectionDetailView,
    DirectionListView,
    request_actor,
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
    "DirectionDetailView",
    "DirectionListView",
    "ERRORS",
    "LaunchResumeView",
    "LaunchView",
    "ManualLaunchView",
    "PauseCampaignView",
    "ReportView",
    "ResumeCampaignView",
    "TAG",
    "request_actor",
]
