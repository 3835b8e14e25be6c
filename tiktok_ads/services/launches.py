"""Campaign-builder launches: a job of ordered steps (``Launch`` + ``LaunchStep``) that creates
what the seed's TikTok workflows create, and can be resumed after a failure half-way.

``launch_start`` validates the request (nothing is stored or sent upstream when it is refused),
stores the launch with its plan of steps and enqueues ``launch_run`` on a worker. The same
idempotency key returns the same launch (a different body under it is a 409).

``launch_run`` runs the steps in order from the first unfinished one. Each step sends a
``request_id`` derived from the launch and the step's name (the platform's idempotency key), so a
create that succeeded upstream but whose answer was lost returns the same object when the step
runs again; the step's result (the ids) is saved with the rows it creates in one transaction.
A launch that failed is ``failed`` (resumable): ``launch_resume`` (the API's resume, the beat's
sweep) runs it again and never creates a second campaign.

Steps: ``upload_video:<creative>`` (a creative with no ``tiktok_video_id``, uploaded by URL),
then ``create_campaign`` → ``create_adgroup`` (create_new) or ``pick_adgroup`` →
``enable_adgroup`` (use_existing: a DISABLE ad group of the direction with room, locked while
picked; none → a new ad group in the direction's campaign), then ``create_ads:<n>`` (≤ 20 ads a
call).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from core.correlation import correlation_scope, get_correlation_id
from core.exceptions import ApplicationError, Conflict, NotFound
from core.http import UpstreamError
from core.jobs import enqueue
from core.queues import Queue
from core.upstream import as_application_error
from integrations.tiktok_business.management import ADS_PER_CREATE
from tiktok_ads import budgets
from tiktok_ads.client import BusinessApiClient
from tiktok_ads.models import (
    Ad,
    AdAccount,
    AdGroupMode,
    Campaign,
    Creative,
    CreativeStatus,
    Direction,
    DirectionAdGroup,
    Launch,
    LaunchKind,
    LaunchState,
    LaunchStep,
    MediaType,
    Objective,
    OperationStatus,
    Platform,
)
from tiktok_ads.objectives import plan_for

logger = logging.getLogger(__name__)

_LAUNCH_TASK = "tiktok_ads.tasks.launch_run_task"
_MAX_ADS_PER_ADGROUP = 50
_MAX_CREATIVES = 50
AUTO_LAUNCH_DEFAULT_LIMIT = 5
# A RUNNING launch untouched this long lost its worker; the sweep takes it over.
_STALE_RUNNING = timedelta(minutes=10)
# A FAILED launch is retried by the sweep this many times in all (then only by hand).
_AUTO_RESUME_ATTEMPTS = 3

# Where an ad group runs when the direction's settings name no ``location_ids``: the country of
# the advertiser's currency (geoname ids, as ``/tool/region/`` lists them).
_CURRENCY_LOCATIONS = {
    "KZT": "1522867",
    "MYR": "1733045",
    "IDR": "1643084",
    "THB": "1605651",
    "PHP": "1694008",
    "VND": "1562822",
    "SGD": "1880251",
    "USD": "6252001",
}


# --- Validation ---------------------------------------------------------------------------


def _decimal(value: Any, field: str) -> Decimal:
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise ApplicationError(f"{field} must be a number, not {value!r}.", extra={"fields": {field: ["Not a number."]}}) from None
    if not amount.is_finite():
        raise ApplicationError(f"{field} must be a number.", extra={"fields": {field: ["Not a number."]}})
    return amount


def direction_for_launch(*, tenant, direction_id: Any) -> Direction:
    """The tenant's TikTok direction ``direction_id``: 404 when it is not the tenant's, 400 when
    it is another platform's."""
    try:
        pk = int(direction_id)
    except (TypeError, ValueError):
        raise ApplicationError("direction_id must be a direction's id.", extra={"fields": {"direction_id": ["Not an id."]}}) from None
    direction = Direction.objects.for_tenant(tenant).select_related("ad_account__advertiser").filter(pk=pk).first()
    if direction is None:
        raise NotFound(f"No direction {pk}.")
    platform = direction.platform or Platform.FACEBOOK
    if platform != Platform.TIKTOK:
        raise ApplicationError(
            f"Direction {pk} ({direction.name}) is a {platform} direction; TikTok launches need a TikTok direction.",
            code="wrong_platform",
        )
    return direction


def advertiser_of(ad_account: AdAccount):
    advertiser = ad_account.advertiser
    if advertiser is None or not advertiser.is_active:
        raise ApplicationError(
            f"Ad account {ad_account.pk} ({ad_account.name}) has no TikTok advertiser connected (tiktok_business_id).",
            code="no_advertiser",
        )
    return advertiser


