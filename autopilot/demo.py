"""The autopilot's demo data. Each part is its own function, called by the app's ``demo_seed``."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from autopilot.services import creative_metric_days_record
from conversions.services import events_ingest
from core.formatting import current_zone
from core.selectors import FxConverter
from core.services import fx_rate_set
from core.tenancy import tenant_scope
from tiktok_ads.selectors import ad_account_by_name, creatives_for_tenant, directions_list, leads_for_attribution

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
        if tiktok_lead is not None:
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
