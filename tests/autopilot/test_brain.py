"""Brain runs on the job tracker: start (404, 400, 409 with the active run), the steps worked to
the end with a ``BrainInput`` of the stored windows, a run resumed after its worker died at a
step (no finished step repeated), upstream failures and a revoked token failing the run."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from autopilot.errors import AutopilotError
from autopilot.models import BrainRun, CreativeMetricDay, DirectionPolicy, RunMode, RunState
from autopilot.services import brain
from core.exceptions import ApplicationError, NotFound
from core.models import ApiCallLog, ConnectionStatus, SyncRun, SyncRunPart, SyncState
from core.tenancy import tenant_scope
from tests.autopilot.brain_helpers import TODAY, build_world, fake_evaluate, fast_retries, pinned_clock  # noqa: F401
from tests.sandbox.tiktok_business_objects import EMULATOR
from tiktok_ads.models import AdAccount, BusinessConnection, Direction, DirectionAdGroup, Lead


@pytest.fixture
def world(sandbox, tenant_a, pinned_clock, fake_evaluate, fast_retries):  # noqa: F811
    return build_world(sandbox, tenant_a)


def start_and_work(world, django_capture_on_commit_callbacks, **kwargs) -> BrainRun:
    with django_capture_on_commit_callbacks(execute=True):
        run = brain.brain_run_start(tenant=world.tenant, ad_account_id=world.account.pk, **kwargs)
    run.refresh_from_db()
    return run


def test_a_run_collects_scores_and_reports(world, fake_evaluate, django_capture_on_commit_callbacks):  # noqa: F811
    run = start_and_work(world, django_capture_on_commit_callbacks, requested_by="ann")
    assert run.state == RunState.SUCCEEDED, run.error
    assert run.mode == RunMode.REPORT_ONLY
    assert (run.window_start, run.window_end) == (TODAY - timedelta(days=6), TODAY)
    assert run.data_as_of == CreativeMetricDay.objects.for_tenant(world.tenant).latest("collected_at").collected_at
    assert {key: run.stats[key] for key in ("collected", "skipped_rows", "errors", "upstream_calls", "campaigns", "adgroups", "ads")} == {
        "collected": 12,
        "skipped_rows": 0,
        "errors": 0,
        "upstream_calls": 5,  # advertiser info, campaigns, ad groups, ads, one report page
        "campaigns": 1,
        "adgroups": 2,
        "ads": 3,
    }
    assert set(run.stats["durations_ms"]) == set(brain.STEPS)
    assert fake_evaluate.dispatched == [run.pk] and fake_evaluate.reported == [run.pk]
    ((run_id, data),) = fake_evaluate.evaluated
    assert run_id == run.pk
    assert data.currency == "MYR" and data.time_zone == "Asia/Kuala_Lumpur"
    assert (data.previous_start, data.previous_end) == (TODAY - timedelta(days=13), TODAY - timedelta(days=7))
    assert sorted(row["adgroup_id"] for row in data.adgroups) == sorted([world.ids["group_a"], world.ids["group_b"]])
    rows = CreativeMetricDay.objects.for_tenant(world.tenant)
    group_a = rows.filter(adgroup_id=world.ids["group_a"])
    assert data.current[world.ids["group_a"]].spend == sum(row.spend for row in group_a)
    assert data.current[world.ids["group_a"]].leads == sum(row.leads for row in group_a)
    assert data.current[world.ids["group_a"]].days == 4
    assert data.ad_current[world.ids["b1"]].impressions == sum(row.impressions for row in rows.filter(creative_key=world.ids["b1"]))
    assert data.previous == {}
    assert data.minimum_daily_budget == Decimal("20.00")
    assert run.summary["spend"] == str(sum(row.spend for row in rows))
    job = SyncRun.objects.for_tenant(world.tenant).get(pk=run.sync_run_id)
    assert (job.kind, job.target, job.state, job.items_done, job.items_total) == (
        "autopilot.brain_tiktok",
        f"ad_account:{world.account.pk}",
        SyncState.SUCCEEDED,
        5,
        5,
    )
    assert run.correlation_id and set(
        ApiCallLog.objects.for_tenant(world.tenant).filter(endpoint__contains="report").values_list("correlation_id", flat=True)
    ) == {run.correlation_id}


def test_autopilot_accounts_run_in_autopilot_mode(world, django_capture_on_commit_callbacks):
    AdAccount.objects.for_tenant(world.tenant).filter(pk=world.account.pk).update(autopilot_tiktok=True)
    run = start_and_work(world, django_capture_on_commit_callbacks)
    assert run.mode == RunMode.AUTOPILOT


def test_direction_limits_and_stored_leads_reach_the_input(world, fake_evaluate, django_capture_on_commit_callbacks):  # noqa: F811
    direction = Direction.objects.create(
        tenant=world.tenant,
        ad_account=world.account,
        name="Leads",
        platform="tiktok",
        tiktok_target_cpl=Decimal("12.50"),
        tiktok_objective="lead_generation",
    )
    DirectionAdGroup.objects.create(tenant=world.tenant, direction=direction, tiktok_adgroup_id=world.ids["group_a"], adgroup_name="A")
    DirectionPolicy.objects.create(tenant=world.tenant, direction=direction, max_daily_budget=Decimal("80.00"), max_raise_pct=15)
    from django.utils import timezone

    moment = timezone.datetime(2026, 11, 17, 3, 0, tzinfo=timezone.get_fixed_timezone(0))
    for n in range(3):
        Lead.objects.create(
            tenant=world.tenant, lead_id=f"L{n}", advertiser=world.advertiser, adgroup_id=world.ids["group_a"], submitted_at=moment
        )
    Lead.objects.create(
        tenant=world.tenant,
        lead_id="old",
        advertiser=world.advertiser,
        adgroup_id=world.ids["group_a"],
        submitted_at=moment - timedelta(days=30),
    )
    start_and_work(world, django_capture_on_commit_callbacks)
    ((_run_id, data),) = fake_evaluate.evaluated
    limits = data.directions[world.ids["group_a"]]
    assert (limits.direction_id, limits.target_cpl, limits.max_daily_budget, limits.max_raise_pct, limits.currency) == (
        direction.pk,
        Decimal("12.50"),
        Decimal("80.00"),
        15,
        "MYR",
    )
    assert world.ids["group_b"] not in data.directions
    assert data.leads_by_adgroup == {world.ids["group_a"]: 3}


def test_unknown_or_other_tenants_account_is_404(world, tenant_b):
    with pytest.raises(NotFound):
        brain.brain_run_start(tenant=tenant_b, ad_account_id=world.account.pk)
    with pytest.raises(NotFound):
        brain.brain_run_start(tenant=world.tenant, ad_account_id="nope")
    assert BrainRun.objects.for_tenant(world.tenant).count() == 0


def test_an_account_without_advertiser_is_400(world):
    bare = AdAccount.objects.create(tenant=world.tenant, name="No TikTok")
    with pytest.raises(ApplicationError) as refused:
        brain.brain_run_start(tenant=world.tenant, ad_account_id=bare.pk)
    assert (refused.value.status, refused.value.code) == (400, AutopilotError.NO_ADVERTISER)
    assert SyncRun.objects.for_tenant(world.tenant).count() == 0


def test_a_second_start_while_one_is_active_is_409_naming_it(world):
    first = brain.brain_run_start(tenant=world.tenant, ad_account_id=world.account.pk)  # not worked: still queued
    with pytest.raises(brain.BrainRunActive) as conflict:
        brain.brain_run_start(tenant=world.tenant, ad_account_id=world.account.pk)
    assert conflict.value.status == 409
    assert conflict.value.extra["run_id"] == first.pk
    assert BrainRun.objects.for_tenant(world.tenant).count() == 1


def test_a_run_killed_mid_step_resumes_without_repeating_finished_steps(world, fake_evaluate, monkeypatch):  # noqa: F811
    run = brain.brain_run_start(tenant=world.tenant, ad_account_id=world.account.pk)
    part = SyncRunPart.objects.for_tenant(world.tenant).get(run_id=run.sync_run_id)

    def killed(**kwargs):
        raise KeyboardInterrupt  # the worker dies: nothing after the last commit happens

    real = brain._STEP_WORK["evaluate"]
    monkeypatch.setitem(brain._STEP_WORK, "evaluate", killed)
    with pytest.raises(KeyboardInterrupt), tenant_scope(world.tenant):
        brain.brain_run_part_run(part_id=part.pk)
    part.refresh_from_db()
    assert (part.state, part.checkpoint["step"], part.items_done) == (SyncState.RUNNING, "evaluate", 2)
    calls = ApiCallLog.objects.for_tenant(world.tenant).count()
    assert CreativeMetricDay.objects.for_tenant(world.tenant).count() == 12

    monkeypatch.setitem(brain._STEP_WORK, "evaluate", real)
    with tenant_scope(world.tenant):
        brain.brain_run_part_run(part_id=part.pk)  # what the sweeper's re-enqueue does
    run.refresh_from_db()
    assert run.state == RunState.SUCCEEDED
    assert ApiCallLog.objects.for_tenant(world.tenant).count() == calls  # neither load nor collect again
    assert len(fake_evaluate.evaluated) == 1 and fake_evaluate.reported == [run.pk]
    assert run.data_as_of is not None and run.stats["collected"] == 12


def test_an_outage_fails_the_run_with_the_reason_after_the_retries(world, sandbox, django_capture_on_commit_callbacks):
    sandbox.set_faults(EMULATOR, status=503)
    run = start_and_work(world, django_capture_on_commit_callbacks)
    assert run.state == RunState.FAILED
    assert run.error.startswith("TikTok could not be reached")
    job = SyncRun.objects.for_tenant(world.tenant).get(pk=run.sync_run_id)
    assert job.state == SyncState.FAILED and job.error
    assert ApiCallLog.objects.for_tenant(world.tenant).filter(endpoint__contains="advertiser").first().attempts == 4


def test_a_failed_collection_keeps_the_newest_stored_figures_time(world, sandbox, django_capture_on_commit_callbacks):
    first = start_and_work(world, django_capture_on_commit_callbacks)
    sandbox.set_faults(EMULATOR, status=503)
    second = start_and_work(world, django_capture_on_commit_callbacks)
    assert second.state == RunState.FAILED
    assert second.data_as_of == first.data_as_of


def test_a_revoked_token_marks_the_connection_and_fails_the_run(world, sandbox, django_capture_on_commit_callbacks):
    sandbox.set_faults(EMULATOR, expired_token=True)
    run = start_and_work(world, django_capture_on_commit_callbacks)
    assert run.state == RunState.FAILED
    assert "re-authorization" in run.error
    connection = BusinessConnection.objects.for_tenant(world.tenant).get(pk=world.advertiser.connection_id)
    assert connection.status == ConnectionStatus.NEEDS_REAUTH