def budget_checked(amount: Any, currency: str, *, level: str = "adgroup", field: str = "daily_budget") -> Decimal:
    """``amount`` as a Decimal within the currency's range, else a 400 naming the minimum."""
    if amount in (None, ""):
        raise ApplicationError(f"{field} is required.", extra={"fields": {field: ["Required."]}})
    value = _decimal(amount, field)
    try:
        problem = budgets.budget_problem(value, currency, level=level)
    except budgets.UnknownCurrency as exc:
        raise ApplicationError(str(exc), code="unknown_currency") from None
    if problem:
        raise ApplicationError(
            problem,
            code="budget_below_minimum" if value < budgets.minimum(currency, level=level) else "budget_above_maximum",
            extra={"fields": {field: [problem]}, "minimum": str(budgets.minimum(currency, level=level)), "currency": currency.upper()},
        )
    return value.quantize(Decimal("0.01"))


def objective_checked(objective: Any, direction: Direction | None = None) -> str:
    value = str(objective or (direction.tiktok_objective if direction else "") or "").strip().lower()
    if value not in Objective.values:
        raise ApplicationError(
            f"objective must be traffic, conversions or lead_generation, not {objective!r}.",
            code="bad_objective",
            extra={"fields": {"objective": ["traffic, conversions or lead_generation."]}},
        )
    return value


def creative_problem(creative: Creative) -> str | None:
    """Why ``creative`` can't run on TikTok (None when it can)."""
    if creative.media_type != MediaType.VIDEO:
        article = "an" if creative.media_type[:1] in "aeiou" else "a"
        return f"Creative {creative.pk} ({creative.title}) is {article} {creative.media_type}: TikTok runs video creatives only."
    if creative.status != CreativeStatus.READY:
        return f"Creative {creative.pk} ({creative.title}) is not ready ({creative.get_status_display().lower()})."
    if not creative.tiktok_video_id and not creative.media_url:
        return f"Creative {creative.pk} ({creative.title}) has no TikTok video and no media URL to upload."
    return None


def creatives_checked(*, tenant, ad_account: AdAccount, creative_ids: Any) -> list[Creative]:
    if not isinstance(creative_ids, list | tuple) or not creative_ids:
        raise ApplicationError("creative_ids must be a non-empty list of creative ids.", extra={"fields": {"creative_ids": ["Required."]}})
    try:
        ids = list(dict.fromkeys(int(value) for value in creative_ids))
    except (TypeError, ValueError):
        raise ApplicationError("creative_ids must be creative ids.", extra={"fields": {"creative_ids": ["Not ids."]}}) from None
    if len(ids) > _MAX_CREATIVES:
        raise ApplicationError(f"At most {_MAX_CREATIVES} creatives per launch.", extra={"fields": {"creative_ids": ["Too many."]}})
    found = {creative.pk: creative for creative in Creative.objects.for_tenant(tenant).filter(pk__in=ids)}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise NotFound(f"No creative {', '.join(map(str, missing))}.")
    creatives = [found[pk] for pk in ids]
    for creative in creatives:
        if creative.ad_account_id != ad_account.pk:
            raise ApplicationError(
                f"Creative {creative.pk} ({creative.title}) belongs to another ad account than the direction's.", code="wrong_ad_account"
            )
        problem = creative_problem(creative)
        if problem:
            raise ApplicationError(problem, code="creative_not_launchable", extra={"fields": {"creative_ids": [problem]}})
    return creatives


def _objective_needs(direction: Direction, objective: str, params: dict) -> dict:
    """What the objective needs from the direction (instant form, landing page, pixel)."""
    plan = plan_for(objective)
    extra: dict[str, Any] = {}
    settings_ = direction.default_settings or {}
    if plan.needs_page:
        if not direction.tiktok_page_id:
            raise ApplicationError(
                f"Direction {direction.pk} ({direction.name}) has no instant form (tiktok_page_id): lead generation needs one.",
                code="no_instant_form",
            )
        extra["page_id"] = direction.tiktok_page_id
    if plan.needs_landing_page:
        url = params.get("landing_page_url") or settings_.get("landing_page_url") or settings_.get("site_url")
        if not url:
            raise ApplicationError(
                f"Direction {direction.pk} ({direction.name}) has no landing page URL (landing_page_url in its TikTok settings): "
                f"{objective} ads need one.",
                code="no_landing_page",
            )
        extra["landing_page_url"] = str(url)
    if plan.needs_pixel:
        if not direction.tiktok_pixel_id:
            raise ApplicationError(
                f"Direction {direction.pk} ({direction.name}) has no pixel (tiktok_pixel_id): conversions need one.", code="no_pixel"
            )
        extra["pixel_id"] = direction.tiktok_pixel_id
    return extra


