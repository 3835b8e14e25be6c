"""TikTok Ads services: one module per concern; this package re-exports their public names."""

from tiktok_ads.services.advertisers import (
    PROVIDER,
    advertiser_business_client,
    advertisers_refresh,
    business_oauth_complete,
    business_oauth_start,
    connection_disconnect,
)

__all__ = [
    "PROVIDER",
    "advertiser_business_client",
    "advertisers_refresh",
    "business_oauth_complete",
    "business_oauth_start",
    "connection_disconnect",
]
