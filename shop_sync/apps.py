from django.apps import AppConfig


class ShopSyncConfig(AppConfig):
    name = "shop_sync"
    verbose_name = "TikTok Shop"
