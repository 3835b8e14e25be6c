"""Creative metric days recorded as the legacy Facebook collector stored them: upsert per ad and day."""

from datetime import date
from decimal import Decimal

import pytest

from autopilot.models import CreativeMetricDay
from autopilot.services import creative_metric_days_record
from core.exceptions import ApplicationError
from core.tenancy import tenant_scope


def test_record_upserts_by_ad_and_day(tenant_a):
    day = date(2026, 11, 2)
    with tenant_scope(tenant_a):
        creative_metric_days_record(
            tenant=tenant_a,
            platform="facebook",
            rows=[{"creative_key": "fb1", "day": day, "spend": "10.00", "currency": "usd", "clicks": 4}],
        )
        creative_metric_days_record(
            tenant=tenant_a,
            platform="facebook",
            rows=[{"creative_key": "fb1", "day": day, "spend": "12.50", "currency": "USD", "clicks": 6}],
        )
        rows = list(
            CreativeMetricDay.objects.for_tenant(tenant_a).values_list("platform", "creative_key", "day", "spend", "currency", "clicks")
        )
    assert rows == [("facebook", "fb1", day, Decimal("12.50"), "USD", 6)]


def test_record_refuses_an_unknown_platform_and_changes_nothing(tenant_a):
    with tenant_scope(tenant_a), pytest.raises(ApplicationError) as error:
        creative_metric_days_record(tenant=tenant_a, platform="instagram", rows=[{"creative_key": "x", "day": date(2026, 11, 2)}])
    assert error.value.extra["fields"] == {"platform": ["Unknown platform."]}
    with tenant_scope(tenant_a):
        assert not CreativeMetricDay.objects.for_tenant(tenant_a).exists()
