"""Campaign stats sync (chunking, idempotence, lookback, coverage) and room fetches as sync runs
(one per campaign and range, all pages or nothing, upstream errors kept, lost fetches resumed by
the core sweeper), against the sandbox."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db.models import Count, Sum
from django.utils import timezone

from core.http import AuthExpired
from core.models import SyncRun, SyncRunPart, SyncState
from core.services import sync_runs_sweep
from core.tenancy import tenant_scope
from gmvmax import services
from gmvmax.models import CampaignDailyStat, CoverageKind, FetchCoverage, GmvMaxCampaign, LiveRoom, RoomDailyStat, RunKind
from tests.gmvmax import expected
from tests.gmvmax.conftest import EMULATOR
from tiktok_ads.client import BusinessApiClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def report_calls(monkeypatch):
    """Every gmv_max_report_pages call's keyword arguments (the real call still happens)."""
    calls = []
    original = BusinessApiClient.gmv_max_report_pages

    def spy(self, **kwargs):
        calls.append(kwargs)
        return original(self, **kwargs)

    monkeypatch.setattr(BusinessApiClient, "gmv_max_report_pages", spy)
    return calls


def _stats_fingerprint(tenant):
    return CampaignDailyStat.objects.for_tenant(tenant).aggregate(
        rows=Count("id"), cost=Sum("cost"), gmv=Sum("gross_revenue"), orders=Sum("orders"), views=Sum("live_views")
    )


def test_stats_sync_stores_the_platforms_daily_figures(advertisers, tenant_a, clock, in_tenant_a):
    my = advertisers["Glow Corner MY"]
    end = services.advertiser_today(my)
    start = end - timedelta(days=13)
    result = services.campaign_stats_sync(advertiser=my, start=start, end=end)

    assert (result.coverage.kind, result.coverage.target) == (CoverageKind.CAMPAIGN_STATS, f"advertiser:{my.pk}")
    assert (result.coverage.start_date, result.coverage.end_date) == (start, end)
    assert result.requests == 2  # one per promotion type
    campaigns = GmvMaxCampaign.objects.for_tenant(tenant_a).filter(advertiser=my)
    assert campaigns.count() == 8
    assert {c.promotion_type for c in campaigns} == {"LIVE_GMV_MAX", "PRODUCT_GMV_MAX"}
    assert all(c.store is not None and c.store.shop_number == 1 for c in campaigns)
    for campaign in campaigns:
        stored = (
            CampaignDailyStat.objects.for_tenant(tenant_a)
            .filter(campaign=campaign)
            .aggregate(cost=Sum("cost"), gmv=Sum("gross_revenue"), orders=Sum("orders"))
        )
        want = expected.campaign_totals(my.advertiser_id, campaign.campaign_id, start, end, clock)
        if want is None:
            assert stored["cost"] is None
            continue
        assert (stored["cost"], stored["gmv"], stored["orders"]) == (want["cost"], want["gmv"], want["orders"])
        assert (
            CampaignDailyStat.objects.for_tenant(tenant_a).filter(campaign=campaign).exclude(promotion_type=campaign.promotion_type).count()
            == 0
        )


def test_ranges_over_93_days_are_split_into_93_day_requests(advertisers, report_calls, in_tenant_a):
    my = advertisers["Glow Corner MY"]
    end = services.advertiser_today(my)
    start = end - timedelta(days=199)  # 200 days → 93 + 93 + 14
    result = services.campaign_stats_sync(advertiser=my, start=start, end=end)

    assert result.requests == 6 == len(report_calls)  # 3 ranges × 2 promotion types
    ranges = sorted({(call["start_date"], call["end_date"]) for call in report_calls})
    assert ranges == [
        (start, start + timedelta(days=92)),
        (start + timedelta(days=93), start + timedelta(days=185)),
        (start + timedelta(days=186), end),
    ]
    assert all((last - first).days + 1 <= 93 for first, last in ranges)
    assert all(call["page_size"] == 1000 for call in report_calls)
    assert {call["promotion_type"] for call in report_calls} == {"PRODUCT_GMV_MAX", "LIVE_GMV_MAX"}


def test_report_ranges_cover_the_range_exactly():
    from datetime import date

    assert services.report_ranges(date(2026, 1, 1), date(2026, 1, 1)) == [(date(2026, 1, 1), date(2026, 1, 1))]
    assert services.report_ranges(date(2026, 1, 1), date(2026, 4, 3)) == [(date(2026, 1, 1), date(2026, 4, 3))]  # 93 days
    assert services.report_ranges(date(2026, 1, 1), date(2026, 4, 4)) == [
        (date(2026, 1, 1), date(2026, 4, 3)),
        (date(2026, 4, 4), date(2026, 4, 4)),
    ]


