"""One world for the ROI tests: a tenant reporting in KZT with a USD rate that changes on
3 Nov 2026, Instagram (facebook) and TikTok metric days, stored leads and purchase events."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from autopilot.models import CreativeMetricDay
from conversions.models import Event
from core.models import FxRate
from core.tenancy import tenant_scope
from tiktok_ads.models import AdAccount, Creative, Direction, Lead

D1, D2, D3 = date(2026, 11, 1), date(2026, 11, 2), date(2026, 11, 3)


def moment(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def build_roi_world(tenant, *, tag: str = "") -> dict:
    """Rows of the ROI world in ``tenant``; ``tag`` keeps keys apart across tenants."""
    tenant.reporting_currency = "KZT"
    tenant.save(update_fields=["reporting_currency"])
    with tenant_scope(tenant):
        FxRate.objects.create(tenant=tenant, currency="USD", day=D1, rate=Decimal("450"))
        FxRate.objects.create(tenant=tenant, currency="USD", day=D3, rate=Decimal("500"))
        account = AdAccount.objects.create(tenant=tenant, name=f"Account {tag}A")
        other = AdAccount.objects.create(tenant=tenant, name=f"Account {tag}B")
        trial = Direction.objects.create(tenant=tenant, ad_account=account, name=f"Trial lessons {tag}", platform="tiktok")
        legacy = Direction.objects.create(tenant=tenant, ad_account=account, name=f"Legacy {tag}", platform="")
        creative = Creative.objects.create(tenant=tenant, ad_account=account, direction=trial, title=f"Spring video {tag}")

        def metric(platform, key, day, spend, currency, **extra):
            return CreativeMetricDay.objects.create(
                tenant=tenant, platform=platform, creative_key=f"{tag}{key}", day=day, spend=Decimal(spend), currency=currency, **extra
            )

        # Instagram (facebook, USD as the legacy collector stored it): 10 USD at 450, 10 USD at 500.
        metric(
            "facebook",
            "fb1",
            D2,
            "10.00",
            "USD",
            ad_account=account,
            direction=legacy,
            ad_name="FB ad one",
            clicks=7,
            impressions=300,
            leads=2,
        )
        metric(
            "facebook",
            "fb1",
            D3,
            "10.00",
            "USD",
            ad_account=account,
            direction=legacy,
            ad_name="FB ad one",
            clicks=3,
            impressions=200,
            leads=1,
        )
        # A legacy row without platform or currency: Facebook's, in USD.
        metric("", "fb2", D2, "2.00", "", ad_account=account, ad_name="FB legacy ad")
        # TikTok: KZT, and MYR without any rate.
        metric(
            "tiktok",
            "tt1",
            D2,
            "1000.00",
            "KZT",
            ad_account=account,
            direction=trial,
            creative=creative,
            ad_name="TT ad",
            clicks=50,
            impressions=1000,
            leads=3,
        )
        metric("tiktok", "tt2", D3, "500.00", "MYR", ad_account=other, ad_name="TT ad in MYR", clicks=5, impressions=100)

        Lead.objects.create(
            tenant=tenant,
            platform="tiktok",
            lead_id=f"{tag}L1",
            ad_account=account,
            direction=trial,
            ad_id=f"{tag}tt1",
            ttclid=f"{tag}click-1",
            received_at=moment(D2, 9),
        )
        Lead.objects.create(
            tenant=tenant,
            platform="tiktok",
            lead_id=f"{tag}L2",
            ad_account=account,
            direction=trial,
            ad_id=f"{tag}tt1",
            email="buyer@example.com",
            phone="+77011234567",
            received_at=moment(D2, 10),
        )

        def event(event_id, name, day, value, currency, **extra):
            return Event.objects.create(
                tenant=tenant, event_id=f"{tag}{event_id}", name=name, event_time=moment(day, 15), value=value, currency=currency, **extra
            )

        event("p1", "PURCHASE", D2, Decimal("3000.00"), "KZT", ttclid=f"{tag}click-1")
        event("p2", "CompletePayment", D3, Decimal("10.00"), "USD", email=" Buyer@Example.com ")
        event("p3", "PURCHASE", D3, Decimal("700.00"), "KZT", ttclid="unknown-click")
        event("lead", "LEAD_SUBMITTED", D2, None, "", ttclid=f"{tag}click-1")
    return {"account": account, "other": other, "trial": trial, "legacy": legacy, "creative": creative}
