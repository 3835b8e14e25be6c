"""Every read a Shopee Live page, API, export or task shows; ``tenant`` first.

- ``accounts``: the accounts the sync reads;
- ``overview``: the home page's figures and the global search;
- ``studios``: studios and accounts (without their credentials), tenant-scoped lookups;
- ``sessions``: the session list, one session with its items and minutes, live now, history;
- ``analytics``: daily figures and the rolling summary, aggregated in SQL;
- ``pages``: what the analyst pages add: live cards with sync freshness, one session by id with
  its KPIs, history totals and export rows per currency, analytics per currency from the stored
  days;
- ``account_pages``: the Accounts page (studios with their accounts, masked credentials, QR logins).
"""

from shopee_live.selectors.account_pages import (
    AccountRow,
    Credential,
    StudioAccounts,
    account_row,
    qr_login_for_page,
    studios_with_accounts,
)
from shopee_live.selectors.accounts import accounts_syncable, tenant_ids_with_accounts
from shopee_live.selectors.analytics import (
    ANALYTICS_MAX_DAYS,
    LIVE_DAYS,
    AnalyticsDay,
    AnalyticsSummary,
    LiveFigures,
    analytics_daily,
    analytics_summary,
    live_days_start,
    region_today,
)
from shopee_live.selectors.overview import live_overview, live_search_hits
from shopee_live.selectors.pages import (
    SESSION_EXPORT_COLUMNS,
    AccountFreshness,
    DailySeries,
    LiveCard,
    SessionKpis,
    account_freshness,
    accounts_freshness,
    analytics_by_account,
    analytics_daily_series,
    analytics_totals,
    hosts_for_tenant,
    live_cards,
    percent_of,
    session_for_page,
    session_kpis,
    sessions_export_rows,
    sessions_totals,
    summary_span,
    totals_per_currency,
)
from shopee_live.selectors.sessions import (
    SESSION_LIST_LIMIT,
    SESSION_LIST_MAX,
    local_day_bounds,
    region_day_bounds,
    session_get,
    session_history,
    session_items,
    session_list,
    session_local_day,
    session_minutes,
    session_moment,
    sessions_ongoing,
)
from shopee_live.selectors.studios import (
    ACCOUNT_SECRETS,
    account_for_tenant,
    accounts_for_tenant,
    qr_login_get,
    studio_get,
    studios_for_tenant,
)

__all__ = [
    "AccountRow",
    "Credential",
    "StudioAccounts",
    "account_row",
    "qr_login_for_page",
    "studios_with_accounts",
    "accounts_syncable",
    "live_overview",
    "live_search_hits",
    "tenant_ids_with_accounts",
    "ACCOUNT_SECRETS",
    "ANALYTICS_MAX_DAYS",
    "SESSION_LIST_LIMIT",
    "SESSION_LIST_MAX",
    "AnalyticsDay",
    "AnalyticsSummary",
    "LIVE_DAYS",
    "LiveFigures",
    "account_for_tenant",
    "accounts_for_tenant",
    "analytics_daily",
    "analytics_summary",
    "live_days_start",
    "local_day_bounds",
    "qr_login_get",
    "region_day_bounds",
    "region_today",
    "session_get",
    "session_history",
    "session_items",
    "session_list",
    "session_local_day",
    "session_minutes",
    "session_moment",
    "sessions_ongoing",
    "studio_get",
    "studios_for_tenant",
    "SESSION_EXPORT_COLUMNS",
    "AccountFreshness",
    "DailySeries",
    "LiveCard",
    "SessionKpis",
    "account_freshness",
    "accounts_freshness",
    "analytics_by_account",
    "analytics_daily_series",
    "analytics_totals",
    "hosts_for_tenant",
    "live_cards",
    "percent_of",
    "session_for_page",
    "session_kpis",
    "sessions_export_rows",
    "sessions_totals",
    "summary_span",
    "totals_per_currency",
]