# --- Starting a launch ---------------------------------------------------------------------


@dataclass(frozen=True)
class _StepPlan:
    name: str
    args: dict


def step_request_id(launch: Launch, name: str) -> str:
    """The step's upstream idempotency key: the same for every run of this launch's step, and
    numeric (the platform's ``request_id`` is an int64 as a string)."""
    seed = f"{launch.tenant_id}:{launch.pk}:{launch.created_at.isoformat()}:{name}"
    return str(int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "big") >> 1)


def _plan(kind: str, mode: str, params: dict, creatives: list[Creative]) -> list[_StepPlan]:
    steps = [_StepPlan(f"upload_video:{c.pk}", {"creative_id": c.pk}) for c in creatives if not c.tiktok_video_id]
    if kind == LaunchKind.CREATE_CAMPAIGN:
        steps.append(_StepPlan("create_campaign", {}))
        if params.get("with_adgroup"):
            steps.append(_StepPlan("create_adgroup", {}))
        return steps
    if kind == LaunchKind.CREATE_ADGROUP:
        steps.append(_StepPlan("create_adgroup", {}))
    elif mode == AdGroupMode.USE_EXISTING:
        steps += [_StepPlan("pick_adgroup", {}), _StepPlan("enable_adgroup", {})]
    else:
        steps += [_StepPlan("create_campaign", {}), _StepPlan("create_adgroup", {})]
    ids = [c.pk for c in creatives]
    for number, offset in enumerate(range(0, len(ids), ADS_PER_CREATE), start=1):
        steps.append(_StepPlan(f"create_ads:{number}", {"creative_ids": ids[offset : offset + ADS_PER_CREATE]}))
    return steps


def _validated(
    *, tenant, kind: str, ad_account: AdAccount | None, direction: Direction | None, params: dict
) -> tuple[dict, list[Creative]]:
    """The launch's stored params and its creatives, or an ApplicationError."""
    if direction is not None:
        ad_account = direction.ad_account
    if ad_account is None:
        raise ApplicationError("Name the ad account (accountId) or the direction (direction_id).", code="no_ad_account")
    advertiser = advertiser_of(ad_account)
    currency = advertiser.currency or "USD"
    stored: dict[str, Any] = {"request": params.get("request", {})}
    if kind == LaunchKind.CREATE_CAMPAIGN:
        objective = objective_checked(params.get("objective"), direction)
        stored.update(objective=objective, name=str(params.get("name") or "")[:400], with_adgroup=bool(params.get("with_adgroup")))
        if params.get("campaign_budget") not in (None, ""):
            stored["campaign_budget"] = str(budget_checked(params["campaign_budget"], currency, level="campaign", field="campaign_budget"))
        if stored["with_adgroup"]:
            if direction is None:
                raise ApplicationError("An ad group needs a direction (direction_id).", code="no_direction")
            stored["daily_budget"] = str(budget_checked(params.get("daily_budget"), currency))
            stored.update(_objective_needs(direction, objective, params))
        return stored, []
    if direction is None:
        raise ApplicationError("direction_id is required.", extra={"fields": {"direction_id": ["Required."]}})
    creatives = creatives_checked(tenant=tenant, ad_account=ad_account, creative_ids=params.get("creative_ids"))
    objective = objective_checked(params.get("objective"), direction)
    daily_budget = budget_checked(params.get("daily_budget", direction.tiktok_daily_budget), currency)
    stored.update(objective=objective, daily_budget=str(daily_budget), creative_ids=[c.pk for c in creatives])
    stored.update(_objective_needs(direction, objective, params))
    if kind == LaunchKind.CREATE_ADGROUP and not direction.tiktok_campaign_id:
        raise ApplicationError(
            f"Direction {direction.pk} ({direction.name}) has no TikTok campaign (tiktok_campaign_id) to add an ad group to.",
            code="no_campaign",
        )
    return stored, creatives


