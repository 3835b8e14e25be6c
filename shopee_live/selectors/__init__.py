"""Every read a Shopee Live page, API, export or task shows; ``tenant`` first."""

from shopee_live.selectors.accounts import accounts_syncable, tenant_ids_with_accounts
from shopee_live.selectors.overview import live_overview, live_search_hits

__all__ = ["accounts_syncable", "live_overview", "live_search_hits", "tenant_ids_with_accounts"]
