"""TikTok Ads views: one module per concern; this package re-exports their public names."""

from tiktok_ads.views.advertisers import (
    ADVERTISERS,
    ADVERTISERS_PAGE,
    AdvertiserListView,
    ConnectionDisconnectView,
    ConnectionRefreshView,
    ConnectView,
    OAuthCallbackView,
)
from tiktok_ads.views.campaign_builder import (
    BUILDER_PAGE,
    BudgetCheckView,
    CampaignBuilderView,
    CampaignListView,
    CampaignStatusPageView,
    LaunchProgressView,
    LaunchResumePageView,
    campaign_rows,
)

__all__ = [
    "ADVERTISERS",
    "ADVERTISERS_PAGE",
    "AdvertiserListView",
    "BUILDER_PAGE",
    "BudgetCheckView",
    "CampaignBuilderView",
    "CampaignListView",
    "CampaignStatusPageView",
    "ConnectView",
    "ConnectionDisconnectView",
    "ConnectionRefreshView",
    "LaunchProgressView",
    "LaunchResumePageView",
    "OAuthCallbackView",
    "campaign_rows",
]
