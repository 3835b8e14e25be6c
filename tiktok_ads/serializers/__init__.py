"""TikTok Ads serializers: one module per concern; this package re-exports their public names."""

from tiktok_ads.serializers.advertisers import (
    AdvertiserSerializer,
    StoreSerializer,
)

__all__ = [
    "AdvertiserSerializer",
    "StoreSerializer",
]
