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
from tiktok_ads.views.leads import (
    LEADS,
    LEADS_PAGE,
    LeadExportView,
    LeadListView,
    LeadSubscribeView,
)

__all__ = [
    "ADVERTISERS",
    "ADVERTISERS_PAGE",
    "AdvertiserListView",
    "ConnectView",
    "ConnectionDisconnectView",
    "ConnectionRefreshView",
    "LEADS",
    "LEADS_PAGE",
    "LeadExportView",
    "LeadListView",
    "LeadSubscribeView",
    "OAuthCallbackView",
]
