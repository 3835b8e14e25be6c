"""Sync runs: start/conflict, page commits with checkpoints, resume, settle, sweep."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from core.models import SyncRun, SyncRunPart, SyncState
from core.selectors import sync_run_progress
from core.services import (
    StaleCheckpoint,
    SyncRunConflict,
    sync_page_commit,
    sync_part_claim,
    sync_part_fail,
    sync_register_runner,
    sync_run_cancel,
    sync_run_resume,
    sync_run_start,
    sync_runs_sweep,
)
from core.tasks import tenant_task

pytestmark = pytest.mark.django_db

KIND = "test.pages"
dispatched: list[tuple[int, int]] = []


@tenant_task(name="tests.sync_part_recorder")
def sync_part_recorder(*, tenant_id: int, part_id: int) -> None:
    dispatched.append((tenant_id, part_id))


@pytest.fixture(autouse=True)
def _runner():
    dispatched.clear()
    sync_register_runner(KIND, sync_part_recorder)
    yield


def _start(tenant, parts=(("w1", {"from": 1}), ("w2", {"from": 2})), **kwargs):
    return sync_run_start(tenant=tenant, kind=KIND, target="shop:1", parts=parts, **kwargs)


def test_start_creates_parts_and_dispatches_after_commit(tenant_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run = _start(tenant_a, items_total=10)
    assert run.state == SyncState.RUNNING and run.parts_total == 2
    parts = list(SyncRunPart.objects.for_tenant(tenant_a).filter(run=run))
    assert [(p.key, p.params, p.state) for p in parts] == [("w1", {"from": 1}, "pending"), ("w2", {"from": 2}, "pending")]
    assert len(callbacks) == 2
    assert dispatched == [(tenant_a.pk, parts[0].pk), (tenant_a.pk, parts[1].pk)]


def test_second_start_for_same_target_conflicts_with_the_running_one(tenant_a, tenant_b):
    first = _start(tenant_a, dispatch=False)
    with pytest.raises(SyncRunConflict) as excinfo:
        _start(tenant_a, dispatch=False)
    assert excinfo.value.run.pk == first.pk
    assert excinfo.value.status == 409 and excinfo.value.extra == {"sync_run_id": first.pk}
    # Same target in another tenant is independent.
    assert _start(tenant_b, dispatch=False).tenant_id == tenant_b.pk


def test_pages_commit_rows_and_checkpoint_together(tenant_a):
    run = _start(tenant_a, parts=(("main", {}),), items_total=5, dispatch=False)
    part = sync_part_claim(part=SyncRunPart.all_tenants.get(run=run))
    written = []

    part = sync_page_commit(part=part, write_rows=lambda: written.append("page1"), checkpoint={"page_token": "p2"}, items=3)
    part = sync_page_commit(part=part, write_rows=lambda: written.append("page2"), checkpoint={"page_token": None}, items=2, done=True)

    assert written == ["page1", "page2"]
    stored = SyncRunPart.all_tenants.get(pk=part.pk)
    assert (stored.state, stored.checkpoint, stored.seq, stored.items_done) == ("succeeded", {"page_token": None}, 2, 5)
    run.refresh_from_db()
    assert (run.state, run.items_done, run.pages_done, run.parts_done) == ("succeeded", 5, 2, 1)
    assert run.finished_at is not None
    progress = sync_run_progress(run)
    assert progress["percent"] == 100.0 and progress["items_done"] == 5 and progress["eta_seconds"] is None


def test_failed_page_write_rolls_back_the_checkpoint(tenant_a):
    run = _start(tenant_a, parts=(("main", {}),), dispatch=False)
    part = sync_part_claim(part=SyncRunPart.all_tenants.get(run=run))

    def explode():
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        sync_page_commit(part=part, write_rows=explode, checkpoint={"page_token": "p2"}, items=100)
    stored = SyncRunPart.all_tenants.get(pk=part.pk)
    assert (stored.checkpoint, stored.seq, stored.items_done) == ({}, 0, 0)
    run.refresh_from_db()
    assert (run.items_done, run.pages_done) == (0, 0)


def test_a_duplicate_worker_cannot_write_the_same_page_twice(tenant_a):
    run = _start(tenant_a, parts=(("main", {}),), dispatch=False)
    part = sync_part_claim(part=SyncRunPart.all_tenants.get(run=run))
    twin = SyncRunPart.all_tenants.get(pk=part.pk)  # a redelivered task read the same checkpoint
    writes = []
    sync_page_commit(part=part, write_rows=lambda: writes.append("first"), checkpoint={"page_token": "p2"}, items=10)
    with pytest.raises(StaleCheckpoint):
        sync_page_commit(part=twin, write_rows=lambda: writes.append("twin"), checkpoint={"page_token": "p2"}, items=10)
    assert writes == ["first"]
    run.refresh_from_db()
    assert run.items_done == 10 and run.pages_done == 1


def test_failed_part_fails_the_run_and_resume_continues_from_the_checkpoint(tenant_a, django_capture_on_commit_callbacks):
    run = _start(tenant_a, dispatch=False)
    first, second = SyncRunPart.all_tenants.filter(run=run).order_by("position")
    first = sync_part_claim(part=first)
    sync_page_commit(part=first, write_rows=lambda: None, checkpoint={"cursor": "c9"}, items=4, done=True)
    second = sync_part_claim(part=second)
    second = sync_page_commit(part=second, write_rows=lambda: None, checkpoint={"cursor": "half"}, items=2)
    sync_part_fail(part=second, error="Upstream 503 after 4 attempts")
    run.refresh_from_db()
    assert run.state == SyncState.FAILED and run.error == "Upstream 503 after 4 attempts"

    with django_capture_on_commit_callbacks(execute=True):
        resumed = sync_run_resume(run=run)
    assert resumed.state == SyncState.RUNNING and resumed.attempts == 2 and resumed.error == ""
    assert dispatched == [(tenant_a.pk, second.pk)]  # only the unfinished part
    again = sync_part_claim(part=second)
    assert again.checkpoint == {"cursor": "half"} and again.items_done == 2
    sync_page_commit(part=again, write_rows=lambda: None, checkpoint={"cursor": None}, items=3, done=True)
    run.refresh_from_db()
    assert (run.state, run.items_done, run.parts_done) == ("succeeded", 9, 2)


def test_cancelled_run_parts_are_not_claimed(tenant_a):
    run = _start(tenant_a, dispatch=False)
    sync_run_cancel(run=run)
    run.refresh_from_db()
    assert run.state == SyncState.CANCELLED
    assert sync_part_claim(part=SyncRunPart.all_tenants.filter(run=run).first()) is None
    # A cancelled run no longer blocks a new one.
    assert _start(tenant_a, dispatch=False).pk != run.pk


def test_sweep_redispatches_only_stale_parts(tenant_a, tenant_b, django_capture_on_commit_callbacks):
    stale_run = _start(tenant_a, parts=(("main", {}),), dispatch=False)
    fresh_run = _start(tenant_b, parts=(("main", {}),), dispatch=False)
    stale_part = SyncRunPart.all_tenants.get(run=stale_run)
    SyncRunPart.all_tenants.filter(pk=stale_part.pk).update(state=SyncState.RUNNING, updated_at=timezone.now() - timedelta(minutes=10))
    with django_capture_on_commit_callbacks(execute=True):
        assert sync_runs_sweep(stale_after_seconds=300) == 1
    assert dispatched == [(tenant_a.pk, stale_part.pk)]
    assert SyncRunPart.all_tenants.get(pk=stale_part.pk).state == SyncState.PENDING
    assert SyncRunPart.all_tenants.get(run=fresh_run).state == SyncState.PENDING


def test_progress_reports_rate_and_eta(tenant_a):
    run = _start(tenant_a, parts=(("main", {}),), items_total=1000, dispatch=False)
    started = timezone.now() - timedelta(seconds=10)
    SyncRun.all_tenants.filter(pk=run.pk).update(started_at=started, items_done=250)
    run.refresh_from_db()
    progress = sync_run_progress(run, now=started + timedelta(seconds=10))
    assert progress["percent"] == 25.0
    assert progress["rate_per_second"] == 25.0
    assert progress["eta_seconds"] == 30.0


def test_on_commit_dispatch_is_dropped_when_the_start_rolls_back(tenant_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            _start(tenant_a)
            raise RuntimeError("request failed after starting")
    assert dispatched == []
    assert not SyncRun.all_tenants.filter(tenant=tenant_a).exists()