def launch_start(
    *,
    tenant,
    kind: str,
    ad_account: AdAccount | None,
    direction: Direction | None,
    params: dict,
    idempotency_key: str,
    requested_by: str = "",
) -> Launch:
    """Validate, store the launch and its steps, enqueue it; the existing launch when the same
    ``idempotency_key`` was used before with the same request (``params["request"]``, else the
    params), a 409 when with another."""
    fingerprint = params.get("request") or {key: value for key, value in params.items() if key != "request"}
    params = {**params, "request": fingerprint}
    existing = Launch.objects.for_tenant(tenant).filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return _same_or_conflict(existing, kind, fingerprint)
    stored, creatives = _validated(tenant=tenant, kind=kind, ad_account=ad_account, direction=direction, params=params)
    ad_account = direction.ad_account if direction is not None else ad_account
    mode = direction.tiktok_adgroup_mode if direction is not None else AdGroupMode.CREATE_NEW
    stored["mode"] = mode
    try:
        with transaction.atomic():
            launch = Launch.objects.create(
                tenant=tenant,
                kind=kind,
                ad_account=ad_account,
                direction=direction,
                advertiser=ad_account.advertiser,
                idempotency_key=idempotency_key,
                params=stored,
                correlation_id=get_correlation_id(),
                requested_by=str(requested_by or "")[:200],
            )
            LaunchStep.objects.bulk_create(
                [
                    LaunchStep(
                        tenant=tenant,
                        launch=launch,
                        position=position,
                        name=step.name,
                        request_id=step_request_id(launch, step.name),
                        result={"args": step.args},
                    )
                    for position, step in enumerate(_plan(kind, mode, stored, creatives), start=1)
                ]
            )
            enqueue(_LAUNCH_TASK, queue=Queue.FETCH, tenant_id=tenant.pk, launch_id=launch.pk)
    except IntegrityError:
        # The same key, sent twice at once: the other request stored it first.
        existing = Launch.objects.for_tenant(tenant).get(idempotency_key=idempotency_key)
        return _same_or_conflict(existing, kind, fingerprint)
    launch.refresh_from_db()
    return launch


def auto_launch_start(
    *, tenant, direction: Direction, limit: Any, idempotency_key: str, requested_by: str = "", request: dict | None = None
) -> Launch:
    """The seed's auto-launch: the direction's ready video creatives that run nowhere yet (no
    ad), oldest first, up to ``limit``, with the direction's daily budget and objective."""
    request = request or {"direction_id": direction.pk, "limit": limit}
    existing = Launch.objects.for_tenant(tenant).filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return _same_or_conflict(existing, LaunchKind.AUTO, request)
    try:
        count = int(limit if limit not in (None, "") else AUTO_LAUNCH_DEFAULT_LIMIT)
    except (TypeError, ValueError):
        raise ApplicationError("limit must be a whole number.", extra={"fields": {"limit": ["Not a number."]}}) from None
    if not 1 <= count <= _MAX_CREATIVES:
        raise ApplicationError(f"limit must be 1 to {_MAX_CREATIVES}.", extra={"fields": {"limit": ["Out of range."]}})
    if direction.tiktok_daily_budget is None:
        raise ApplicationError(
            f"Direction {direction.pk} ({direction.name}) has no TikTok daily budget (tiktok_daily_budget).", code="no_budget"
        )
    candidates = (
        Creative.objects.for_tenant(tenant)
        .filter(
            ad_account=direction.ad_account, direction=direction, media_type=MediaType.VIDEO, status=CreativeStatus.READY, ads__isnull=True
        )
        .filter(~Q(tiktok_video_id="") | ~Q(media_url=""))
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:count]
    )
    creative_ids = list(candidates)
    if not creative_ids:
        raise ApplicationError(
            f"Direction {direction.pk} ({direction.name}) has no ready video creative that is not running yet.", code="nothing_to_launch"
        )
    params = {
        "request": request,
        "creative_ids": creative_ids,
        "daily_budget": direction.tiktok_daily_budget,
        "objective": direction.tiktok_objective,
    }
    return launch_start(
        tenant=tenant,
        kind=LaunchKind.AUTO,
        ad_account=None,
        direction=direction,
        params=params,
        idempotency_key=idempotency_key,
        requested_by=requested_by,
    )


def _same_or_conflict(existing: Launch, kind: str, fingerprint: dict) -> Launch:
    if existing.kind != kind or (existing.params or {}).get("request") != fingerprint:
        raise Conflict(
            f"Idempotency key {existing.idempotency_key!r} was used for another request (launch {existing.pk}).",
            code="idempotency_conflict",
            extra={"launch_id": existing.pk},
        )
    return existing


def launch_resume(*, launch: Launch) -> Launch:
    """Run a failed launch again from its first unfinished step (a no-op for one that runs or
    succeeded)."""
    if launch.state == LaunchState.FAILED:
        enqueue(_LAUNCH_TASK, queue=Queue.FETCH, tenant_id=launch.tenant_id, launch_id=launch.pk)
    launch.refresh_from_db()
    return launch