def test_refetching_leaves_counts_and_sums_unchanged(advertisers, tenant_a, in_tenant_a):
    my = advertisers["Glow Corner MY"]
    end = services.advertiser_today(my)
    start = end - timedelta(days=29)
    services.campaign_stats_sync(advertiser=my, start=start, end=end)
    first = _stats_fingerprint(tenant_a)
    services.campaign_stats_sync(advertiser=my, start=start, end=end)
    services.campaign_stats_sync(advertiser=my, start=end - timedelta(days=6), end=end)  # overlapping window
    assert _stats_fingerprint(tenant_a) == first
    assert first["rows"] > 0 and first["cost"] > 0


def test_recent_days_sync_refetches_the_lookback_window_of_every_advertiser(advertisers, tenant_a, settings, report_calls, in_tenant_a):
    settings.GMVMAX_LOOKBACK_DAYS = 3
    results = services.recent_days_sync(tenant=tenant_a)

    assert len(results) == 4
    for result in results:
        coverage = result.coverage
        today = services.advertiser_today(coverage.advertiser)
        assert (coverage.start_date, coverage.end_date) == (today - timedelta(days=2), today)
    days = set(CampaignDailyStat.objects.for_tenant(tenant_a).values_list("day", flat=True))
    newest = max(services.advertiser_today(a) for a in advertisers.values())
    assert days and min(days) >= newest - timedelta(days=3) and max(days) <= newest
    # The platform's day figures for the window are revised in place, not added twice.
    before = _stats_fingerprint(tenant_a)
    services.recent_days_sync(tenant=tenant_a)
    assert _stats_fingerprint(tenant_a) == before


def test_recent_days_beat_schedule_is_registered():
    from core.registry import beat_schedules

    entries = {entry.task: entry for entry in beat_schedules()}
    assert "gmvmax.tasks.recent_days_sync_all_task" in entries
    # Lost room fetches and backfill parts are the core sync-run sweeper's: no sweeper of ours.
    assert not any(task.startswith("gmvmax.") and "sweep" in task for task in entries)
    assert "core.tasks.sync_runs_sweep_task" in entries


# --- Room fetches -------------------------------------------------------------------------


def _live_campaign(tenant, advertiser) -> GmvMaxCampaign:
    services.campaign_stats_sync(
        advertiser=advertiser, start=services.advertiser_today(advertiser) - timedelta(days=1), end=services.advertiser_today(advertiser)
    )
    return (
        GmvMaxCampaign.objects.for_tenant(tenant)
        .filter(advertiser=advertiser, promotion_type="LIVE_GMV_MAX")
        .order_by("campaign_id")
        .first()
    )


def test_two_requests_for_the_same_campaign_and_range_make_one_fetch(
    advertisers, tenant_a, in_tenant_a, django_capture_on_commit_callbacks
):
    campaign = _live_campaign(tenant_a, advertisers["Glow Corner MY"])
    end = services.advertiser_today(campaign.advertiser) - timedelta(days=1)
    start = end - timedelta(days=6)
    with django_capture_on_commit_callbacks() as callbacks:
        first, created_first = services.room_fetch_request(tenant=tenant_a, campaign=campaign, start=start, end=end)
        second, created_second = services.room_fetch_request(tenant=tenant_a, campaign=campaign, start=start, end=end)
    assert (created_first, created_second) == (True, False)
    assert first.pk == second.pk
    assert len(callbacks) == 1
    run = SyncRun.objects.for_tenant(tenant_a).get(kind=RunKind.ROOM_FETCH)
    assert run.target == f"campaign:{campaign.pk}:{start}..{end}" and run.parts_total == 1


def test_a_fetch_reads_every_page_then_writes_everything_at_once(
    advertisers, tenant_a, clock, report_calls, in_tenant_a, django_capture_on_commit_callbacks
):
    my_live = advertisers["Glow Corner MY Live"]
    campaign = _live_campaign(tenant_a, my_live)
    report_calls.clear()
    end = services.advertiser_today(my_live) - timedelta(days=1)
    start = end - timedelta(days=29)
    with django_capture_on_commit_callbacks(execute=True):
        record, _ = services.room_fetch_request(tenant=tenant_a, campaign=campaign, start=start, end=end)
    record.refresh_from_db()
    part = record.parts.get()
    assert record.state == SyncState.SUCCEEDED
    assert record.attempts == 1 and part.checkpoint["pages"] == 1 and part.checkpoint["requests"] == 1
    (call,) = report_calls
    assert call["dimensions"] == ["room_id", "stat_time_day"]
    assert call["filtering"] == {"campaign_ids": [campaign.campaign_id]}
    assert call["metrics"] == services.ROOM_METRICS
    assert call["promotion_type"] == "LIVE_GMV_MAX"
    rows = expected.sessions(my_live.advertiser_id, campaign.campaign_id, start, end, clock)
    assert LiveRoom.objects.for_tenant(tenant_a).filter(campaign=campaign).count() == len(rows)
    assert RoomDailyStat.objects.for_tenant(tenant_a).filter(campaign=campaign).count() == record.items_done == sum(r["days"] for r in rows)
    coverage = FetchCoverage.objects.for_tenant(tenant_a).get(kind=CoverageKind.ROOMS)
    assert (coverage.target, coverage.start_date, coverage.end_date) == (f"campaign:{campaign.pk}", start, end)


