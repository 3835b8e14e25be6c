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

__all__ = [
    "ADVERTISERS",
    "ADVERTISERS_PAGE",
    "AdvertiserListView",
    "ConnectView",
    "ConnectionDisconnectView",
    "ConnectionRefreshView",
    "OAuthCallbackView",
]
