"""The autopilot's demo data, one function per part, called by the app's ``demo_seed``: daily-run
schedules, direction limits and (when the Business API answers in this process) one brain run;
then the ROI figures of both tabs."""

from __future__ import annotations

import logging
from datetime import time, timedelta
from decimal import Decimal

from django.utils import timezone

from autopilot.models import AccountSchedule, BrainRun, CreativeMetricDay, DirectionPolicy
from autopilot.services import creative_metric_days_record
from autopilot.services.brain import brain_run_start, brain_run_work
from conversions.services import events_ingest
from core.formatting import current_zone
from core.selectors import FxConverter
from core.services import fx_rate_set
from core.tenancy import tenant_scope
from tiktok_ads import budgets
from tiktok_ads.selectors import (
    ad_account_by_name,
    ad_account_currency,
    ad_accounts_for_tenant,
    creatives_for_tenant,
    directions_list,
    leads_for_attribution,
)

logger = logging.getLogger(__name__)

DEMO_RUN_TIMES = (time(8, 0), time(9, 30))


def demo_autopilot(tenant, *, upstreams=None) -> None:
    if tenant.slug != "demo":
        return
    with tenant_scope(tenant):
        accounts = [account for account in ad_accounts_for_tenant(tenant) if account.advertiser_id is not None]
        for index, account in enumerate(accounts):
            AccountSchedule.objects.for_tenant(tenant).get_or_create(
                tenant=tenant, ad_account=account, defaults={"run_at": DEMO_RUN_TIMES[index % len(DEMO_RUN_TIMES)]}
            )
        for direction in directions_list(tenant, platform="tiktok"):
            currency = ad_account_currency(direction.ad_account)
            try:
                floor = budgets.minimum(currency)
            except budgets.UnknownCurrency:
                continue
            cap = max((direction.tiktok_daily_budget or floor) * 2, floor)
            DirectionPolicy.objects.for_tenant(tenant).get_or_create(
                tenant=tenant, direction=direction, defaults={"max_daily_budget": cap.quantize(Decimal("0.01")), "max_raise_pct": 20}
            )
        if not accounts or upstreams is None or "tiktok_business" not in upstreams.in_process:
            return
        if BrainRun.objects.for_tenant(tenant).exists():
            return
        try:
            run = brain_run_start(tenant=tenant, ad_account_id=accounts[0].pk, requested_by="demo", enqueue=False)
            brain_run_work(run=run)
        except Exception:  # a demo without a brain run still starts
            logger.exception("Autopilot demo brain run failed")


# --- ROI: both tabs ---------------------------------------------------------------------------

ROI_DEMO_ACCOUNT = "Almaty English School"
ROI_DAYS = 14
# Units of USD per unit: the rates the demo adds when the tenant has none for USD or KZT. The
# USD rate changes a week ago so the ROI page shows figures converted at each day's rate.
ROI_USD_PER_UNIT = {"USD": Decimal("1"), "KZT": Decimal("0.0021")}
ROI_FACEBOOK_ADS = (("fb-demo-reel-1", "Reel: free trial lesson"), ("fb-demo-story-2", "Story: summer intensive"))
ROI_PURCHASES = (("aigerim@example.com", Decimal("45000")), ("daniyar@example.com", Decimal("30000")))


def _roi_rates(tenant, today) -> None:
    converter = FxConverter(tenant)
    base = ROI_USD_PER_UNIT.get(tenant.reporting_currency)
    if base is None:
        return  # the ROI page then names the currencies without a rate
    for currency, usd in ROI_USD_PER_UNIT.items():
        if currency == tenant.reporting_currency or converter.rate(currency, today) is not None:
            continue
        rate = (usd / base).quantize(Decimal("0.0000000001"))
        fx_rate_set(tenant=tenant, currency=currency, day=today - timedelta(days=400), rate=rate)
        fx_rate_set(
            tenant=tenant, currency=currency, day=today - timedelta(days=7), rate=(rate * Decimal("1.02")).quantize(Decimal("0.0000000001"))
        )


def demo_roi(tenant) -> None:
    """What the ROI page and the dashboard show on both tabs: Instagram (facebook) metric days as
    the legacy Facebook collector stored them (USD), TikTok metric days of the demo's ad (KZT)
    when the brain has collected none, purchases matching two demo leads by email and one that
    matches none, and USD/KZT rates when the tenant lacks them. Safe to run again: rows upsert by
    ad and day, events by id, rates only when missing."""
    with tenant_scope(tenant):
        today = timezone.now().astimezone(current_zone()).date()
        _roi_rates(tenant, today)
        account = ad_account_by_name(tenant, ROI_DEMO_ACCOUNT)
        account_id = account.pk if account else None
        facebook_direction = directions_list(tenant, platform="facebook", ad_account_id=account_id).first() if account else None
        days = [today - timedelta(days=offset) for offset in range(ROI_DAYS, 0, -1)]
        facebook_rows = [
            {
                "creative_key": key, "day": day, "ad_name": name, "currency": "USD", "ad_account_id": account_id,
                "direction_id": facebook_direction.pk if facebook_direction else None,
                "spend": Decimal("12.40") + Decimal("1.15") * ((index + ad) % 5), "impressions": 2400 + 130 * index,
                "clicks": 38 + (index * 3) % 11, "leads": 1 + (index + ad) % 3,
            }
            for ad, (key, name) in enumerate(ROI_FACEBOOK_ADS)
            for index, day in enumerate(days)
        ]  # fmt: skip
        creative_metric_days_record(tenant=tenant, platform="facebook", rows=facebook_rows)

        leads = leads_for_attribution(tenant, start=today - timedelta(days=30), end=today, with_contacts=False)
        tiktok_lead = next((lead for lead in leads if lead.platform == "tiktok" and lead.ad_id), None)
        collected = tiktok_lead is not None and CreativeMetricDay.objects.for_tenant(tenant).filter(platform="tiktok", creative_key=tiktok_lead.ad_id).exists()
        if tiktok_lead is not None and not collected:
            creative = creatives_for_tenant(tenant).filter(ad_account_id=tiktok_lead.ad_account_id).first()
            tiktok_rows = [
                {
                    "creative_key": tiktok_lead.ad_id, "day": day, "ad_name": "Trial lesson teaser", "currency": "KZT",
                    "ad_account_id": tiktok_lead.ad_account_id, "direction_id": tiktok_lead.direction_id,
                    "creative_id": creative.pk if creative else None, "adgroup_id": tiktok_lead.adgroup_id,
                    "spend": Decimal("4200") + Decimal("350") * (index % 4), "impressions": 5100 + 210 * index,
                    "clicks": 90 + (index * 7) % 23, "leads": 2 + index % 3,
                }
                for index, day in enumerate(days)
            ]  # fmt: skip
            creative_metric_days_record(tenant=tenant, platform="tiktok", rows=tiktok_rows)

        now = timezone.now()
        purchases = [
            {
                "event_id": f"demo-purchase-{index}",
                "event_name": "PURCHASE",
                "event_time": now - timedelta(minutes=5 + index),
                "value": value,
                "currency": "KZT",
                "email": email,
            }
            for index, (email, value) in enumerate(ROI_PURCHASES, start=1)
        ]
        purchases.append(
            {
                "event_id": "demo-purchase-walk-in",
                "event_name": "PURCHASE",
                "event_time": now - timedelta(minutes=2),
                "value": Decimal("25.00"),
                "currency": "USD",
            }
        )
        events_ingest(tenant=tenant, events=purchases, source="demo")
