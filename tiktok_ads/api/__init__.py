"""TikTok Ads api: one module per concern; this package re-exports their public names."""

from tiktok_ads.api.advertisers import (
    TAG,
    AdvertiserViewSet,
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
    "AdvertiserViewSet",
    "DirectionDetailView",
    "DirectionListView",
    "TAG",
    "request_actor",
]
