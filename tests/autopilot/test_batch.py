"""The daily batch: an ad account runs once per local day at its schedule's time in its
advertiser's time zone (08:00 without a schedule), disabled schedules skip, two ticks can't
double-start, and a revoked token fails one account's run while the batch goes on."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from autopilot.models import AccountSchedule, BrainRun, RunState, RunTrigger
from autopilot.services import batch as batch_module
from autopilot.services.batch import brain_batch_run
from core.models import ConnectionStatus, SyncRun, SyncState
from tests.autopilot.brain_helpers import build_world, fake_evaluate, fast_retries, pinned_clock  # noqa: F401
from tests.sandbox.tiktok_business_objects import EMULATOR
from tests.tiktok_ads.helpers import connect_business
from tiktok_ads.models import AdAccount, Advertiser, BusinessConnection


def kl(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of November 2026 in Kuala Lumpur (the advertiser's zone, UTC+8), as UTC."""
    return datetime(2026, 11, day, hour, minute, tzinfo=ZoneInfo("Asia/Kuala_Lumpur")).astimezone(UTC)


@pytest.fixture
def world(sandbox, tenant_a, pinned_clock, fake_evaluate, fast_retries):  # noqa: F811
    return build_world(sandbox, tenant_a)


def runs(tenant) -> list[tuple[int, str]]:
    return list(BrainRun.objects.for_tenant(tenant).order_by("id").values_list("ad_account_id", "trigger"))


def test_default_time_is_eight_in_the_advertisers_zone_once_a_day(world):
    assert brain_batch_run(now=kl(18, 7, 59)).started == []
    batch = brain_batch_run(now=kl(18, 8, 0))
    assert len(batch.started) == 1
    assert runs(world.tenant) == [(world.account.pk, RunTrigger.SCHEDULE)]
    schedule = AccountSchedule.objects.for_tenant(world.tenant).get(ad_account=world.account)
    assert (schedule.enabled, schedule.run_at, schedule.last_run_on) == (True, time(8, 0), date(2026, 11, 18))
    run = BrainRun.objects.for_tenant(world.tenant).get()
    assert run.batch_id == batch.batch_id == run.correlation_id
    BrainRun.objects.for_tenant(world.tenant).update(state=RunState.SUCCEEDED)
    assert brain_batch_run(now=kl(18, 23, 55)).started == []  # same local day
    assert brain_batch_run(now=kl(19, 7, 55)).started == []  # next day, before 08:00


def test_a_schedule_of_its_own_and_a_disabled_one(world, tenant_a):
    AccountSchedule.objects.create(tenant=tenant_a, ad_account=world.account, run_at=time(13, 30))
    assert brain_batch_run(now=kl(18, 13, 29)).started == []
    assert len(brain_batch_run(now=kl(18, 13, 30)).started) == 1
    AccountSchedule.objects.for_tenant(tenant_a).update(enabled=False, last_run_on=None)
    assert brain_batch_run(now=kl(19, 14, 0)).started == []


def test_the_next_local_day_runs_again(world):
    assert len(brain_batch_run(now=kl(18, 9, 0)).started) == 1
    SyncRun.objects.for_tenant(world.tenant).update(state=SyncState.SUCCEEDED)
    BrainRun.objects.for_tenant(world.tenant).update(state=RunState.SUCCEEDED)
    assert len(brain_batch_run(now=kl(19, 9, 0)).started) == 1
    assert AccountSchedule.objects.for_tenant(world.tenant).get().last_run_on == date(2026, 11, 19)


def test_a_day_is_claimed_once_even_if_a_tick_read_it_before(world):
    AccountSchedule.objects.create(tenant=world.tenant, ad_account=world.account)
    stale = AccountSchedule.objects.for_tenant(world.tenant).get()
    assert batch_module._claim(world.account, stale, date(2026, 11, 18)) is True
    assert batch_module._claim(world.account, stale, date(2026, 11, 18)) is False  # the other beat read the same row
    assert batch_module._claim(world.account, None, date(2026, 11, 18)) is False


def test_inactive_accounts_and_accounts_without_advertiser_are_not_run(world, tenant_a):
    AdAccount.objects.create(tenant=tenant_a, name="No TikTok")
    AdAccount.objects.for_tenant(tenant_a).filter(pk=world.account.pk).update(is_active=False)
    assert brain_batch_run(now=kl(18, 9, 0)).started == []


def test_a_revoked_token_fails_that_run_and_the_batch_goes_on(world, tenant_b, sandbox, django_capture_on_commit_callbacks):
    connect_business(tenant_b)
    advertiser_b = Advertiser.objects.for_tenant(tenant_b).get(advertiser_id=world.advertiser.advertiser_id)
    account_b = AdAccount.objects.create(tenant=tenant_b, name="B account", advertiser=advertiser_b)
    sandbox.set_faults(EMULATOR, expired_token=True, times=1)  # the first call of the batch: tenant A's run
    with django_capture_on_commit_callbacks(execute=True):
        batch = brain_batch_run(now=kl(18, 9, 0))
    assert len(batch.started) == 2
    run_a = BrainRun.objects.for_tenant(world.tenant).get()
    run_b = BrainRun.objects.for_tenant(tenant_b).get()
    assert run_a.state == RunState.FAILED and "re-authorization" in run_a.error
    assert run_b.state == RunState.SUCCEEDED, run_b.error
    assert run_b.ad_account_id == account_b.pk and run_b.batch_id == run_a.batch_id
    assert BusinessConnection.objects.for_tenant(world.tenant).get().status == ConnectionStatus.NEEDS_REAUTH
    assert BusinessConnection.objects.for_tenant(tenant_b).get().status == ConnectionStatus.ACTIVE
