from django.apps import AppConfig


class TiktokAdsConfig(AppConfig):
    name = "tiktok_ads"
    verbose_name = "TikTok Ads"
    nav = ()  # (label, url name, min role) for the top bar; filled when the pages exist
