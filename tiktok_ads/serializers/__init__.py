"""TikTok Ads serializers: one module per concern; this package re-exports their public names."""

from tiktok_ads.serializers.advertisers import (
    AdvertiserSerializer,
    StoreSerializer,
)
from tiktok_ads.serializers.creatives import (
    CreativeSerializer,
    VideoUploadSerializer,
)

__all__ = [
    "AdvertiserSerializer",
    "CreativeSerializer",
    "StoreSerializer",
    "VideoUploadSerializer",
]
