from core.registry import BeatEntry, NavEntry, PlatformAppConfig, ScheduleOption
from shop_sync.labels import LABELS


class ShopSyncConfig(PlatformAppConfig):
    default = True  # apps.py also imports the base class
    name = "shop_sync"
    verbose_name = "TikTok Shop"
    nav_group = "TikTok Shop"
    nav = (
        NavEntry("Dashboard", "shop_sync:dashboard"),
        NavEntry("Orders", "shop_sync:orders"),
        NavEntry("Products", "shop_sync:products"),
        NavEntry("Brands", "shop_sync:brands"),
        NavEntry("Brand dictionary", "shop_sync:brand-rules", hint="Rules that assign products to brands"),
        NavEntry("Shops & sync", "shop_sync:sync"),
    )
    labels = LABELS
    beat_schedules = (
        BeatEntry("TikTok Shop incremental order sync", "shop_sync.tasks.orders_incremental_sync_all_task", {"minute": "*/5"}, expires=450),
        BeatEntry("TikTok Shop token refresh", "shop_sync.tasks.shop_tokens_refresh_expiring_task", {"minute": "23"}, expires=5400),
    )
    # Tenants pick how often the incremental sync runs (Settings → Schedules); the beat above is the finest.
    schedules = (
        ScheduleOption("shop_sync.incremental", "Order sync", every_minutes=5, choices=(5, 15, 30, 60), hint="New and changed orders of every synced shop"),
    )
    # Full and incremental syncs share one part runner (KIND_FULL / KIND_INCREMENTAL).
    sync_runners = {
        "shop_sync.orders_full": "shop_sync.tasks.orders_sync_part_task",
        "shop_sync.orders_incremental": "shop_sync.tasks.orders_sync_part_task",
    }

    def search(self, tenant, query, *, limit):
        from shop_sync.selectors import search_hits

        return search_hits(tenant, query, limit=limit)

    def overview(self, tenant, date_range):
        from shop_sync.selectors import shop_overview

        return shop_overview(tenant, date_range)
