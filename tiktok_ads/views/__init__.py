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
from tiktok_ads.views.creatives import (
    CREATIVES,
    CreativeListView,
)

__all__ = [
    "ADVERTISERS",
    "ADVERTISERS_PAGE",
    "AdvertiserListView",
    "CREATIVES",
    "ConnectView",
    "ConnectionDisconnectView",
    "ConnectionRefreshView",
    "CreativeListView",
    "OAuthCallbackView",
]
