"""Reads for tenancy, API keys, sync runs and the upstream call log."""

from __future__ import annotations

import hashlib
import hmac
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone

from core.models import ApiCallLog, ApiKey, FxRate, Membership, SavedView, SyncRun, SyncRunPart, SyncState, Tenant, TenantSchedule
from core.registry import ScheduleOption, schedule_option, schedule_options

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


def sync_runs_failing(tenant: Tenant, *, since) -> list[SyncRun]:
    """Per (kind, target), its latest finished run since ``since`` when that run failed: the
    syncs failing now (a later success clears one)."""
    latest: dict[tuple[str, str], SyncRun] = {}
    finished = sync_runs_for_tenant(tenant).filter(created_at__gte=since, state__in=[SyncState.SUCCEEDED, SyncState.FAILED])
    for run in finished.order_by("-created_at", "-id")[:1000]:
        latest.setdefault((run.kind, run.target), run)
    return [run for run in latest.values() if run.state == SyncState.FAILED]


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


def api_calls_for_tenant(
    tenant: Tenant,
    *,
    provider: str | None = None,
    outcome: str | None = None,
    correlation_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[ApiCallLog]:
    calls = ApiCallLog.objects.for_tenant(tenant)
    if provider:
        calls = calls.filter(provider=provider)
    if outcome:
        calls = calls.filter(outcome=outcome)
    if correlation_id:
        calls = calls.filter(correlation_id=correlation_id)
    return _within(calls, since, until)


def _within(rows: QuerySet, since: datetime | None, until: datetime | None) -> QuerySet:
    """Rows created in [since, until): a page's date range as moments."""
    if since is not None:
        rows = rows.filter(created_at__gte=since)
    if until is not None:
        rows = rows.filter(created_at__lt=until)
    return rows


# --- Pages: filters ----------------------------------------------------------


def sync_runs_search(
    tenant: Tenant, *, kind: str | None = None, state: str | None = None, since: datetime | None = None, until: datetime | None = None
) -> QuerySet[SyncRun]:
    runs = sync_runs_for_tenant(tenant, kind=kind)
    if state:
        runs = runs.filter(state=state)
    return _within(runs, since, until)


def sync_run_kinds(tenant: Tenant) -> list[str]:
    return list(SyncRun.objects.for_tenant(tenant).order_by("kind").values_list("kind", flat=True).distinct())


def sync_run_parts(run: SyncRun) -> QuerySet[SyncRunPart]:
    return SyncRunPart.objects.for_tenant(run.tenant_id).filter(run=run).order_by("position", "id")


def api_call_providers(tenant: Tenant) -> list[str]:
    return list(ApiCallLog.objects.for_tenant(tenant).order_by("provider").values_list("provider", flat=True).distinct())


def api_call_outcomes(tenant: Tenant) -> list[str]:
    return list(ApiCallLog.objects.for_tenant(tenant).order_by("outcome").values_list("outcome", flat=True).distinct())


# --- Workspace: FX rates, saved views, the business overview ------------------------------


def fx_rates_for_tenant(tenant: Tenant) -> QuerySet[FxRate]:
    return FxRate.objects.for_tenant(tenant).order_by("currency", "-day")


class FxConverter:
    """Converts amounts into the tenant's reporting currency at the rate in force on each day
    (the latest rate dated on or before it; the earliest rate for days before any). A currency
    with no rate at all converts to None and is reported in ``missing``."""

    def __init__(self, tenant: Tenant):
        self.currency = tenant.reporting_currency
        # Per currency, the days rates start on (ascending) and the rates, for a bisect per amount.
        self._days: dict[str, list[date]] = {}
        self._rates: dict[str, list[Decimal]] = {}
        for rate in FxRate.objects.for_tenant(tenant).order_by("currency", "day"):
            self._days.setdefault(rate.currency, []).append(rate.day)
            self._rates.setdefault(rate.currency, []).append(rate.rate)
        self.missing: set[str] = set()

    def rate(self, currency: str, day: date) -> Decimal | None:
        if not currency or currency == self.currency:
            return Decimal(1)
        days = self._days.get(currency)
        if not days:
            self.missing.add(currency)
            return None
        return self._rates[currency][max(bisect_right(days, day) - 1, 0)]

    def convert(self, amount, currency: str, day: date) -> Decimal | None:
        rate = self.rate(currency, day)
        return None if rate is None else Decimal(amount) * rate


@dataclass
class BusinessOverview:
    """The home page's figures for a date range, in the reporting currency."""

    currency: str
    days: list[date]
    totals: dict[str, Decimal | int]
    previous: dict[str, Decimal | int] | None
    by_day: list[dict]
    by_source: list[dict]
    freshness: list
    checklist: list
    missing_rates: list[str]

    @property
    def onboarding(self) -> bool:
        return any(not step.done for step in self.checklist)


def _blend(figures, converter: FxConverter, days: set[date] | None = None):
    """Totals, per day and per source, in the reporting currency."""
    zero = Decimal(0)
    totals = {"gmv": zero, "orders": 0, "ad_spend": zero, "conversions": 0}
    by_day: dict[date, dict] = {}
    # A shop and an ad account of the same name and currency share a row (their MER is the store's).
    by_source: dict[tuple[str, str], dict] = {}
    for figure in figures:
        if days is not None and figure.day not in days:
            continue
        gmv = converter.convert(figure.gmv, figure.currency, figure.day) if figure.gmv else zero
        spend = converter.convert(figure.ad_spend, figure.currency, figure.day) if figure.ad_spend else zero
        for bucket in (totals, by_day.setdefault(figure.day, {"gmv": zero, "orders": 0, "ad_spend": zero, "conversions": 0}),
                       by_source.setdefault((figure.source, figure.currency), {"source": figure.source, "currency": figure.currency, "gmv": zero, "orders": 0, "ad_spend": zero, "conversions": 0, "native_gmv": zero, "native_spend": zero, "missing_rate": False})):
            bucket["gmv"] += gmv or zero
            bucket["ad_spend"] += spend or zero
            bucket["orders"] += figure.orders
            bucket["conversions"] += figure.conversions
        if (figure.gmv and gmv is None) or (figure.ad_spend and spend is None):
            by_source[figure.source, figure.currency]["missing_rate"] = True
        by_source[figure.source, figure.currency]["native_gmv"] += Decimal(figure.gmv or 0)
        by_source[figure.source, figure.currency]["native_spend"] += Decimal(figure.ad_spend or 0)
    return totals, by_day, by_source


def _with_ratios(row: dict) -> dict:
    spend = row["ad_spend"]
    # Blended shop GMV per unit of ad spend; without GMV (no shop yet) there is nothing to blend.
    row["mer"] = (row["gmv"] / spend) if spend and row["gmv"] else None
    row["aov"] = (row["gmv"] / row["orders"]) if row["orders"] else None
    return row


def business_overview(tenant: Tenant, date_range) -> BusinessOverview:
    """GMV, orders, ad spend, MER and conversions from every app (``core.registry.overviews``),
    for ``date_range`` and its comparison, converted into the reporting currency."""
    from core.registry import overviews

    converter = FxConverter(tenant)
    parts = overviews(tenant, date_range)
    figures = [figure for part in parts for figure in part.figures]
    span = [date_range.start + timedelta(days=offset) for offset in range(date_range.days)]
    totals, by_day, by_source = _blend(figures, converter, set(span))
    previous = None
    if date_range.compare_start is not None:
        compare_days = {date_range.compare_start + timedelta(days=offset) for offset in range((date_range.compare_end - date_range.compare_start).days + 1)}
        previous = _with_ratios(_blend(figures, converter, compare_days)[0])
    zero_day = {"gmv": Decimal(0), "orders": 0, "ad_spend": Decimal(0), "conversions": 0}
    return BusinessOverview(
        currency=converter.currency,
        days=span,
        totals=_with_ratios(totals),
        previous=previous,
        by_day=[_with_ratios({"day": day, **by_day.get(day, dict(zero_day))}) for day in span],
        # A source with spend but no GMV of its own (an ad account) has no MER of its own.
        by_source=sorted((_with_ratios(row) | ({"mer": None} if not row["gmv"] else {}) for row in by_source.values()), key=lambda row: (-row["gmv"], -row["ad_spend"], row["source"])),
        freshness=[item for part in parts for item in part.freshness],
        checklist=sorted((step for part in parts for step in part.checklist), key=lambda step: step.order),
        missing_rates=sorted(converter.missing),
    )


def saved_views_for(tenant: Tenant, user) -> QuerySet[SavedView]:
    """The member's own views and the ones others shared."""
    return SavedView.objects.for_tenant(tenant).filter(Q(user=user) | Q(shared=True)).select_related("user").order_by("name")


# --- Schedules (Settings → Schedules) ------------------------------------------------------


@dataclass(frozen=True)
class ScheduleSetting:
    """One schedulable job as a tenant has it: the app's declaration and the tenant's choice."""

    option: ScheduleOption
    enabled: bool
    every_minutes: int
    customised: bool
    updated_at: object = None
    updated_by: object = None

    @property
    def key(self) -> str:
        return self.option.key


def schedules_for_tenant(tenant: Tenant) -> list[ScheduleSetting]:
    """Every job the apps declare, with the tenant's choice or the default."""
    chosen = {row.key: row for row in TenantSchedule.objects.for_tenant(tenant).select_related("updated_by")}
    settings = []
    for option in schedule_options():
        row = chosen.get(option.key)
        if row is None:
            settings.append(ScheduleSetting(option, True, option.every_minutes, False))
        else:
            settings.append(ScheduleSetting(option, row.enabled, row.every_minutes, True, row.updated_at, row.updated_by))
    return settings


def _is_due(option: ScheduleOption, enabled: bool, every_minutes: int, now) -> bool:
    """Whether the beat tick at ``now`` is the one that starts this job: the first tick after
    each multiple of ``every_minutes`` (counted from the Unix epoch, UTC). Stateless, so a
    missed or repeated tick never shifts later runs."""
    if not enabled:
        return False
    minute = int(now.timestamp() // 60)
    return minute // every_minutes != (minute - option.tick_minutes) // every_minutes


def schedule_due(tenant: Tenant, key: str, now=None) -> bool:
    """Whether the job ``key`` should run for ``tenant`` on the beat tick at ``now``."""
    return schedule_due_tenant_ids(key, [tenant.pk], now=now) == [tenant.pk]


def schedule_due_tenant_ids(key: str, tenant_ids, *, now=None) -> list[int]:
    """Of ``tenant_ids``, those whose job ``key`` is due now (one query). Cross-tenant on purpose:
    the beat fan-outs ask it for every tenant at once."""
    option = schedule_option(key)
    tenant_ids = list(tenant_ids)
    if option is None:
        return tenant_ids
    now = now or timezone.now()
    chosen = dict(
        (tenant_id, (enabled, every))
        for tenant_id, enabled, every in TenantSchedule.all_tenants.filter(key=key, tenant_id__in=tenant_ids).values_list("tenant_id", "enabled", "every_minutes")
    )
    return [tenant_id for tenant_id in tenant_ids if _is_due(option, *chosen.get(tenant_id, (True, option.every_minutes)), now)]