def _dies_after_first_page(original, exc):
    def report_pages(self, **kwargs):
        yield next(iter(original(self, **kwargs)))
        raise exc

    return report_pages


def test_a_worker_killed_between_pages_leaves_a_running_part_that_the_core_sweeper_resumes(
    advertisers, tenant_a, monkeypatch, in_tenant_a, django_capture_on_commit_callbacks
):
    campaign = _live_campaign(tenant_a, advertisers["Glow Corner MY"])
    end = services.advertiser_today(campaign.advertiser) - timedelta(days=1)
    start = end - timedelta(days=6)
    original = BusinessApiClient.gmv_max_report_pages
    # SystemExit is what a worker being shut down raises inside the task: no handler runs.
    monkeypatch.setattr(BusinessApiClient, "gmv_max_report_pages", _dies_after_first_page(original, SystemExit("worker killed")))
    with django_capture_on_commit_callbacks() as callbacks:
        record, _ = services.room_fetch_request(tenant=tenant_a, campaign=campaign, start=start, end=end)
    with pytest.raises(SystemExit):
        callbacks[0]()
    record.refresh_from_db()
    assert (record.state, record.parts.get().state) == (SyncState.RUNNING, SyncState.RUNNING)  # the first page was read...
    assert LiveRoom.objects.for_tenant(tenant_a).count() == 0  # ...and nothing written
    assert not FetchCoverage.objects.for_tenant(tenant_a).filter(kind=CoverageKind.ROOMS).exists()
    assert RoomDailyStat.objects.for_tenant(tenant_a).count() == 0
    shown = services.room_sessions_get(tenant=tenant_a, campaign=campaign, start=start, end=end)
    assert (shown.status, shown.sessions) == ("running", None)  # never a half list shown as complete

    # The part stops moving; the core sweeper re-enqueues it by its registered runner and the
    # next worker finishes it.
    monkeypatch.setattr(BusinessApiClient, "gmv_max_report_pages", original)
    stale = timezone.now() - timedelta(minutes=10)
    SyncRunPart.objects.for_tenant(tenant_a).filter(run=record).update(updated_at=stale)
    with tenant_scope(None), django_capture_on_commit_callbacks(execute=True):
        assert sync_runs_sweep(stale_after_seconds=180) == 1
    record.refresh_from_db()
    assert (record.state, record.parts_done) == (SyncState.SUCCEEDED, 1)
    assert services.room_sessions_get(tenant=tenant_a, campaign=campaign, start=start, end=end).status == "ready"


def test_an_error_between_pages_fails_the_fetch_and_a_retry_completes_it(
    advertisers, tenant_a, monkeypatch, in_tenant_a, django_capture_on_commit_callbacks
):
    campaign = _live_campaign(tenant_a, advertisers["Glow Corner MY"])
    end = services.advertiser_today(campaign.advertiser) - timedelta(days=1)
    start = end - timedelta(days=6)
    original = BusinessApiClient.gmv_max_report_pages
    monkeypatch.setattr(BusinessApiClient, "gmv_max_report_pages", _dies_after_first_page(original, RuntimeError("connection reset")))
    with django_capture_on_commit_callbacks() as callbacks:
        record, _ = services.room_fetch_request(tenant=tenant_a, campaign=campaign, start=start, end=end)
    with pytest.raises(RuntimeError):
        callbacks[0]()
    record.refresh_from_db()
    assert (record.state, record.error) == (SyncState.FAILED, "connection reset")
    assert RoomDailyStat.objects.for_tenant(tenant_a).count() == 0
    shown = services.room_sessions_get(tenant=tenant_a, campaign=campaign, start=start, end=end)
    assert (shown.status, shown.sessions) == ("failed", None)
    # Failed stays failed (no automatic hammering) until retried.
    assert SyncRun.objects.for_tenant(tenant_a).filter(kind=RunKind.ROOM_FETCH).count() == 1

    monkeypatch.setattr(BusinessApiClient, "gmv_max_report_pages", original)
    with django_capture_on_commit_callbacks(execute=True):
        retried = services.room_sessions_get(tenant=tenant_a, campaign=campaign, start=start, end=end, retry=True)
    assert retried.run.pk == record.pk  # the failed run resumed, one more attempt
    record.refresh_from_db()
    assert (record.state, record.attempts, record.error) == (SyncState.SUCCEEDED, 2, "")
    shown = services.room_sessions_get(tenant=tenant_a, campaign=campaign, start=start, end=end)
    assert shown.status == "ready" and shown.sessions is not None


