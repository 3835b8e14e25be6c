"""Sync runs: long jobs split into resumable parts (start, dispatch, claim, page commit, settle, resume, cancel, sweep)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from core.correlation import get_correlation_id
from core.errors import CoreError
from core.exceptions import ApplicationError, Conflict
from core.jobs import enqueue
from core.models import SyncRun, SyncRunPart, SyncState, Tenant
from core.registry import sync_runner
from core.selectors import sync_run_active

#
# A run is split into parts; each part is worked by one task at a time, page by page. A page's
# rows and the part's new checkpoint are committed together (``sync_page_commit``), so a worker
# killed at any point resumes from the last committed page and writes nothing twice.

# Apps declare their part runners on their AppConfig (``sync_runners``: kind -> task name);
# this registry only holds runners added at run time (ad-hoc kinds, tests).
_part_runners: dict[str, Callable] = {}


def sync_register_runner(kind: str, task) -> None:
    """Register a Celery task object to work parts of ``kind`` at run time, ahead of what the
    apps declare; it is called as ``task.delay(tenant_id=..., part_id=...)``."""
    _part_runners[kind] = task


def _has_runner(kind: str) -> bool:
    return kind in _part_runners or sync_runner(kind) is not None


class SyncRunConflict(Conflict):
    code = CoreError.SYNC_RUNNING

    def __init__(self, run: SyncRun):
        super().__init__(f"A {run.kind} sync for {run.target} is already {run.state}.", extra={"sync_run_id": run.pk})
        self.run = run


class StaleCheckpoint(ApplicationError):
    """Another worker committed this part's page first; this one's page is discarded."""

    code = CoreError.STALE_CHECKPOINT
    status = 409


def sync_run_start(
    *,
    tenant: Tenant,
    kind: str,
    target: str,
    parts: Iterable[tuple[str, dict]] = (("main", {}),),
    params: dict | None = None,
    label: str = "",
    items_total: int | None = None,
    requested_by=None,
    dispatch: bool = True,
) -> SyncRun:
    """Create a run and its parts, and enqueue the parts once the transaction commits.

    Raises ``SyncRunConflict`` (carrying the running run) if one is already active for this
    kind and target: the partial unique index makes that hold across processes too.
    """
    now = timezone.now()
    parts = list(parts)
    try:
        with transaction.atomic():
            run = SyncRun.objects.create(
                tenant=tenant,
                kind=kind,
                target=target,
                label=label,
                params=params or {},
                state=SyncState.RUNNING,
                items_total=items_total,
                parts_total=len(parts),
                requested_by=requested_by,
                correlation_id=get_correlation_id(),
                created_at=now,
                started_at=now,
                heartbeat_at=now,
            )
            SyncRunPart.objects.bulk_create(
                [
                    SyncRunPart(tenant=tenant, run=run, key=key, position=i, params=part_params, updated_at=now)
                    for i, (key, part_params) in enumerate(parts)
                ]
            )
    except IntegrityError:
        running = sync_run_active(tenant, kind=kind, target=target)
        if running is None:  # the other run finished between our insert and this read
            raise
        raise SyncRunConflict(running) from None
    if dispatch:
        sync_run_dispatch(run=run)
    return run


def sync_run_dispatch(*, run: SyncRun, parts: Iterable[SyncRunPart] | None = None) -> int:
    """Enqueue the run's pending parts (after commit). Returns how many were enqueued."""
    runner = _part_runners.get(run.kind)
    runner_name = sync_runner(run.kind)
    if runner is None and runner_name is None:
        raise ApplicationError(f"No runner registered for sync kind {run.kind!r}.", code=CoreError.NO_RUNNER, status=500)
    parts = (
        list(parts) if parts is not None else list(SyncRunPart.objects.for_tenant(run.tenant_id).filter(run=run, state=SyncState.PENDING))
    )
    for part in parts:
        if runner is not None:
            transaction.on_commit(lambda part=part: runner.delay(tenant_id=run.tenant_id, part_id=part.pk))
        else:
            enqueue(runner_name, tenant_id=run.tenant_id, part_id=part.pk)
    return len(parts)


def sync_part_claim(*, part: SyncRunPart) -> SyncRunPart | None:
    """Mark a part running and return it fresh, with the checkpoint to resume from. ``None``
    when there is nothing to do (already done, or its run was cancelled)."""
    with transaction.atomic():
        part = SyncRunPart.all_tenants.select_for_update().select_related("run").get(pk=part.pk)
        if part.state == SyncState.SUCCEEDED or part.run.state not in (SyncState.PENDING, SyncState.RUNNING):
            return None
        now = timezone.now()
        part.state = SyncState.RUNNING
        part.started_at = part.started_at or now
        part.updated_at = now
        part.save(update_fields=["state", "started_at", "updated_at"])
    return part


