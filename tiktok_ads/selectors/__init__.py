"""TikTok Ads selectors: one module per concern; this package re-exports their public names."""

from tiktok_ads.selectors.actions import (
    action_names_used,
    action_record_get,
    actions_list,
)
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
from tiktok_ads.selectors.directions import (
    ad_account_currency,
    ad_account_get,
    ad_accounts_for_tenant,
    direction_get,
    directions_list,
    tiktok_ui_enabled,
)

__all__ = [
    "UnknownShopNumber",
    "action_names_used",
    "action_record_get",
    "actions_list",
    "ad_account_currency",
    "ad_account_get",
    "ad_accounts_for_tenant",
    "advertiser_get",
    "advertiser_ids_by_pk",
    "advertiser_stores",
    "advertisers_for_tenant",
    "advertisers_listed",
    "advertisers_report_rows",
    "connection_get",
    "connections_for_tenant",
    "connections_with_advertisers",
    "direction_get",
    "directions_list",
    "gmvmax_advertiser_rows",
    "gmvmax_stores",
    "has_active_advertiser",
    "shop_numbers",
    "tenant_ids_with_active_advertisers",
    "tiktok_ui_enabled",
]
