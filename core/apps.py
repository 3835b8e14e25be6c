from core.registry import BeatEntry, NavEntry, PlatformAppConfig


class CoreConfig(PlatformAppConfig):
    default = True  # apps.py also imports the base class
    name = "core"
    verbose_name = "Platform"
    nav = (
        NavEntry("Workspace", "tenant-settings", "admin", hint="Reporting currency, time zone, FX rates"),
        NavEntry("Members", "member-list", "owner"),
        NavEntry("API keys", "api-key-list", "admin"),
        NavEntry("Schedules", "schedule-list", hint="How often data syncs"),
        NavEntry("Saved views", "saved-view-list"),
        NavEntry("Sync history", "sync-run-list"),
        NavEntry("Platform calls", "api-call-list", hint="Every call to TikTok, Shopee, Google, Meta"),
    )
    labels = {
        "sync_state": {"pending": "Queued", "running": "Running", "succeeded": "Done", "failed": "Failed", "cancelled": "Cancelled"},
        # ApiCallLog.outcome (core.http.errors): what happened to a call, after retries.
        "call_outcome": {
            "ok": "OK",
            "error": "Error",
            "bad_request": "Refused by the platform",
            "misconfigured": "Set-up problem",
            "auth_expired": "Sign-in expired",
            "rate_limited": "Rate limited",
            "upstream_5xx": "Platform error",
            "unavailable": "Platform unavailable",
            "malformed": "Unreadable answer",
            "circuit_open": "Paused (breaker open)",
            "timeout": "Timed out",
            "server_error": "Platform error",
        },
        "provider": {
            "tiktok_shop": "TikTok Shop",
            "tiktok_shop_auth": "TikTok Shop sign-in",
            "tiktok_business": "TikTok Business API",
            "tiktok_events": "TikTok Events API",
            "google_ads": "Google Ads",
            "meta_capi": "Meta Conversions API",
            "shopee": "Shopee",
            "telegram": "Telegram",
            "booking": "Booking system",
        },
        "role": {"viewer": "Viewer", "analyst": "Analyst", "admin": "Admin", "owner": "Owner"},
    }
    beat_schedules = (
        BeatEntry("Resume lost sync parts", "core.tasks.sync_runs_sweep_task", {"minute": "*/2"}, expires=180),
        BeatEntry("Prune upstream call log", "core.tasks.api_call_log_prune_task", {"minute": "17", "hour": "3"}, expires=3600),
        BeatEntry("Prune OAuth states", "core.tasks.oauth_states_prune_task", {"minute": "29", "hour": "3"}, expires=3600),
    )

    def demo_seed(self, tenant, *, upstreams=None) -> None:
        from core.demo import demo_seed

        demo_seed(tenant)

    def ready(self):
        super().ready()
        from core import checks, signals  # noqa: F401  (system checks and the post_migrate receiver)
