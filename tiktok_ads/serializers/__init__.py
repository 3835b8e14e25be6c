"""TikTok Ads serializers: one module per concern; this package re-exports their public names."""

from tiktok_ads.serializers.advertisers import (
    AdvertiserSerializer,
    StoreSerializer,
)
from tiktok_ads.serializers.leads import (
    LeadFilterSerializer,
)

__all__ = [
    "AdvertiserSerializer",
    "LeadFilterSerializer",
    "StoreSerializer",
]
