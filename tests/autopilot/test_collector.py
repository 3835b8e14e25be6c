"""The metrics collector against the sandbox: the figures stored are exactly the sandbox's
``ad_totals`` per ad and local day, a second collection replaces rows instead of adding them,
bad rows are skipped and counted, calls retry with the fixed waits and carry the correlation id."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from autopilot.models import CreativeMetricDay
from autopilot.services import collector
from core.correlation import correlation_scope
from core.http import Upstream5xx
from core.models import ApiCallLog
from sandbox.emulators.tiktok_business.auction_report import ad_totals
from tests.autopilot.brain_helpers import TODAY, build_world, fast_retries, pinned_clock  # noqa: F401
from tests.sandbox.tiktok_business_objects import EMULATOR


@pytest.fixture
def world(sandbox, tenant_a, pinned_clock):  # noqa: F811
    return build_world(sandbox, tenant_a)


def expected(ad_id: str, day) -> dict:
    totals = ad_totals(ad_id, day, currency="MYR", objective="LEAD_GENERATION")
    return {
        "spend": (Decimal(totals["spend"]) / 100).quantize(Decimal("0.01")),
        "impressions": totals["impressions"],
        "clicks": totals["clicks"],
        "reach": totals["reach"],
        "conversions": totals["conversion"],
        "leads": totals["onsite_form"],
        "results": totals["result"],
        "video_views": totals["video_play_actions"],
    }


def stored(tenant) -> dict:
    fields = ("spend", "impressions", "clicks", "reach", "conversions", "leads", "results", "video_views")
    return {
        (row.creative_key, row.day): {name: getattr(row, name) for name in fields}
        for row in CreativeMetricDay.objects.for_tenant(tenant).order_by("creative_key", "day")
    }


def test_collects_the_last_seven_local_days_with_the_sandboxs_figures(world):
    assert world.advertiser.currency == "MYR"
    result = collector.metrics_collect(tenant=world.tenant, ad_account=world.account, advertiser=world.advertiser)
    days = [TODAY - timedelta(days=n) for n in range(3, -1, -1)]  # the ads were made 3 days ago
    want = {(world.ids[ad], day): expected(world.ids[ad], day) for ad in ("a1", "a2", "b1") for day in days}
    assert stored(world.tenant) == want
    assert (result.start, result.end) == (TODAY - timedelta(days=6), TODAY)
    assert (result.collected, result.skipped_rows, result.errors, result.upstream_calls) == (12, 0, 0, 1)
    row = CreativeMetricDay.objects.for_tenant(world.tenant).get(creative_key=world.ids["a1"], day=TODAY)
    assert (row.adgroup_id, row.campaign_id, row.ad_name, row.objective_type, row.currency) == (
        world.ids["group_a"],
        world.ids["campaign"],
        "a1",
        "LEAD_GENERATION",
        "MYR",
    )
    assert (row.ad_account_id, row.advertiser_id, row.platform) == (world.account.pk, world.advertiser.pk, "tiktok")


def test_collecting_again_replaces_rows(world):
    collector.metrics_collect(tenant=world.tenant, ad_account=world.account, advertiser=world.advertiser)
    CreativeMetricDay.objects.for_tenant(world.tenant).update(spend=Decimal("999.99"), impressions=1)
    first = set(CreativeMetricDay.objects.for_tenant(world.tenant).values_list("pk", flat=True))
    result = collector.metrics_collect(tenant=world.tenant, ad_account=world.account, advertiser=world.advertiser)
    assert result.collected == 12
    assert CreativeMetricDay.objects.for_tenant(world.tenant).count() == 12
    assert set(CreativeMetricDay.objects.for_tenant(world.tenant).values_list("pk", flat=True)) == first
    assert stored(world.tenant)[(world.ids["b1"], TODAY)] == expected(world.ids["b1"], TODAY)


def test_rows_without_an_ad_id_or_day_are_skipped_and_counted(world):
    result = collector.Collection(start=TODAY, end=TODAY)
    rows = [
        {"dimensions": {"ad_id": "", "stat_time_day": "2026-11-18 00:00:00"}, "metrics": {"spend": "1.00"}},
        {"dimensions": {"ad_id": "42", "stat_time_day": "yesterday"}, "metrics": {"spend": "1.00"}},
        {"dimensions": {"ad_id": "43", "stat_time_day": "2026-11-18 00:00:00"}, "metrics": {"spend": "2.50", "impressions": "-"}},
    ]
    built = collector.metric_rows(
        tenant=world.tenant, ad_account=world.account, advertiser=world.advertiser, rows=rows, collected_at=None, collection=result
    )
    assert result.skipped_rows == 2
    assert [(row.creative_key, row.spend, row.impressions) for row in built] == [("43", Decimal("2.50"), 0)]


def test_a_launched_ad_is_linked_to_its_creative_and_direction(world):
    from tiktok_ads.models import Ad, Creative, Direction, DirectionAdGroup

    direction = Direction.objects.create(tenant=world.tenant, ad_account=world.account, name="Leads", platform="tiktok")
    creative = Creative.objects.create(tenant=world.tenant, ad_account=world.account, direction=direction, title="Clip")
    group = DirectionAdGroup.objects.create(
        tenant=world.tenant, direction=direction, tiktok_adgroup_id=world.ids["group_a"], adgroup_name="A"
    )
    Ad.objects.create(tenant=world.tenant, adgroup=group, creative=creative, ad_id=world.ids["a1"])
    collector.metrics_collect(tenant=world.tenant, ad_account=world.account, advertiser=world.advertiser)
    linked = set(
        CreativeMetricDay.objects.for_tenant(world.tenant).exclude(creative=None).values_list("creative_key", "creative_id", "direction_id")
    )
    assert linked == {(world.ids["a1"], creative.pk, direction.pk)}


def test_retries_wait_the_fixed_schedule_then_fail(world, sandbox, settings):
    waits: list[float] = []
    sandbox.set_faults(EMULATOR, status=503)
    client = collector.brain_client(world.advertiser, sleep=waits.append)
    with pytest.raises(Upstream5xx) as failure:
        collector.metrics_collect(tenant=world.tenant, ad_account=world.account, advertiser=world.advertiser, client=client)
    assert waits == [2.0, 5.0, 10.0]
    assert failure.value.collection.errors == 1
    assert CreativeMetricDay.objects.for_tenant(world.tenant).count() == 0
    assert client.timeout == 60.0


def test_every_call_carries_the_callers_correlation_id(world):
    with correlation_scope("batch-test-1"):
        collector.metrics_collect(tenant=world.tenant, ad_account=world.account, advertiser=world.advertiser)
    logs = ApiCallLog.objects.for_tenant(world.tenant).filter(endpoint__contains="report")
    assert logs.count() == 1
    assert set(logs.values_list("correlation_id", flat=True)) == {"batch-test-1"}
