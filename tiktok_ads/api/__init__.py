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

__all__ = [
    "AdvertiserInfoView",
    "AdvertiserViewSet",
    "AutoLaunchView",
    "AvailableCreativesView",
    "CampaignsView",
    "CreateCampaignView",
    "ERRORS",
    "LaunchResumeView",
    "LaunchView",
    "ManualLaunchView",
    "PauseCampaignView",
    "ReportView",
    "ResumeCampaignView",
    "TAG",
]
