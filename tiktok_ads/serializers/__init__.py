"""TikTok Ads serializers: one module per concern; this package re-exports their public names."""

from tiktok_ads.serializers.advertisers import (
    AdvertiserSerializer,
    StoreSerializer,
)
from tiktok_ads.serializers.directions import (
    ActionRecordSerializer,
    AdAccountChangeSerializer,
    AdAccountSerializer,
    DirectionSerializer,
)

__all__ = [
    "ActionRecordSerializer",
    "AdAccountChangeSerializer",
    "AdAccountSerializer",
    "AdvertiserSerializer",
    "DirectionSerializer",
    "StoreSerializer",
]
