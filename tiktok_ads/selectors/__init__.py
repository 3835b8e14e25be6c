"""TikTok Ads selectors: one module per concern; this package re-exports their public names."""

from tiktok_ads.selectors.advertisers import (
    UnknownShopNumber,
    advertiser_get,
    advertiser_ids_by_pk,
    advertiser_stores,
    advertisers_for_tenant,
    advertisers_listed,
    advertisers_report_rows,
    connection_get,
    connections_for_tenant,
    connections_with_advertisers,
    gmvmax_advertiser_rows,
    gmvmax_stores,
    has_active_advertiser,
    shop_numbers,
    tenant_ids_with_active_advertisers,
)

__all__ = [
    "UnknownShopNumber",
    "advertiser_get",
    "advertiser_ids_by_pk",
    "advertiser_stores",
    "advertisers_for_tenant",
    "advertisers_listed",
    "advertisers_report_rows",
    "connection_get",
    "connections_for_tenant",
    "connections_with_advertisers",
    "gmvmax_advertiser_rows",
    "gmvmax_stores",
    "has_active_advertiser",
    "shop_numbers",
    "tenant_ids_with_active_advertisers",
]
