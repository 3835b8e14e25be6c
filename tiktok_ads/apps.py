from django.apps import AppConfig


class TiktokAdsConfig(AppConfig):
    name = "tiktok_ads"
    verbose_name = "TikTok Ads"
    # (label, url name, min role) for the top bar.
    nav = (("Advertisers", "tiktok_ads:advertisers", "viewer"),)

    def ready(self):
        # Registers the default beat schedule in every process (migrate creates it).
        from tiktok_ads import tasks  # noqa: F401

    def demo_seed(self, tenant) -> None:
        """Connect the demo tenant to the sandbox's "demo" advertisers, without a browser: the
        same services the Connect button and the callback use, with an auth code the in-process
        sandbox issues (as its authorize page would). Nothing happens if already connected."""
        from tiktok_ads.demo import demo_connect

        demo_connect(tenant)
