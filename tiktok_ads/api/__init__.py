"""TikTok Ads api: one module per concern; this package re-exports their public names."""

from tiktok_ads.api.advertisers import (
    TAG,
    AdvertiserViewSet,
)
from tiktok_ads.api.instant_pages import (
    InstantPagesView,
)

__all__ = [
    "AdvertiserViewSet",
    "InstantPagesView",
    "TAG",
]
