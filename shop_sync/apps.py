from core.registry import BeatEntry, NavEntry, PlatformAppConfig, ScheduleOption


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
        NavEntry("Shops & sync", "shop_sync:sync"),
    )
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