def sync_page_commit(
    *,
    part: SyncRunPart,
    write_rows: Callable[[], object],
    checkpoint: dict,
    items: int,
    done: bool = False,
    items_total: int | None = None,
) -> SyncRunPart:
    """Write one page's rows and the part's checkpoint in one transaction.

    ``write_rows`` performs the page's upserts. The checkpoint only moves if no other worker
    moved it since this one read it (``seq``); otherwise everything rolls back and
    ``StaleCheckpoint`` is raised.
    """
    now = timezone.now()
    with transaction.atomic():
        updated = SyncRunPart.all_tenants.filter(pk=part.pk, seq=part.seq, state=SyncState.RUNNING).update(
            checkpoint=checkpoint,
            seq=F("seq") + 1,
            items_done=F("items_done") + items,
            state=SyncState.SUCCEEDED if done else SyncState.RUNNING,
            updated_at=now,
            **({"items_total": items_total} if items_total is not None else {}),
        )
        if updated != 1:
            raise StaleCheckpoint(f"Part {part.pk} moved on since page {part.seq}; page discarded.")
        write_rows()
        SyncRun.all_tenants.filter(pk=part.run_id).update(
            items_done=F("items_done") + items,
            pages_done=F("pages_done") + 1,
            parts_done=F("parts_done") + (1 if done else 0),
            heartbeat_at=now,
        )
    part.checkpoint = checkpoint
    part.seq += 1
    part.items_done += items
    part.updated_at = now
    if items_total is not None:
        part.items_total = items_total
    if done:
        part.state = SyncState.SUCCEEDED
        sync_run_settle(run_id=part.run_id)
    return part


def sync_part_fail(*, part: SyncRunPart, error: str) -> None:
    now = timezone.now()
    with transaction.atomic():
        SyncRunPart.all_tenants.filter(pk=part.pk).update(state=SyncState.FAILED, error=error[:2000], updated_at=now)
        SyncRun.all_tenants.filter(pk=part.run_id).update(error=error[:2000], heartbeat_at=now)
    sync_run_settle(run_id=part.run_id)


def sync_run_settle(*, run_id: int) -> SyncRun:
    """Finish the run when no part is left to work: succeeded if all parts did, else failed."""
    with transaction.atomic():
        run = SyncRun.all_tenants.select_for_update().get(pk=run_id)
        if not run.is_active:
            return run
        states = list(SyncRunPart.all_tenants.filter(run_id=run_id).values_list("state", flat=True))
        if any(state in (SyncState.PENDING, SyncState.RUNNING) for state in states):
            return run
        run.state = SyncState.SUCCEEDED if all(s == SyncState.SUCCEEDED for s in states) else SyncState.FAILED
        run.finished_at = timezone.now()
        if run.state == SyncState.SUCCEEDED:
            run.error = ""
        run.save(update_fields=["state", "finished_at", "error"])
    return run


def sync_run_resume(*, run: SyncRun) -> SyncRun:
    """Resume a failed run (or a running one whose workers died): its unfinished parts go back
    to pending and are enqueued again from their last checkpoint."""
    with transaction.atomic():
        run = SyncRun.all_tenants.select_for_update().get(pk=run.pk)
        if run.state in (SyncState.SUCCEEDED, SyncState.CANCELLED):
            raise ApplicationError(f"A {run.state} sync can't be resumed.", code=CoreError.NOT_RESUMABLE, status=409)
        if run.state == SyncState.FAILED and sync_run_active(run.tenant, kind=run.kind, target=run.target):
            raise SyncRunConflict(sync_run_active(run.tenant, kind=run.kind, target=run.target))
        parts = list(SyncRunPart.all_tenants.filter(run=run).exclude(state=SyncState.SUCCEEDED))
        SyncRunPart.all_tenants.filter(pk__in=[p.pk for p in parts]).update(state=SyncState.PENDING, error="", updated_at=timezone.now())
        run.state = SyncState.RUNNING
        run.error = ""
        run.finished_at = None
        run.attempts += 1
        run.heartbeat_at = timezone.now()
        run.save(update_fields=["state", "error", "finished_at", "attempts", "heartbeat_at"])
        for part in parts:
            part.state = SyncState.PENDING
        sync_run_dispatch(run=run, parts=parts)
    return run


def sync_run_cancel(*, run: SyncRun) -> SyncRun:
    with transaction.atomic():
        run = SyncRun.all_tenants.select_for_update().get(pk=run.pk)
        if run.is_active:
            SyncRunPart.all_tenants.filter(run=run).exclude(state=SyncState.SUCCEEDED).update(
                state=SyncState.CANCELLED, updated_at=timezone.now()
            )
            run.state = SyncState.CANCELLED
            run.finished_at = timezone.now()
            run.save(update_fields=["state", "finished_at"])
    return run


def sync_runs_sweep(*, stale_after_seconds: int = 300) -> int:
    """Cross-tenant on purpose (beat): re-enqueue parts whose worker or message was lost.

    A part counts as lost when it is pending or running and has not moved for
    ``stale_after_seconds``. Its checkpoint makes the retry resume, not restart.
    """
    cutoff = timezone.now() - timedelta(seconds=stale_after_seconds)
    stale = (
        SyncRunPart.all_tenants.select_related("run")
        .filter(state__in=[SyncState.PENDING, SyncState.RUNNING], updated_at__lt=cutoff, run__state=SyncState.RUNNING)
        .order_by("run_id", "position")
    )
    count = 0
    for part in stale:
        if not _has_runner(part.run.kind):
            continue
        with transaction.atomic():
            touched = SyncRunPart.all_tenants.filter(pk=part.pk, updated_at=part.updated_at).update(
                state=SyncState.PENDING, updated_at=timezone.now()
            )
            if touched:
                sync_run_dispatch(run=part.run, parts=[part])
                count += touched
    return count
