"""TikTok Ads api: one module per concern; this package re-exports their public names."""

from tiktok_ads.api.advertisers import (
    TAG,
    AdvertiserViewSet,
)
from tiktok_ads.api.creatives import (
    OFFSET_CONTENT_TYPE,
    TUS_HEADERS,
    CreativeViewSet,
    TusMixin,
    VideoUploadCreateView,
    VideoUploadDetailView,
    parse_metadata,
)

__all__ = [
    "AdvertiserViewSet",
    "CreativeViewSet",
    "OFFSET_CONTENT_TYPE",
    "TAG",
    "TUS_HEADERS",
    "TusMixin",
    "VideoUploadCreateView",
    "VideoUploadDetailView",
    "parse_metadata",
]
