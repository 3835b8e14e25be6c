from django.apps import AppConfig


class ShopSyncConfig(AppConfig):
    name = "shop_sync"
    verbose_name = "TikTok Shop"
    # (label, url name, min role) for the top bar.
    nav = (
        ("Shop", "shop_sync:dashboard", "viewer"),
        ("Orders", "shop_sync:orders", "viewer"),
        ("Products", "shop_sync:products", "viewer"),
        ("Brands", "shop_sync:brands", "viewer"),
        ("Shop sync", "shop_sync:sync", "viewer"),
    )

    def ready(self):
        # Registers the sync-part runners and the default beat schedules in every process
        # (web starts syncs, workers run them, migrate creates the schedules).
        from shop_sync import tasks  # noqa: F401
