"""TikTok Ads api: one module per concern; this package re-exports their public names."""

from tiktok_ads.api.advertisers import (
    TAG,
    AdvertiserViewSet,
)

__all__ = [
    "AdvertiserViewSet",
    "TAG",
]