def launches_sweep() -> int:
    """Beat: launches whose worker died (RUNNING, untouched for ``_STALE_RUNNING``) and failed
    ones with attempts left are run again. Cross-tenant on purpose; the number enqueued."""
    now = timezone.now()
    rows = (
        Launch.all_tenants.filter(
            Q(state=LaunchState.RUNNING, started_at__lt=now - _STALE_RUNNING)
            | Q(state=LaunchState.FAILED, attempts__lt=_AUTO_RESUME_ATTEMPTS, finished_at__lt=now - timedelta(minutes=1))
            | Q(state=LaunchState.PENDING, created_at__lt=now - _STALE_RUNNING)
        )
        .order_by("pk")
        .values_list("tenant_id", "pk")[:500]
    )
    count = 0
    for tenant_id, launch_id in rows:
        enqueue(_LAUNCH_TASK, queue=Queue.FETCH, on_commit=False, tenant_id=tenant_id, launch_id=launch_id)
        count += 1
    return count


# --- Running a launch ----------------------------------------------------------------------


def _claim(tenant_id: int, launch_id: int) -> bool:
    """Take the launch for this worker: pending or failed, or running but stale."""
    now = timezone.now()
    claimable = Q(state__in=(LaunchState.PENDING, LaunchState.FAILED)) | Q(state=LaunchState.RUNNING, started_at__lt=now - _STALE_RUNNING)
    return bool(
        Launch.all_tenants.filter(claimable, tenant_id=tenant_id, pk=launch_id).update(
            state=LaunchState.RUNNING, started_at=now, finished_at=None, error="", attempts=F("attempts") + 1
        )
    )


class _Context:
    """What the steps of one run share: the launch, its client and the results so far."""

    def __init__(self, launch: Launch):
        self.launch = launch
        self.tenant = launch.tenant
        self.direction = launch.direction
        self.advertiser = launch.advertiser
        self.params = launch.params or {}
        self.client = BusinessApiClient.for_advertiser(self.advertiser)

    def result_of(self, name: str) -> dict:
        step = LaunchStep.objects.for_tenant(self.tenant).filter(launch=self.launch, name=name, state=LaunchState.SUCCEEDED).first()
        return step.result if step else {}

    @property
    def campaign_id(self) -> str:
        created = self.result_of("create_campaign").get("campaign_id")
        if created:
            return created
        picked = self.result_of("pick_adgroup").get("campaign_id")
        return picked or (self.direction.tiktok_campaign_id if self.direction else "")

    @property
    def adgroup(self) -> DirectionAdGroup:
        for name in ("create_adgroup", "pick_adgroup"):
            pk = self.result_of(name).get("adgroup_pk")
            if pk:
                return DirectionAdGroup.objects.for_tenant(self.tenant).get(pk=pk)
        raise ApplicationError("The launch has no ad group yet.", code="no_adgroup")


def _name(ctx: _Context, what: str) -> str:
    direction = ctx.direction.name if ctx.direction else ctx.launch.ad_account.name
    return f"{direction} · {what} · {timezone.localtime(ctx.launch.created_at).strftime('%Y-%m-%d %H:%M')} #{ctx.launch.pk}"[:512]


def _campaign_fields(ctx: _Context) -> dict:
    plan = plan_for(ctx.params["objective"])
    fields: dict[str, Any] = {
        "campaign_name": ctx.params.get("name") or _name(ctx, "campaign"),
        "objective_type": plan.objective_type,
        "budget_mode": "BUDGET_MODE_INFINITE",
    }
    if ctx.params.get("campaign_budget"):
        fields.update(budget_mode="BUDGET_MODE_DAY", budget=float(ctx.params["campaign_budget"]))
    return fields


def _step_create_campaign(ctx: _Context, step: LaunchStep) -> tuple[dict, Callable[[dict], None]]:
    fields = _campaign_fields(ctx)
    data = ctx.client.campaign_create(ctx.advertiser.advertiser_id, request_id=step.request_id, **fields)
    campaign_id = str(data.get("campaign_id") or "")
    if not campaign_id:
        raise ApplicationError("TikTok created no campaign (no campaign_id in its answer).", code="upstream_no_id", status=502)

    def save(result: dict) -> None:
        campaign, _ = Campaign.objects.get_or_create(
            tenant=ctx.tenant,
            advertiser=ctx.advertiser,
            campaign_id=campaign_id,
            defaults={
                "direction": ctx.direction,
                "name": fields["campaign_name"],
                "objective_type": fields["objective_type"],
                "budget_mode": fields["budget_mode"],
                "budget": Decimal(str(fields["budget"])) if "budget" in fields else None,
                "status": OperationStatus.ENABLE,
            },
        )
        result["campaign_pk"] = campaign.pk
        if ctx.direction is not None:
            Direction.objects.for_tenant(ctx.tenant).filter(pk=ctx.direction.pk, tiktok_campaign_id="").update(
                tiktok_campaign_id=campaign_id
            )

    return {"campaign_id": campaign_id}, save


