"""Writes and workflows of Shopee Live. Every public name is re-exported here, so callers
import from ``shopee_live.services``:

- ``accounts``: studios, connecting accounts through Open Platform OAuth,
  token rotation, the client factories (``open_client``, ``web_client``) and naming an account
  by id or by a stored token;
- ``qr_login``: the Seller Center QR login (start, track, poll, the universal link);
- ``upstream``: on-demand reads and writes through the Seller Center (promotions, items, ads,
  coins, live status, the creator profile and session list);
- ``sync``: the session sync (the 5-minute cycle, the hourly settle, one session on demand);
- ``sessions``: sessions recorded by hand, one session read fresh (or stale with its age);
- ``analytics``: the nightly daily analytics upsert;
- ``imports``: the CSV import of past sessions (preview, then confirm).
"""

from shopee_live.services.accounts import (
    PROVIDER,
    TOKEN_REFRESH_AHEAD,
    account_credentials_renew,
    account_for_access_token,
    account_get,
    account_oauth_complete,
    account_oauth_start,
    account_token_refresh,
    account_tokens_refresh_expiring,
    account_web_session_renew,
    open_client,
    studio_create,
    studio_get,
    studio_rename,
    web_client,
)
from shopee_live.services.analytics import daily_analytics_compute
from shopee_live.services.imports import (
    IMPORT_MAX_BYTES,
    ImportRefused,
    session_import_confirm,
    session_import_counts,
    session_import_preview,
)
from shopee_live.services.qr_login import (
    QR_EXPIRED_MESSAGE,
    QR_LIFETIME,
    qr_login_poll,
    qr_login_start,
    qr_login_track,
    qr_universal_link,
)
from shopee_live.services.sessions import FRESH_FOR, SessionRead, host_link, session_create, session_read, session_sync_requested
from shopee_live.services.sync import (
    KIND_ACTIVE,
    KIND_ENDED,
    account_live_sync,
    ended_cycle_part_run,
    ended_cycle_start,
    live_cycle_part_run,
    live_cycle_start,
    session_settle,
    session_sync,
)
from shopee_live.services.upstream import (
    PromotionsToday,
    ads_data,
    campaign_expense_today,
    coin_giveout,
    coin_reward_info,
    coin_start,
    creator_session_list,
    creator_user_info,
    item_promotion_detail,
    item_promotions,
    money,
    promotion_edit,
    promotions_today,
    roi_label,
    shop_live_status,
    streaming_promotions,
)

__all__ = [
    "IMPORT_MAX_BYTES",
    "ImportRefused",
    "session_import_confirm",
    "session_import_counts",
    "session_import_preview",
    "PROVIDER",
    "PromotionsToday",
    "QR_EXPIRED_MESSAGE",
    "QR_LIFETIME",
    "TOKEN_REFRESH_AHEAD",
    "account_credentials_renew",
    "account_for_access_token",
    "account_get",
    "account_oauth_complete",
    "account_oauth_start",
    "account_token_refresh",
    "account_tokens_refresh_expiring",
    "account_web_session_renew",
    "ads_data",
    "campaign_expense_today",
    "coin_giveout",
    "coin_reward_info",
    "coin_start",
    "creator_session_list",
    "creator_user_info",
    "item_promotion_detail",
    "item_promotions",
    "money",
    "open_client",
    "promotion_edit",
    "promotions_today",
    "qr_login_poll",
    "qr_login_start",
    "qr_login_track",
    "qr_universal_link",
    "roi_label",
    "shop_live_status",
    "streaming_promotions",
    "studio_create",
    "studio_get",
    "studio_rename",
    "web_client",
    "FRESH_FOR",
    "SessionRead",
    "daily_analytics_compute",
    "host_link",
    "session_create",
    "session_read",
    "session_sync_requested",
    "KIND_ACTIVE",
    "KIND_ENDED",
    "account_live_sync",
    "ended_cycle_part_run",
    "ended_cycle_start",
    "live_cycle_part_run",
    "live_cycle_start",
    "session_settle",
    "session_sync",
    "IMPORT_MAX_BYTES",
    "ImportRefused",
    "session_import_confirm",
    "session_import_counts",
    "session_import_preview",
]
