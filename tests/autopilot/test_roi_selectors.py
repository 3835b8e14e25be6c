"""ROI figures, exactly: two currencies, a rate that changes on a day, a currency without a rate,
purchases attributed by ttclid and by hashed email, unattributed revenue, instagram ↔ facebook,
legacy rows without a platform."""

from __future__ import annotations

from decimal import Decimal

import pytest

from autopilot.selectors import db_platform, roi_report, ui_platform
from core.tenancy import tenant_scope
from tests.autopilot.roi_fixtures import D1, D3, build_roi_world, moment


@pytest.fixture
def world(tenant_a):
    return build_roi_world(tenant_a)


def report(tenant, platform, **kwargs):
    with tenant_scope(tenant):
        return roi_report(tenant, platform=platform, start=D1, end=D3, **kwargs)


def test_platform_names_map_instagram_to_facebook():
    assert db_platform("instagram") == "facebook"
    assert db_platform("facebook") == "facebook"
    assert db_platform("TikTok") == "tiktok"
    assert db_platform(None) == "tiktok"
    assert ui_platform("facebook") == "instagram"
    assert ui_platform("") == "instagram"
    with pytest.raises(ValueError):
        db_platform("snapchat")


def test_instagram_spend_converts_at_each_days_rate_and_counts_legacy_rows(world, tenant_a):
    roi = report(tenant_a, db_platform("instagram"))

    assert roi.currency == "KZT"
    # 10 USD × 450 (2 Nov) + 2 USD legacy row × 450 + 10 USD × 500 (3 Nov, the new rate).
    assert roi.totals.spend.value == Decimal("10400")
    assert roi.totals.spend.complete
    assert [row.spend.value for row in roi.by_day] == [Decimal(0), Decimal("5400"), Decimal("5000")]
    assert (roi.totals.clicks, roi.totals.impressions, roi.totals.leads) == (10, 500, 3)
    assert roi.totals.revenue.value == 0 and roi.totals.purchases == 0
    assert roi.totals.roi == Decimal(-1)
    assert roi.totals.cpl == Decimal("10400") / 3
    labels = {row.label: row.spend.value for row in roi.by_creative}
    assert labels == {"FB ad one": Decimal("9500"), "FB legacy ad": Decimal("900")}
    assert {row.label for row in roi.by_direction} == {"Legacy ", "No direction"}
    assert roi.shop_revenue is None
    assert roi.missing_rates == []


def test_tiktok_revenue_attributed_by_ttclid_and_hashed_email(world, tenant_a):
    roi = report(tenant_a, "tiktok")

    # 1000 KZT converted; 500 MYR has no rate: kept natively, named, and ROI left empty.
    assert roi.totals.spend.value == Decimal("1000")
    assert roi.totals.spend.unconverted == {"MYR": Decimal("500.00")}
    assert roi.missing_rates == ["MYR"]
    # p1: 3000 KZT by ttclid; p2: 10 USD × 500 (3 Nov) by the email's hash (lowercased, trimmed).
    assert roi.totals.revenue.value == Decimal("8000")
    assert roi.totals.purchases == 2
    assert roi.totals.roi is None
    assert roi.totals.stored_leads == 2
    assert roi.totals.leads == 3

    spring = next(row for row in roi.by_creative if row.label == "Spring video ")
    assert (spring.spend.value, spring.revenue.value, spring.purchases, spring.stored_leads) == (Decimal("1000"), Decimal("8000"), 2, 2)
    assert spring.roi == Decimal(7)
    assert spring.cpl == Decimal("1000") / 3
    myr = next(row for row in roi.by_creative if row.label == "TT ad in MYR")
    assert myr.spend.value == 0 and myr.spend.unconverted == {"MYR": Decimal("500.00")} and myr.roi is None
    trial = next(row for row in roi.by_direction if row.label == "Trial lessons ")
    assert (trial.revenue.value, trial.roi) == (Decimal("8000"), Decimal(7))
    assert [row.revenue.value for row in roi.by_day] == [Decimal(0), Decimal("3000"), Decimal("5000")]

    # p3 matched no lead: shown apart, in no ROI.
    assert roi.unattributed.value == Decimal("700.00")
    assert roi.unattributed_purchases == 1


def test_one_ad_account(world, tenant_a):
    roi = report(tenant_a, "tiktok", ad_account_id=world["other"].pk)
    assert roi.totals.spend.value == 0 and roi.totals.spend.unconverted == {"MYR": Decimal("500.00")}
    assert roi.totals.revenue.value == 0 and roi.totals.stored_leads == 0
    assert roi.unattributed.value == Decimal("700.00")


def test_purchase_of_a_facebook_lead_counts_on_the_instagram_tab(world, tenant_a):
    from tiktok_ads.models import Lead

    with tenant_scope(tenant_a):
        Lead.objects.create(
            tenant=tenant_a, platform="facebook", lead_id="FB1", ad_id="fb1", ttclid="unknown-click", received_at=moment(D1)
        )
    instagram = report(tenant_a, "facebook")
    assert instagram.totals.revenue.value == Decimal("700.00")
    assert instagram.totals.roi == (Decimal("700.00") - Decimal("10400")) / Decimal("10400")
    assert report(tenant_a, "tiktok").unattributed.value == 0


def test_another_tenants_rows_are_not_read(world, tenant_a, tenant_b):
    build_roi_world(tenant_b, tag="b-")
    assert report(tenant_a, "tiktok").totals.revenue.value == Decimal("8000")
    roi_b = report(tenant_b, "tiktok")
    assert roi_b.totals.revenue.value == Decimal("8000")
    assert {row.label for row in roi_b.by_creative} == {"Spring video b-", "TT ad in MYR"}


def test_tiktok_shop_gmv_is_a_platform_line_converted_at_each_days_rate(world, tenant_a):
    from shop_sync.models import DailyRollup
    from tests.shop_sync.shop_fixtures import make_shop

    with tenant_scope(tenant_a):
        shop = make_shop(tenant_a, currency="USD")
        DailyRollup.objects.create(tenant=tenant_a, shop=shop, day=D1, currency="USD", orders=2, gmv=Decimal("40.00"))
        DailyRollup.objects.create(tenant=tenant_a, shop=shop, day=D3, currency="USD", orders=1, gmv=Decimal("20.00"))
        DailyRollup.objects.create(tenant=tenant_a, shop=shop, day=D3, brand="Glow", currency="USD", orders=1, gmv=Decimal("20.00"))
    roi = report(tenant_a, "tiktok")
    # 40 USD × 450 on 1 Nov + 20 USD × 500 on 3 Nov; brand rollups are parts of the shop's, not added.
    assert roi.shop_revenue.value == Decimal("28000")
    assert roi.shop_orders == 3
    assert roi.shop_by_day[D3].value == Decimal("10000")
    # Never in the ads' revenue or ROI.
    assert roi.totals.revenue.value == Decimal("8000")
    assert report(tenant_a, "facebook").shop_revenue is None