def _targeting(ctx: _Context) -> dict:
    settings_ = (ctx.direction.default_settings if ctx.direction else {}) or {}
    locations = settings_.get("location_ids") or [
        _CURRENCY_LOCATIONS.get((ctx.advertiser.currency or "").upper(), _CURRENCY_LOCATIONS["USD"])
    ]
    targeting: dict[str, Any] = {"location_ids": [str(value) for value in locations]}
    for key in ("age_groups", "gender", "languages"):
        if settings_.get(key):
            targeting[key] = settings_[key]
    return targeting


def _create_adgroup(ctx: _Context, request_id: str, campaign_id: str) -> tuple[str, dict]:
    plan = plan_for(ctx.params["objective"])
    fields: dict[str, Any] = {
        "campaign_id": campaign_id,
        "adgroup_name": _name(ctx, "ad group"),
        "promotion_type": plan.promotion_type,
        "placement_type": "PLACEMENT_TYPE_AUTOMATIC",
        "budget_mode": "BUDGET_MODE_DAY",
        "budget": float(ctx.params["daily_budget"]),
        "schedule_type": "SCHEDULE_FROM_NOW",
        "schedule_start_time": timezone.now().astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
        "optimization_goal": plan.optimization_goal,
        "billing_event": plan.billing_event,
        "bid_type": "BID_TYPE_NO_BID",
        "pacing": "PACING_MODE_SMOOTH",
        "operation_status": "ENABLE",
        **_targeting(ctx),
    }
    if plan.promotion_target_type:
        fields["promotion_target_type"] = plan.promotion_target_type
    if plan.needs_pixel:
        fields["pixel_id"] = ctx.params.get("pixel_id")
        fields["optimization_event"] = "FORM"
    data = ctx.client.adgroup_create(ctx.advertiser.advertiser_id, request_id=request_id, **fields)
    adgroup_id = str(data.get("adgroup_id") or "")
    if not adgroup_id:
        raise ApplicationError("TikTok created no ad group (no adgroup_id in its answer).", code="upstream_no_id", status=502)
    return adgroup_id, fields


def _save_adgroup(
    ctx: _Context, adgroup_id: str, fields: dict, campaign_id: str, *, status: str = OperationStatus.ENABLE
) -> DirectionAdGroup:
    campaign = Campaign.objects.for_tenant(ctx.tenant).filter(advertiser=ctx.advertiser, campaign_id=campaign_id).first()
    adgroup, _ = DirectionAdGroup.objects.get_or_create(
        tenant=ctx.tenant,
        tiktok_adgroup_id=adgroup_id,
        defaults={
            "direction": ctx.direction,
            "campaign": campaign,
            "adgroup_name": fields["adgroup_name"],
            "daily_budget": Decimal(ctx.params["daily_budget"]),
            "status": status,
            "last_used_at": timezone.now(),
        },
    )
    return adgroup


def _step_create_adgroup(ctx: _Context, step: LaunchStep) -> tuple[dict, Callable[[dict], None]]:
    campaign_id = ctx.campaign_id
    adgroup_id, fields = _create_adgroup(ctx, step.request_id, campaign_id)

    def save(result: dict) -> None:
        result["adgroup_pk"] = _save_adgroup(ctx, adgroup_id, fields, campaign_id).pk

    return {"adgroup_id": adgroup_id, "campaign_id": campaign_id}, save


def _step_pick_adgroup(ctx: _Context, step: LaunchStep) -> tuple[dict, Callable[[dict], None]]:
    """A DISABLE ad group of the direction with room for this launch's ads, locked and marked
    ENABLE in one transaction (so a concurrent launch picks another); none → a new ad group in
    the direction's campaign."""
    needed = len(ctx.params.get("creative_ids") or [])
    with transaction.atomic():
        picked = (
            DirectionAdGroup.objects.for_tenant(ctx.tenant)
            .select_for_update(skip_locked=True)
            .filter(
                direction=ctx.direction,
                is_active=True,
                status=OperationStatus.DISABLE,
                ads_count__lte=_MAX_ADS_PER_ADGROUP - max(needed, 1),
            )
            .order_by("ads_count", "created_at", "pk")
            .first()
        )
        if picked is not None:
            DirectionAdGroup.objects.for_tenant(ctx.tenant).filter(pk=picked.pk).update(
                status=OperationStatus.ENABLE, last_used_at=timezone.now()
            )
            result = {
                "adgroup_id": picked.tiktok_adgroup_id,
                "adgroup_pk": picked.pk,
                "campaign_id": picked.campaign.campaign_id if picked.campaign else ctx.direction.tiktok_campaign_id,
                "created": False,
            }
            return result, lambda result: None
    campaign_id = ctx.direction.tiktok_campaign_id if ctx.direction else ""
    if not campaign_id:
        raise ApplicationError(
            f"No ad group of direction {ctx.direction.pk} has room and the direction has no TikTok campaign to create one in.",
            code="no_adgroup_available",
        )
    adgroup_id, fields = _create_adgroup(ctx, step.request_id, campaign_id)

    def save(result: dict) -> None:
        result["adgroup_pk"] = _save_adgroup(ctx, adgroup_id, fields, campaign_id).pk

    note = "No paused ad group of the direction had room for the ads: a new ad group was created in the direction's campaign."
    return {"adgroup_id": adgroup_id, "campaign_id": campaign_id, "created": True, "note": note}, save


