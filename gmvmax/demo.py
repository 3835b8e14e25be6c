"""Demo data: the demo tenant's last ``DEMO_DAYS`` days of GMV Max figures, so the page has data
after ``make run`` (tiktok_ads' demo seed, which runs first, connected its advertisers)."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone

from core.tenancy import tenant_scope
from gmvmax.services import DEMO_DAYS, advertiser_today, backfill, campaign_stats_sync
from tiktok_ads.selectors import advertisers_for_tenant

logger = logging.getLogger(__name__)


def demo_seed(tenant, *, upstreams=None) -> None:
    """When ``upstreams`` answers the Business API in this process (the sandbox during ``make
    run``, before the web server starts) the sync runs here; otherwise a backfill run is queued
    for the worker."""
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
