from django.apps import AppConfig


class TiktokAdsConfig(AppConfig):
    name = "tiktok_ads"
    verbose_name = "TikTok Ads"
    # (label, url name, min role) for the top bar.
    nav = (("Advertisers", "tiktok_ads:advertisers", "viewer"),)

    def ready(self):
        # Registers the default beat schedule in every process (migrate creates it).
        from tiktok_ads import tasks  # noqa: F401

    def demo_seed(self, tenant, *, upstreams=None) -> None:
        """Connect the demo tenant's advertisers without a browser: the same services the Connect
        button and the callback use, with the auth code ``upstreams`` issues for the Business
        API's demo account (as its authorize page would). Nothing happens if already connected,
        or when nothing issues a code (then advertisers are connected from the pages)."""
        from functools import partial

        from tiktok_ads.demo import demo_connect

        demo_connect(tenant, auth_code=partial(upstreams.auth_code, "tiktok_business") if upstreams is not None else None)