def _step_enable_adgroup(ctx: _Context, step: LaunchStep) -> tuple[dict, Callable[[dict], None]]:
    picked = ctx.result_of("pick_adgroup")
    if picked.get("created"):
        return {"skipped": "The new ad group is enabled at creation."}, lambda result: None
    ctx.client.adgroup_status_update(ctx.advertiser.advertiser_id, [picked["adgroup_id"]], OperationStatus.ENABLE)
    return {"adgroup_id": picked["adgroup_id"], "status": OperationStatus.ENABLE}, lambda result: None


def _step_upload_video(ctx: _Context, step: LaunchStep) -> tuple[dict, Callable[[dict], None]]:
    creative = Creative.objects.for_tenant(ctx.tenant).get(pk=step.result["args"]["creative_id"])
    if creative.tiktok_video_id:  # uploaded meanwhile (another launch, the upload pipeline)
        return {"video_id": creative.tiktok_video_id, "reused": True}, lambda result: None
    video = ctx.client.video_upload_url(ctx.advertiser.advertiser_id, creative.media_url)
    video_id = str((video or {}).get("video_id") or "")
    if not video_id:
        raise ApplicationError("TikTok stored no video (no video_id in its answer).", code="upstream_no_id", status=502)

    def save(result: dict) -> None:
        Creative.objects.for_tenant(ctx.tenant).filter(pk=creative.pk, tiktok_video_id="").update(
            tiktok_video_id=video_id, version=F("version") + 1
        )

    return {"video_id": video_id, "creative_id": creative.pk}, save


def _ad_body(ctx: _Context, creative: Creative, video_id: str) -> dict:
    plan = plan_for(ctx.params["objective"])
    body: dict[str, Any] = {
        "ad_name": f"{creative.title} #{ctx.launch.pk}"[:512],
        "ad_format": "SINGLE_VIDEO",
        "video_id": video_id,
        "ad_text": (creative.ad_text or creative.title)[:100],
        "call_to_action": plan.call_to_action,
    }
    identity = (ctx.direction.tiktok_identity_id if ctx.direction else "") or ctx.launch.ad_account.tiktok_account_id
    if identity:
        body.update(identity_type="TT_USER", identity_id=identity)
    if plan.needs_page:
        body["page_id"] = int(ctx.params["page_id"]) if str(ctx.params["page_id"]).isdigit() else ctx.params["page_id"]
    if plan.needs_landing_page:
        body["landing_page_url"] = ctx.params["landing_page_url"]
    return body


def _step_create_ads(ctx: _Context, step: LaunchStep) -> tuple[dict, Callable[[dict], None]]:
    ids = step.result["args"]["creative_ids"]
    creatives = {c.pk: c for c in Creative.objects.for_tenant(ctx.tenant).filter(pk__in=ids)}
    adgroup = ctx.adgroup
    bodies, order = [], []
    for pk in ids:
        creative = creatives[pk]
        video_id = creative.tiktok_video_id or ctx.result_of(f"upload_video:{pk}").get("video_id")
        bodies.append(_ad_body(ctx, creative, video_id))
        order.append(creative)
    ad_ids = ctx.client.ad_create(ctx.advertiser.advertiser_id, adgroup.tiktok_adgroup_id, bodies, request_id=step.request_id)
    if len(ad_ids) != len(bodies):
        raise ApplicationError(f"TikTok created {len(ad_ids)} ads for {len(bodies)} creatives.", code="upstream_short", status=502)

    def save(result: dict) -> None:
        rows = [
            Ad(tenant=ctx.tenant, adgroup=adgroup, creative=creative, launch=ctx.launch, ad_id=ad_id, name=body["ad_name"])
            for creative, ad_id, body in zip(order, ad_ids, bodies, strict=True)
        ]
        Ad.objects.bulk_create(rows, ignore_conflicts=True)
        DirectionAdGroup.objects.for_tenant(ctx.tenant).filter(pk=adgroup.pk).update(
            ads_count=F("ads_count") + len(rows), last_used_at=timezone.now()
        )

    return {"ad_ids": ad_ids, "adgroup_id": adgroup.tiktok_adgroup_id}, save


