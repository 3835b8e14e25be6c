"""Brain runs: one ad account's collect → score → propose → (autopilot on) dispatch → report,
as one part of a ``core.SyncRun`` (kind ``autopilot.brain_tiktok``), worked step by step.

Each step ends with a page commit of the part's checkpoint (``{"step": <the next step>, ...}``),
so a worker killed mid-run resumes at the step it was on (core's sweeper re-enqueues it) and
never repeats a finished one. The steps:

``load``      the advertiser's campaigns, ad groups and ads as TikTok has them now (kept in the
              checkpoint for the later steps)
``collect``   the last days' ad figures into ``CreativeMetricDay`` (``collector.py``)
``evaluate``  the ``BrainInput`` of the stored windows, scored and planned (``evaluate.py``)
``dispatch``  autopilot on and fresh data: the proposed actions sent
``report``    the run's report, handed to the outbox

An upstream failure (after the client's retries) fails the run with the reason; a token TikTok
refused marks the connection as needing re-authorization (the client does) and fails the run.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from autopilot.errors import AutopilotError
from autopilot.models import BrainRun, CreativeMetricDay, DirectionPolicy, Platform, RunMode, RunState, RunTrigger
from autopilot.services import collector, evaluate
from autopilot.services.inputs import AdGroupFigures, BrainInput, DirectionLimits
from core.correlation import correlation_scope, get_correlation_id, new_correlation_id
from core.exceptions import ApplicationError, Conflict
from core.http import AuthExpired, UpstreamError
from core.models import SyncRunPart
from core.services import (
    StaleCheckpoint,
    SyncRunConflict,
    sync_page_commit,
    sync_part_claim,
    sync_part_fail,
    sync_run_dispatch,
    sync_run_start,
)
from tiktok_ads import budgets
from tiktok_ads.selectors import ad_account_get, adgroup_direction_ids, directions_list, tiktok_leads_by_adgroup

logger = logging.getLogger("autopilot.brain")

RUN_KIND = "autopilot.brain_tiktok"
STEPS = ("load", "collect", "evaluate", "dispatch", "report")


def run_target(ad_account_id: int) -> str:
    return f"ad_account:{ad_account_id}"


class BrainRunActive(Conflict):
    """A brain run of the ad account is already queued or running; carries it."""

    code = AutopilotError.RUN_ACTIVE

    def __init__(self, run: BrainRun | None, sync_run_id: int | None = None):
        extra = {"sync_run_id": sync_run_id}
        if run is not None:
            extra["run_id"] = run.pk
        super().__init__("A brain run of this ad account is already queued or running.", extra=extra)
        self.run = run


# --- Start ---------------------------------------------------------------------------------


def brain_run_start(
    *,
    tenant,
    ad_account_id,
    trigger: str = RunTrigger.MANUAL,
    requested_by: str = "",
    batch_id: str = "",
    field: str = "ad_account_id",
    enqueue: bool = True,
) -> BrainRun:
    """Queue a brain run of the tenant's ad account ``ad_account_id``.

    404 for an unknown ad account (or another tenant's), 400 when it has no TikTok advertiser,
    409 (``BrainRunActive``, carrying the active run) when one is already queued or running.
    Autopilot mode when the account's ``autopilot_tiktok`` is on, else report only. With
    ``enqueue=False`` the part is left for the caller to work (``brain_run_part_run``)."""
    account = ad_account_get(tenant, ad_account_id, field=field)
    if account.advertiser_id is None:
        raise ApplicationError(
            f"{field}: the ad account {account.name!r} has no TikTok advertiser to run on.",
            code=AutopilotError.NO_ADVERTISER,
            extra={"fields": {field: ["The ad account has no TikTok advertiser."]}},
        )
    correlation_id = batch_id or get_correlation_id() or new_correlation_id()
    mode = RunMode.AUTOPILOT if account.autopilot_tiktok else RunMode.REPORT_ONLY
    with correlation_scope(correlation_id), transaction.atomic():
        try:
            with transaction.atomic():
                sync_run = sync_run_start(
                    tenant=tenant,
                    kind=RUN_KIND,
                    target=run_target(account.pk),
                    label=f"Brain run: {account.name}",
                    items_total=len(STEPS),
                    params={"ad_account": account.pk},
                    dispatch=False,
                )
        except SyncRunConflict as conflict:
            active = BrainRun.objects.for_tenant(tenant).filter(sync_run_id=conflict.run.pk).first()
            raise BrainRunActive(active, conflict.run.pk) from None
        run = BrainRun.objects.create(
            tenant=tenant,
            platform=Platform.TIKTOK,
            ad_account=account,
            sync_run=sync_run,
            trigger=trigger,
            mode=mode,
            state=RunState.QUEUED,
            correlation_id=correlation_id,
            batch_id=batch_id,
            requested_by=requested_by[:200],
        )
        sync_run.params = {"ad_account": account.pk, "brain_run": run.pk}
        sync_run.save(update_fields=["params"])
        if enqueue:
            sync_run_dispatch(run=sync_run)
        logger.info(
            "Brain run %s queued for ad account %s (%s, %s)",
            run.pk,
            account.pk,
            trigger,
            mode,
            extra={"action": "run_queued", "brain_run": run.pk, "ad_account": account.pk, "batch_id": batch_id},
        )
    return run


# --- The part ------------------------------------------------------------------------------


def _stats_merge(run: BrainRun, **values) -> None:
    stats = dict(run.stats or {})
    for key, value in values.items():
        if key == "durations_ms":
            stats["durations_ms"] = {**stats.get("durations_ms", {}), **value}
        elif isinstance(value, int) and key in ("collected", "skipped_rows", "errors", "upstream_calls"):
            stats[key] = stats.get(key, 0) + value
        else:
            stats[key] = value
    run.stats = stats


def _save(run: BrainRun, *fields: str) -> None:
    BrainRun.objects.for_tenant(run.tenant_id).filter(pk=run.pk).update(**{name: getattr(run, name) for name in fields})


def brain_run_part_run(*, part_id: int, client=None) -> SyncRunPart | None:
    """Work a brain run's part from its checkpoint to the end (or the first failure).
    ``None`` when there is nothing to do (done, cancelled, or another worker's)."""
    part = SyncRunPart.objects.select_related("run").filter(pk=part_id).first()
    if part is None or (part := sync_part_claim(part=part)) is None:
        return None
    run = (
        BrainRun.objects.for_tenant(part.tenant_id)
        .select_related("ad_account__advertiser")
        .filter(pk=part.run.params.get("brain_run"))
        .first()
    )
    if run is None:
        sync_part_fail(part=part, error="The brain run of this job is gone.")
        return part
    with correlation_scope(run.correlation_id or None):
        return _work(part, run, client)


def brain_run_work(*, run: BrainRun, client=None) -> BrainRun:
    """Work a run's part here, now (the demo seed; tests): what its task would do."""
    part = SyncRunPart.objects.for_tenant(run.tenant_id).filter(run_id=run.sync_run_id).first()
    if part is not None:
        brain_run_part_run(part_id=part.pk, client=client)
    run.refresh_from_db()
    return run


def _fail(part: SyncRunPart, run: BrainRun, message: str) -> None:
    run.state = RunState.FAILED
    run.error = message[:1000]
    run.finished_at = timezone.now()
    if run.data_as_of is None:
        run.data_as_of = _newest_collected_at(run)
    _save(run, "state", "error", "finished_at", "stats", "data_as_of")
    sync_part_fail(part=part, error=message)
    logger.warning("Brain run %s failed: %s", run.pk, message, extra={"action": "run_failed", "brain_run": run.pk})


def _newest_collected_at(run: BrainRun) -> datetime | None:
    if run.ad_account is None or run.ad_account.advertiser_id is None:
        return None
    return (
        CreativeMetricDay.objects.for_tenant(run.tenant_id)
        .filter(platform=Platform.TIKTOK, advertiser_id=run.ad_account.advertiser_id)
        .aggregate(newest=Max("collected_at"))["newest"]
    )


def _work(part: SyncRunPart, run: BrainRun, client) -> SyncRunPart | None:
    account = run.ad_account
    advertiser = account.advertiser if account is not None else None
    if advertiser is None:
        _fail(part, run, "The ad account has no TikTok advertiser to run on.")
        return part
    if run.state != RunState.RUNNING or run.started_at is None:
        run.state = RunState.RUNNING
        run.started_at = run.started_at or timezone.now()
        run.error = ""
        _save(run, "state", "started_at", "error")
        logger.info("Brain run %s started", run.pk, extra={"action": "run_started", "brain_run": run.pk})
    checkpoint = dict(part.checkpoint or {})
    step = checkpoint.get("step", STEPS[0])
    try:
        if step != "done" and client is None:
            client = collector.brain_client(advertiser)
        while step in STEPS:
            started = time.monotonic()
            next_step = STEPS[STEPS.index(step) + 1] if step != STEPS[-1] else "done"
            write = _STEP_WORK[step](run=run, account=account, advertiser=advertiser, client=client, checkpoint=checkpoint)
            checkpoint["step"] = next_step
            _stats_merge(run, durations_ms={step: round((time.monotonic() - started) * 1000)})
            done = next_step == "done"

            def write_rows(write=write, done=done):
                if write is not None:
                    write()
                if done:
                    run.state = RunState.SUCCEEDED
                    run.finished_at = timezone.now()
                _save(run, "stats", "summary", "window_start", "window_end", "data_as_of", "state", "finished_at", "stale_reason")

            part = sync_page_commit(part=part, write_rows=write_rows, checkpoint=checkpoint, items=1, done=done)
            step = next_step
        logger.info("Brain run %s done", run.pk, extra={"action": "run_succeeded", "brain_run": run.pk, **_flat_stats(run)})
        return part
    except StaleCheckpoint:
        return None
    except UpstreamError as error:
        collection = getattr(error, "collection", None)
        if collection is not None:
            _stats_merge(run, **collection.as_stats())
        _fail(part, run, _upstream_message(error))
        return part
    except Exception as error:
        _fail(part, run, str(error) or type(error).__name__)
        raise


def _flat_stats(run: BrainRun) -> dict:
    return {key: value for key, value in (run.stats or {}).items() if isinstance(value, int)}


def _upstream_message(error: UpstreamError) -> str:
    text = str(error) or type(error).__name__
    if isinstance(error, AuthExpired):
        return f"TikTok refused the access token ({text}); the connection needs re-authorization: reconnect it."
    return f"TikTok could not be reached or refused the call: {text}"


# --- Steps (each returns what to write with its checkpoint, or None) ------------------------


def _step_load(*, run, account, advertiser, client, checkpoint):
    calls = client.upstream_calls
    info = client.advertiser_info([advertiser.advertiser_id])
    campaigns = client.campaigns(advertiser.advertiser_id)
    adgroups = client.adgroups(advertiser.advertiser_id)
    ads = client.ads(advertiser.advertiser_id)
    checkpoint["objects"] = {"advertiser": info[0] if info else {}, "campaigns": campaigns, "adgroups": adgroups, "ads": ads}
    _stats_merge(run, upstream_calls=client.upstream_calls - calls, campaigns=len(campaigns), adgroups=len(adgroups), ads=len(ads))
    logger.info(
        "Brain run %s loaded %d campaigns, %d ad groups, %d ads",
        run.pk,
        len(campaigns),
        len(adgroups),
        len(ads),
        extra={"action": "objects_loaded", "brain_run": run.pk},
    )
    return None


def _step_collect(*, run, account, advertiser, client, checkpoint):
    collection = collector.metrics_collect(tenant=account.tenant, ad_account=account, advertiser=advertiser, client=client)
    _stats_merge(run, **collection.as_stats())
    run.data_as_of = collection.collected_at
    checkpoint["collected_at"] = collection.collected_at.isoformat() if collection.collected_at else None
    return None


def _step_evaluate(*, run, account, advertiser, client, checkpoint):
    if run.data_as_of is None and checkpoint.get("collected_at"):
        run.data_as_of = datetime.fromisoformat(checkpoint["collected_at"])
    data = brain_input(run=run, account=account, advertiser=advertiser, objects=checkpoint.get("objects") or {})
    run.window_start, run.window_end = data.window_start, data.window_end
    run.summary = _summary(data)
    checkpoint.pop("objects", None)  # scored: the later steps read the stored scores and actions

    def write():
        evaluate.brain_evaluate(run=run, data=data)

    return write


def _step_dispatch(*, run, account, advertiser, client, checkpoint):
    evaluate.brain_dispatch(run=run)
    return None


def _step_report(*, run, account, advertiser, client, checkpoint):
    def write():
        evaluate.brain_report(run=run)

    return write


_STEP_WORK = {
    "load": _step_load,
    "collect": _step_collect,
    "evaluate": _step_evaluate,
    "dispatch": _step_dispatch,
    "report": _step_report,
}


# --- The input of scoring --------------------------------------------------------------------


def _windows(advertiser, *, now: datetime | None = None) -> tuple[date, date, date, date]:
    days = settings.AUTOPILOT_WINDOW_DAYS
    end = collector.local_today(advertiser, now=now)
    start = end - timedelta(days=days - 1)
    return start, end, start - timedelta(days=days), start - timedelta(days=1)


def _add(target: AdGroupFigures, row: dict) -> None:
    target.spend += row["spend"]
    target.impressions += row["impressions"]
    target.clicks += row["clicks"]
    target.reach += row["reach"]
    target.leads += row["leads"]
    target.conversions += row["conversions"]
    target.results += row["results"]


def brain_input(*, run: BrainRun, account, advertiser, objects: dict, now: datetime | None = None) -> BrainInput:
    """What scoring works on: TikTok's objects as loaded this run, the stored figures of the
    current and previous windows per ad group and per ad, the stored leads, the limits."""
    start, end, previous_start, previous_end = _windows(advertiser, now=now)
    currency = (advertiser.currency or "").upper() or "USD"
    data = BrainInput(
        run_id=run.pk,
        ad_account_id=account.pk,
        advertiser_id=advertiser.advertiser_id,
        currency=currency,
        time_zone=advertiser.time_zone or "UTC",
        window_start=start,
        window_end=end,
        previous_start=previous_start,
        previous_end=previous_end,
        data_as_of=run.data_as_of,
        campaigns=list(objects.get("campaigns") or []),
        adgroups=list(objects.get("adgroups") or []),
        ads=list(objects.get("ads") or []),
    )
    rows = (
        CreativeMetricDay.objects.for_tenant(run.tenant_id)
        .filter(platform=Platform.TIKTOK, advertiser_id=advertiser.pk, day__gte=previous_start, day__lte=end)
        .values("creative_key", "adgroup_id", "day", "spend", "impressions", "clicks", "reach", "leads", "conversions", "results")
        .order_by("creative_key", "day")
    )
    current_days: dict[str, set] = defaultdict(set)
    previous_days: dict[str, set] = defaultdict(set)
    ad_days: dict[str, set] = defaultdict(set)
    for row in rows:
        group = row["adgroup_id"]
        if row["day"] >= start:
            _add(data.current.setdefault(group, AdGroupFigures()), row)
            _add(data.ad_current.setdefault(row["creative_key"], AdGroupFigures()), row)
            current_days[group].add(row["day"])
            ad_days[row["creative_key"]].add(row["day"])
        else:
            _add(data.previous.setdefault(group, AdGroupFigures()), row)
            previous_days[group].add(row["day"])
    for group, figures in data.current.items():
        figures.days = len(current_days[group])
    for group, figures in data.previous.items():
        figures.days = len(previous_days[group])
    for ad_id, figures in data.ad_current.items():
        figures.days = len(ad_days[ad_id])
    zone = collector.advertiser_zone(advertiser)
    window_from = datetime.combine(start, datetime.min.time(), tzinfo=zone)
    window_to = datetime.combine(end + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    data.leads_by_adgroup = tiktok_leads_by_adgroup(run.tenant, advertiser_pk=advertiser.pk, start=window_from, end=window_to)
    try:
        data.minimum_daily_budget = budgets.minimum(currency)
    except budgets.UnknownCurrency:
        data.minimum_daily_budget = budgets.minimum("USD")
    adgroup_ids = [str(row.get("adgroup_id")) for row in data.adgroups if row.get("adgroup_id")]
    by_group = adgroup_direction_ids(run.tenant, adgroup_ids)
    if by_group:
        directions = {
            direction.pk: direction
            for direction in directions_list(run.tenant, ad_account_id=account.pk).filter(pk__in=set(by_group.values()))
        }
        policies = {
            policy.direction_id: policy for policy in DirectionPolicy.objects.for_tenant(run.tenant_id).filter(direction_id__in=directions)
        }
        for group, direction_pk in by_group.items():
            direction = directions.get(direction_pk)
            if direction is None:
                continue
            policy = policies.get(direction_pk)
            data.directions[group] = DirectionLimits(
                direction_id=direction.pk,
                name=direction.name,
                objective=direction.tiktok_objective,
                currency=currency,
                target_cpl=direction.tiktok_target_cpl
                if direction.tiktok_target_cpl is not None
                else (policy.target_cpl if policy else None),
                max_daily_budget=policy.max_daily_budget if policy else None,
                max_raise_pct=policy.max_raise_pct if policy else DirectionPolicy._meta.get_field("max_raise_pct").default,
            )
    return data


def _summary(data: BrainInput) -> dict:
    spend = sum((figures.spend for figures in data.current.values()), start=Decimal(0))
    leads = sum(figures.leads for figures in data.current.values())
    stored_leads = sum(data.leads_by_adgroup.values())
    return {
        "currency": data.currency,
        "spend": str(spend),
        "leads": leads,
        "stored_leads": stored_leads,
        "cpl": str((spend / leads).quantize(Decimal("0.01"))) if leads else None,
        "impressions": sum(figures.impressions for figures in data.current.values()),
        "clicks": sum(figures.clicks for figures in data.current.values()),
        "adgroups": len(data.adgroups),
        "ads": len(data.ads),
    }
