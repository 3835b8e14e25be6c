import logging

from django.apps import AppConfig

logger = logging.getLogger(__name__)


class GmvmaxConfig(AppConfig):
    name = "gmvmax"
    verbose_name = "GMV Max"
    # (label, url name, min role) for the top bar.
    nav = (("GMV Max", "gmvmax:table", "viewer"),)

    def ready(self):
        # Registers the beat schedules in every process (migrate creates them).
        from gmvmax import tasks  # noqa: F401

    def demo_seed(self, tenant, *, upstreams=None):
        """Sync the demo tenant's last ``DEMO_DAYS`` days so the GMV Max page has data after
        ``make run`` (tiktok_ads' demo_seed, which runs first, connected its advertisers). When
        ``upstreams`` answers the Business API in this process (the sandbox during ``make run``,
        before the web server starts), the sync runs here; otherwise it is queued for the worker."""
        from datetime import timedelta

        from django.utils import timezone

        from core.tenancy import tenant_scope
        from gmvmax.services import DEMO_DAYS, advertiser_today, backfill, campaign_stats_sync
        from tiktok_ads.selectors import advertisers_for_tenant

        if tenant.slug != "demo":
            return
        with tenant_scope(tenant):
            if upstreams is None or "tiktok_business" not in upstreams.in_process:
                today = timezone.localdate()
                backfill(tenant=tenant, start=today - timedelta(days=DEMO_DAYS - 1), end=today + timedelta(days=1))  # clamped per account
                return
            for advertiser in advertisers_for_tenant(tenant):
                end = advertiser_today(advertiser)
                try:
                    campaign_stats_sync(advertiser=advertiser, start=end - timedelta(days=DEMO_DAYS - 1), end=end)
                except Exception:  # a demo without GMV Max figures still starts
                    logger.exception("GMV Max demo sync of %s failed", advertiser)