_RUNNERS: dict[str, Callable[[_Context, LaunchStep], tuple[dict, Callable[[dict], None]]]] = {
    "upload_video": _step_upload_video,
    "create_campaign": _step_create_campaign,
    "create_adgroup": _step_create_adgroup,
    "pick_adgroup": _step_pick_adgroup,
    "enable_adgroup": _step_enable_adgroup,
    "create_ads": _step_create_ads,
}


def _error_text(exc: Exception) -> str:
    return as_application_error(exc).message if isinstance(exc, UpstreamError | ApplicationError) else f"{type(exc).__name__}: {exc}"


def launch_run(*, tenant_id: int, launch_id: int) -> Launch | None:
    """Run the launch's unfinished steps in order (the worker's task). A step that fails leaves
    the launch FAILED with the step's error; what earlier steps made stays recorded. Upstream
    calls carry the correlation id of the request that started the launch."""
    if not _claim(tenant_id, launch_id):
        return Launch.objects.for_tenant(tenant_id).filter(pk=launch_id).first()
    launch = (
        Launch.objects.for_tenant(tenant_id).select_related("tenant", "direction", "advertiser__connection", "ad_account").get(pk=launch_id)
    )
    with correlation_scope(launch.correlation_id or get_correlation_id() or None):
        return _run_steps(launch)


def _run_steps(launch: Launch) -> Launch:
    tenant_id = launch.tenant_id
    ctx = _Context(launch)
    for step in LaunchStep.objects.for_tenant(tenant_id).filter(launch=launch).order_by("position"):
        if step.state == LaunchState.SUCCEEDED:
            continue
        LaunchStep.objects.for_tenant(tenant_id).filter(pk=step.pk).update(
            state=LaunchState.RUNNING, attempts=F("attempts") + 1, started_at=timezone.now(), error=""
        )
        Launch.objects.for_tenant(tenant_id).filter(pk=launch.pk).update(started_at=timezone.now())  # heartbeat
        try:
            produced, save = _RUNNERS[step.name.split(":", 1)[0]](ctx, step)
        except (UpstreamError, ApplicationError) as exc:
            return _fail(launch, step, _error_text(exc))
        result = {**produced, "args": step.result.get("args", {})}
        with transaction.atomic():
            save(result)
            LaunchStep.objects.for_tenant(tenant_id).filter(pk=step.pk).update(
                state=LaunchState.SUCCEEDED, result=result, finished_at=timezone.now()
            )
    summary = _summary(launch)
    Launch.objects.for_tenant(tenant_id).filter(pk=launch.pk).update(
        state=LaunchState.SUCCEEDED, result=summary, finished_at=timezone.now(), error=""
    )
    launch.refresh_from_db()
    return launch


def _fail(launch: Launch, step: LaunchStep, message: str) -> Launch:
    logger.warning("Launch %s failed at %s: %s", launch.pk, step.name, message)
    now = timezone.now()
    LaunchStep.objects.for_tenant(launch.tenant_id).filter(pk=step.pk).update(
        state=LaunchState.FAILED, error=message[:1000], finished_at=now
    )
    Launch.objects.for_tenant(launch.tenant_id).filter(pk=launch.pk).update(
        state=LaunchState.FAILED, error=f"{step.name}: {message}"[:1000], finished_at=now
    )
    launch.refresh_from_db()
    return launch


def _summary(launch: Launch) -> dict:
    steps = {step.name: step.result for step in LaunchStep.objects.for_tenant(launch.tenant_id).filter(launch=launch)}
    adgroup = steps.get("create_adgroup") or steps.get("pick_adgroup") or {}
    campaign_id = (steps.get("create_campaign") or {}).get("campaign_id") or adgroup.get("campaign_id") or ""
    summary: dict[str, Any] = {
        "campaign_id": campaign_id,
        "adgroup_id": adgroup.get("adgroup_id", ""),
        "ad_ids": [ad_id for name, result in sorted(steps.items()) if name.startswith("create_ads:") for ad_id in result.get("ad_ids", [])],
        "used_existing_adgroup": "pick_adgroup" in steps and not adgroup.get("created"),
    }
    if adgroup.get("note"):
        summary["note"] = adgroup["note"]
    return summary


def launch_requested_by(request) -> str:
    user = getattr(request, "user", None)
    return str(getattr(user, "username", "") or user or "")[:200] if user is not None else ""