def test_an_upstream_error_fails_the_fetch_with_its_message_and_caches_nothing(
    advertisers, tenant_a, sandbox, in_tenant_a, django_capture_on_commit_callbacks
):
    campaign = _live_campaign(tenant_a, advertisers["Glow Corner MY"])
    end = services.advertiser_today(campaign.advertiser) - timedelta(days=1)
    start = end - timedelta(days=6)
    sandbox.set_faults(EMULATOR, expired_token=True)
    with django_capture_on_commit_callbacks(execute=True):
        record, _ = services.room_fetch_request(tenant=tenant_a, campaign=campaign, start=start, end=end)
    record.refresh_from_db()
    assert record.state == SyncState.FAILED
    assert record.error  # the platform's message
    assert not FetchCoverage.objects.for_tenant(tenant_a).filter(kind=CoverageKind.ROOMS).exists()
    assert RoomDailyStat.objects.for_tenant(tenant_a).count() == 0
    assert services.room_sessions_get(tenant=tenant_a, campaign=campaign, start=start, end=end).status == "failed"


def test_stats_sync_upstream_error_records_no_coverage(advertisers, tenant_a, sandbox, in_tenant_a):
    my = advertisers["Glow Corner MY"]
    sandbox.set_faults(EMULATOR, expired_token=True)
    with pytest.raises(AuthExpired):
        services.campaign_stats_sync(advertiser=my, start=services.advertiser_today(my), end=services.advertiser_today(my))
    assert not FetchCoverage.objects.for_tenant(tenant_a).exists()
    assert CampaignDailyStat.objects.for_tenant(tenant_a).count() == 0


def test_ongoing_rooms_are_refreshed_once_their_data_is_old(
    advertisers, tenant_a, settings, in_tenant_a, django_capture_on_commit_callbacks
):
    campaign = _live_campaign(tenant_a, advertisers["Glow Corner MY"])
    end = services.advertiser_today(campaign.advertiser) - timedelta(days=2)
    start = end - timedelta(days=6)
    with django_capture_on_commit_callbacks(execute=True):
        record, _ = services.room_fetch_request(tenant=tenant_a, campaign=campaign, start=start, end=end)
    long_ago = timezone.now() - timedelta(seconds=settings.GMVMAX_ONGOING_MAX_AGE_SECONDS + 60)
    FetchCoverage.objects.for_tenant(tenant_a).filter(kind=CoverageKind.ROOMS).update(fetched_at=long_ago)
    SyncRun.objects.for_tenant(tenant_a).filter(pk=record.pk).update(created_at=long_ago, finished_at=long_ago)

    # Ended rooms in a past range: served from storage however old, no new fetch.
    shown = services.room_sessions_get(tenant=tenant_a, campaign=campaign, start=start, end=end)
    assert shown.status == "ready"
    assert SyncRun.objects.for_tenant(tenant_a).filter(kind=RunKind.ROOM_FETCH).count() == 1

    # An ONGOING room in the stored list: the stored list is shown, stale, while a refresh runs.
    room = LiveRoom.objects.for_tenant(tenant_a).filter(campaign=campaign).first()
    LiveRoom.objects.for_tenant(tenant_a).filter(pk=room.pk).update(live_status="ONGOING")
    cache.clear()  # rooms are only ever written by fetches, which key the cached list; this edit isn't one
    with django_capture_on_commit_callbacks() as callbacks:
        shown = services.room_sessions_get(tenant=tenant_a, campaign=campaign, start=start, end=end)
    assert shown.status == "queued" and shown.stale and len(shown.sessions) == len(expected_rooms := shown.sessions)
    assert any(s["live_status"] == "ONGOING" for s in expected_rooms)
    for callback in callbacks:
        callback()
    shown = services.room_sessions_get(tenant=tenant_a, campaign=campaign, start=start, end=end)
    assert shown.status == "ready" and not shown.stale
    assert all(s["live_status"] != "ONGOING" for s in shown.sessions)  # the platform says they ended
    assert SyncRun.objects.for_tenant(tenant_a).filter(kind=RunKind.ROOM_FETCH, state=SyncState.SUCCEEDED).count() == 2


def test_money_parsing_treats_dash_as_zero():
    assert services._money("-") == Decimal("0")
    assert services._money("12.5") == Decimal("12.50")
    assert services._count("-") == 0
