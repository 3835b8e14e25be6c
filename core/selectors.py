"""Reads for tenancy, API keys, sync runs and the upstream call log."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, QuerySet
from django.utils import timezone

from core.models import ApiCallLog, ApiKey, Membership, SyncRun, SyncRunPart, SyncState, Tenant

API_KEY_PREFIX = "cap"


def membership_active_for_user(user, active_tenant_id: int | None) -> Membership | None:
    """The membership the user works in: the one chosen in the session, else the most recently
    used one. ``None`` when the user belongs to no tenant."""
    memberships = Membership.objects.select_related("tenant").filter(user=user)
    if active_tenant_id is not None:
        chosen = memberships.filter(tenant_id=active_tenant_id).first()
        if chosen is not None:
            return chosen
    return memberships.order_by("-last_active_at", "tenant__name").first()


def memberships_for_user(user) -> QuerySet[Membership]:
    return Membership.objects.select_related("tenant").filter(user=user).order_by("tenant__name")


def members_for_tenant(tenant: Tenant) -> QuerySet[Membership]:
    return Membership.objects.select_related("user").filter(tenant=tenant).order_by("user__username")


def hash_api_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def api_key_parse_prefix(raw_key: str) -> str | None:
    parts = raw_key.split("_")
    if len(parts) != 3 or parts[0] != API_KEY_PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1]


def api_key_authenticate(raw_key: str) -> ApiKey | None:
    """The active key matching ``raw_key``, compared in constant time; ``None`` otherwise."""
    prefix = api_key_parse_prefix(raw_key)
    if prefix is None:
        return None
    api_key = ApiKey.objects.select_related("tenant").filter(prefix=prefix, revoked_at__isnull=True).first()
    if api_key is None or not hmac.compare_digest(api_key.key_hash, hash_api_key(raw_key)):
        return None
    return api_key


def api_keys_for_tenant(tenant: Tenant) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(tenant=tenant).select_related("created_by")


# --- Sync runs ----------------------------------------------------------------------------


def sync_runs_for_tenant(tenant: Tenant, *, kind: str | None = None, target: str | None = None) -> QuerySet[SyncRun]:
    runs = SyncRun.objects.for_tenant(tenant)
    if kind:
        runs = runs.filter(kind=kind)
    if target:
        runs = runs.filter(target=target)
    return runs


def sync_run_active(tenant: Tenant, *, kind: str, target: str) -> SyncRun | None:
    return sync_runs_for_tenant(tenant, kind=kind, target=target).filter(state__in=[SyncState.PENDING, SyncState.RUNNING]).first()


def sync_run_progress(run: SyncRun, *, now=None) -> dict:
    """Progress figures shown by the progress bar and the JSON status: percent, rate, ETA."""
    now = now or timezone.now()
    started = run.started_at or run.created_at
    end = run.finished_at or now
    elapsed = max((end - started).total_seconds(), 0.0)
    rate = run.items_done / elapsed if elapsed > 0 else 0.0
    percent = None
    eta_seconds = None
    if run.state == SyncState.SUCCEEDED:
        percent = 100.0
    elif run.items_total:
        percent = round(min(run.items_done / run.items_total, 1.0) * 100, 1)
        if rate > 0 and run.is_active:
            eta_seconds = round(max(run.items_total - run.items_done, 0) / rate, 1)
    elif run.parts_total:
        percent = round(run.parts_done / run.parts_total * 100, 1)
    return {
        "id": run.pk,
        "kind": run.kind,
        "target": run.target,
        "label": run.label,
        "state": run.state,
        "is_active": run.is_active,
        "items_done": run.items_done,
        "items_total": run.items_total,
        "pages_done": run.pages_done,
        "parts_done": run.parts_done,
        "parts_total": run.parts_total,
        "percent": percent,
        "rate_per_second": round(rate, 1),
        "eta_seconds": eta_seconds,
        "elapsed_seconds": round(elapsed, 1),
        "counters": run.counters,
        "attempts": run.attempts,
        "error": run.error,
        "created_at": run.created_at,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
    }


# --- Upstream call log --------------------------------------------------------------------


def api_calls_for_tenant(tenant: Tenant, *, provider: str | None = None, outcome: str | None = None) -> QuerySet[ApiCallLog]:
    calls = ApiCallLog.objects.for_tenant(tenant)
    if provider:
        calls = calls.filter(provider=provider)
    if outcome:
        calls = calls.filter(outcome=outcome)
    return calls


# --- Pages: overview and filters ----------------------------------------------------------


@dataclass(frozen=True)
class TenantOverview:
    members: int
    api_keys_active: int
    runs_by_state: dict[str, int]  # every sync state, in SyncState order, zeros included
    calls_by_outcome: dict[str, int]  # upstream calls in the window, most frequent first
    calls_total: int


def tenant_overview(tenant: Tenant, *, now=None, calls_window: timedelta = timedelta(hours=24)) -> TenantOverview:
    """The overview page's counts: four grouped queries, whatever the table sizes."""
    since = (now or timezone.now()) - calls_window
    by_outcome = api_call_outcome_counts(tenant, since=since)
    return TenantOverview(
        members=Membership.objects.filter(tenant=tenant).count(),
        api_keys_active=ApiKey.objects.filter(tenant=tenant, revoked_at__isnull=True).count(),
        runs_by_state=sync_run_state_counts(tenant),
        calls_by_outcome=by_outcome,
        calls_total=sum(by_outcome.values()),
    )


def sync_run_state_counts(tenant: Tenant) -> dict[str, int]:
    counts = dict(SyncRun.objects.for_tenant(tenant).order_by().values_list("state").annotate(n=Count("id")))
    return {state: counts.get(state, 0) for state in SyncState.values}


def api_call_outcome_counts(tenant: Tenant, *, since) -> dict[str, int]:
    rows = (
        ApiCallLog.objects.for_tenant(tenant)
        .filter(created_at__gte=since)
        .order_by()
        .values_list("outcome")
        .annotate(n=Count("id"))
        .order_by("-n", "outcome")
    )
    return dict(rows)


def sync_runs_search(tenant: Tenant, *, kind: str | None = None, state: str | None = None) -> QuerySet[SyncRun]:
    runs = sync_runs_for_tenant(tenant, kind=kind)
    if state:
        runs = runs.filter(state=state)
    return runs


def sync_run_kinds(tenant: Tenant) -> list[str]:
    return list(SyncRun.objects.for_tenant(tenant).order_by("kind").values_list("kind", flat=True).distinct())


def sync_run_parts(run: SyncRun) -> QuerySet[SyncRunPart]:
    return SyncRunPart.objects.for_tenant(run.tenant_id).filter(run=run).order_by("position", "id")


def api_call_providers(tenant: Tenant) -> list[str]:
    return list(ApiCallLog.objects.for_tenant(tenant).order_by("provider").values_list("provider", flat=True).distinct())


def api_call_outcomes(tenant: Tenant) -> list[str]:
    return list(ApiCallLog.objects.for_tenant(tenant).order_by("outcome").values_list("outcome", flat=True).distinct())
