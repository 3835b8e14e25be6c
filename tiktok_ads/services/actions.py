"""The actions API (the seed's ``POST /api/actions``): one registry of TikTok actions that the
API, the pages and the autopilot all dispatch through ``action_execute``.

Each action is a small class: ``validate`` (the params it needs, budgets against
``budgets.minimum`` in the advertiser's currency), ``before`` (the object's state read from
TikTok, which also proves the object is this ad account's advertiser's: else 404), ``after`` (the
state it asks for) and ``apply`` (the write). A dry run stops after ``after`` and calls no write.

Every executed action is one ``ActionRecord`` (who, what, before → after, TikTok's answer or
error). ``request_id`` is the idempotency key: the same id with the same action and params gets
the stored record back without acting again; with anything else it is a 409. A refused request
(bad params, unknown object) stores nothing; a failure at TikTok is stored as ``failed`` (a retry
needs a new ``request_id``)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from django.db import transaction

from core.exceptions import ApplicationError, Conflict, NotFound
from core.http import UpstreamError
from core.locks import named_lock
from core.models import Tenant
from core.upstream import upstream_failure
from tiktok_ads import budgets
from tiktok_ads.client import BusinessApiClient
from tiktok_ads.errors import TikTokAdsError
from tiktok_ads.models import ActionRecord, ActionState, AdAccount, Campaign, DirectionAdGroup, LaunchKind, OperationStatus
from tiktok_ads.models import Ad as StoredAd
from tiktok_ads.selectors.actions import action_record_get
from tiktok_ads.selectors.directions import ad_account_get, direction_get

logger = logging.getLogger(__name__)

# The seed's aliases of a param → our name.
PARAM_ALIASES = {"accountId": "ad_account_id", "account_id": "ad_account_id", "adAccountId": "ad_account_id", "daily_budget": "budget"}


def _invalid(param: str, message: str) -> ApplicationError:
    return ApplicationError(f"params.{param}: {message}", extra={"fields": {f"params.{param}": [message]}})


@dataclass
class ActionContext:
    tenant: Tenant
    params: dict[str, Any]
    ad_account: AdAccount | None = None
    cleaned: dict[str, Any] = field(default_factory=dict)
    actor: str = ""
    _client: BusinessApiClient | None = None

    @property
    def advertiser(self):
        return self.ad_account.advertiser

    @property
    def advertiser_id(self) -> str:
        return self.advertiser.advertiser_id

    @property
    def client(self) -> BusinessApiClient:
        if self._client is None:
            self._client = BusinessApiClient.for_advertiser(self.advertiser)
        return self._client

    def require_id(self, name: str) -> str:
        value = self.params.get(name)
        if value in (None, "") or not str(value).strip().isdigit():
            raise _invalid(name, f"required: the TikTok {name.removesuffix('_id').replace('adgroup', 'ad group')} id (digits).")
        return str(value).strip()


class Action:
    """One action of the registry. Subclasses set ``name`` and override the steps."""

    name: ClassVar[str]
    writes: ClassVar[bool] = True

    def validate(self, ctx: ActionContext) -> None:
        """Check and clean ``ctx.params`` into ``ctx.cleaned``; raise to refuse."""

    def before(self, ctx: ActionContext) -> dict:
        return {}

    def after(self, ctx: ActionContext, before: dict) -> dict:
        return dict(before)

    def apply(self, ctx: ActionContext, before: dict, after: dict) -> dict:
        """Write upstream; TikTok's answer."""
        return {}


KINDS = {
    # kind → (list method, filtering key, status write, stored model, stored id field)
    "campaign": ("campaigns", "campaign_ids", "campaign_status_update", Campaign, "campaign_id"),
    "adgroup": ("adgroups", "adgroup_ids", "adgroup_status_update", DirectionAdGroup, "tiktok_adgroup_id"),
    "ad": ("ads", "ad_ids", "ad_status_update", StoredAd, "ad_id"),
}
KIND_WORDS = {"campaign": "campaign", "adgroup": "ad group", "ad": "ad"}


def _read_object(ctx: ActionContext, kind: str, object_id: str) -> dict:
    """The TikTok object ``object_id`` of the ad account's advertiser; 404 when it has none."""
    lister, key = KINDS[kind][0], KINDS[kind][1]
    # STATUS_ALL: a deleted object is read too (TikTok's reads hide them by default), so acting on
    # one gets TikTok's own refusal ("is deleted") rather than "not found".
    rows = getattr(ctx.client, lister)(ctx.advertiser_id, filtering={key: [object_id], "primary_status": "STATUS_ALL"})
    found = next((row for row in rows if str(row.get(f"{kind}_id")) == object_id), None)
    if found is None:
        raise NotFound(
            f"params.{kind}_id: TikTok {KIND_WORDS[kind]} {object_id} is not one of advertiser {ctx.advertiser_id}'s (ad account {ctx.ad_account.name}).",
            extra={"fields": {f"params.{kind}_id": [f"No such {KIND_WORDS[kind]} for this ad account."]}},
        )
    return found


def _stored_rows(ctx: ActionContext, kind: str, object_id: str):
    model, id_field = KINDS[kind][3], KINDS[kind][4]
    return model.objects.for_tenant(ctx.tenant).filter(**{id_field: object_id})


class _StatusAction(Action):
    kind: ClassVar[str]
    status: ClassVar[str]

    def validate(self, ctx):
        ctx.cleaned[f"{self.kind}_id"] = ctx.require_id(f"{self.kind}_id")

    def before(self, ctx):
        found = _read_object(ctx, self.kind, ctx.cleaned[f"{self.kind}_id"])
        return {"operation_status": found.get("operation_status", "")}

    def after(self, ctx, before):
        return {"operation_status": self.status}

    def apply(self, ctx, before, after):
        writer = KINDS[self.kind][2]
        answers = getattr(ctx.client, writer)(ctx.advertiser_id, [ctx.cleaned[f"{self.kind}_id"]], self.status)
        # Ours too, when the object is one this product created or adopted.
        _stored_rows(ctx, self.kind, ctx.cleaned[f"{self.kind}_id"]).update(status=self.status)
        return {"data": answers[0] if len(answers) == 1 else answers}


def _status_action(action_name: str, kind: str, status: str) -> type[_StatusAction]:
    return type(action_name.replace(".", ""), (_StatusAction,), {"name": action_name, "kind": kind, "status": status})


class GetCampaignStatus(Action):
    name = "TikTok.GetCampaignStatus"
    writes = False

    def validate(self, ctx):
        ctx.cleaned["campaign_id"] = ctx.require_id("campaign_id")

    def before(self, ctx):
        found = _read_object(ctx, "campaign", ctx.cleaned["campaign_id"])
        keys = ("campaign_name", "operation_status", "secondary_status", "objective_type", "budget_mode", "budget")
        return {key: found[key] for key in keys if key in found}


class UpdateAdGroupBudget(Action):
    name = "TikTok.UpdateAdGroupBudget"

    def validate(self, ctx):
        ctx.cleaned["adgroup_id"] = ctx.require_id("adgroup_id")
        raw = ctx.params.get("budget")
        try:
            budget = Decimal(str(raw).strip())
        except (InvalidOperation, TypeError):
            raise _invalid("budget", "required: the new daily budget, a number in the advertiser's currency.") from None
        if not budget.is_finite() or budget != budget.quantize(Decimal("0.01")):
            raise _invalid("budget", "a number with at most two decimal places.")
        currency = ctx.advertiser.currency or "KZT"
        try:
            problem = budgets.budget_problem(budget, currency)
        except budgets.UnknownCurrency as exc:
            raise _invalid("budget", str(exc)) from None
        if problem:
            raise _invalid("budget", problem)
        ctx.cleaned["budget"] = budget

    def before(self, ctx):
        found = _read_object(ctx, "adgroup", ctx.cleaned["adgroup_id"])
        budget = found.get("budget")
        return {"budget": f"{Decimal(str(budget)):.2f}" if budget not in (None, "") else ""}

    def after(self, ctx, before):
        return {"budget": f"{ctx.cleaned['budget']:.2f}"}

    def apply(self, ctx, before, after):
        answer = ctx.client.adgroup_budget_update(ctx.advertiser_id, {ctx.cleaned["adgroup_id"]: float(ctx.cleaned["budget"])})
        _stored_rows(ctx, "adgroup", ctx.cleaned["adgroup_id"]).update(daily_budget=ctx.cleaned["budget"])
        return {"data": answer}


class CreateAdGroupWithCreatives(Action):
    """A new ad group in the direction's campaign with the given creatives: the campaign
    builder's launch (``launch_start(kind=CREATE_ADGROUP)``) when it is installed."""

    name = "TikTok.Direction.CreateAdGroupWithCreatives"

    @staticmethod
    def _launch_start():
        from tiktok_ads import services

        launch_start = getattr(services, "launch_start", None)
        if launch_start is None:
            raise ApplicationError(
                "TikTok.Direction.CreateAdGroupWithCreatives is not available yet: the campaign builder's ad-group launch is not installed.",
                code=TikTokAdsError.NOT_IMPLEMENTED,
                status=501,
            )
        return launch_start

    def validate(self, ctx):
        self._launch_start()
        if ctx.params.get("direction_id") in (None, ""):
            raise _invalid("direction_id", "required: the TikTok direction to add the ad group to.")
        direction = direction_get(ctx.tenant, ctx.params["direction_id"], field="params.direction_id")
        if direction.ad_account_id != ctx.ad_account.pk:
            raise NotFound(
                "params.direction_id: the direction is not one of this ad account's.",
                extra={"fields": {"params.direction_id": ["Unknown direction."]}},
            )
        if direction.platform != "tiktok":
            raise _invalid(
                "direction_id",
                f"direction {direction.pk} is a {direction.platform or 'facebook'} direction; this action needs a TikTok one.",
            )
        creative_ids = ctx.params.get("creative_ids")
        if not isinstance(creative_ids, list) or not creative_ids:
            raise _invalid("creative_ids", "required: a list of creative ids.")
        ctx.cleaned.update(direction=direction, creative_ids=creative_ids)

    def before(self, ctx):
        direction = ctx.cleaned["direction"]
        return {"direction_id": direction.pk, "tiktok_campaign_id": direction.tiktok_campaign_id, "adgroups": DirectionAdGroup.objects.for_tenant(ctx.tenant).filter(direction=direction).count()}

    def after(self, ctx, before):
        return {**before, "adgroups": before["adgroups"] + 1, "creative_ids": ctx.cleaned["creative_ids"]}

    def apply(self, ctx, before, after):
        launch_params = {"creative_ids": ctx.cleaned["creative_ids"], "request": {key: value for key, value in ctx.params.items() if not key.startswith("_")}}
        if ctx.params.get("budget") not in (None, ""):
            launch_params["daily_budget"] = ctx.params["budget"]
        launch = self._launch_start()(
            tenant=ctx.tenant,
            kind=LaunchKind.CREATE_ADGROUP,
            ad_account=ctx.ad_account,
            direction=ctx.cleaned["direction"],
            params=launch_params,
            idempotency_key=f"action:{ctx.params['_request_id']}",
            requested_by=ctx.actor,
        )
        return {"launch_id": launch.pk, "state": launch.state, "result": launch.result}


ACTIONS: dict[str, Action] = {
    action.name: action
    for action in (
        GetCampaignStatus(),
        _status_action("TikTok.PauseCampaign", "campaign", OperationStatus.DISABLE)(),
        _status_action("TikTok.ResumeCampaign", "campaign", OperationStatus.ENABLE)(),
        _status_action("TikTok.PauseAdGroup", "adgroup", OperationStatus.DISABLE)(),
        _status_action("TikTok.ResumeAdGroup", "adgroup", OperationStatus.ENABLE)(),
        UpdateAdGroupBudget(),
        _status_action("TikTok.PauseAd", "ad", OperationStatus.DISABLE)(),
        _status_action("TikTok.ResumeAd", "ad", OperationStatus.ENABLE)(),
        CreateAdGroupWithCreatives(),
    )
}


def action_names() -> list[str]:
    return list(ACTIONS)


def action_normalized_params(params: Any) -> dict[str, Any]:
    """``params`` with the seed's aliases under our names (ids as strings)."""
    if not isinstance(params, dict):
        raise ApplicationError("params: must be a JSON object.", extra={"fields": {"params": ["Must be a JSON object."]}})
    cleaned: dict[str, Any] = {}
    for key, value in params.items():
        name = PARAM_ALIASES.get(key, key)
        if name in cleaned and cleaned[name] != value:
            raise _invalid(name, f"given twice ({key} and {name}) with different values.")
        cleaned[name] = str(value) if name.endswith("_id") and isinstance(value, int) else value
    return cleaned


def action_diff(record: ActionRecord) -> list[dict]:
    """``[{object, field, before, after}]`` of a record (what changed, or would change)."""
    target = (
        record.params.get("campaign_id")
        or record.params.get("adgroup_id")
        or record.params.get("ad_id")
        or record.params.get("direction_id")
    )
    kind = next((kind for kind in ("campaign", "adgroup", "ad", "direction") if record.params.get(f"{kind}_id")), "")
    return [
        {"object": f"{kind}:{target}", "field": name, "before": record.before.get(name), "after": record.after.get(name)}
        for name in sorted(set(record.before) | set(record.after))
        if record.before.get(name) != record.after.get(name)
    ]


def _same_request(record: ActionRecord, action: str, params: dict, dry_run: bool) -> bool:
    return record.action == action and record.params == params and record.dry_run == dry_run


def action_execute(
    *, tenant: Tenant, action: str, params: Any, request_id: str, actor: str = "", dry_run: bool = False, source: str = "api"
) -> tuple[ActionRecord, bool]:
    """Run ``action`` once per ``request_id``: (the record, True when it was stored earlier)."""
    request_id = str(request_id or "").strip()
    if not request_id or len(request_id) > 100:
        raise ApplicationError(
            "request_id: required (at most 100 characters): the idempotency key.", extra={"fields": {"request_id": ["Required."]}}
        )
    spec = ACTIONS.get(action)
    if spec is None:
        raise ApplicationError(
            f"action: unknown action {action!r}; valid actions: {', '.join(ACTIONS)}.",
            extra={"fields": {"action": [f"Use one of: {', '.join(ACTIONS)}."]}, "valid_actions": list(ACTIONS)},
        )
    params = action_normalized_params(params)
    with named_lock(f"tiktok_ads:action:{tenant.pk}:{request_id}", ttl=300, wait=60):
        stored = action_record_get(tenant, request_id)
        if stored is not None:
            if not _same_request(stored, action, params, dry_run):
                raise Conflict(
                    f"request_id: {request_id!r} was already used for another request ({stored.action}); use a new request_id.",
                    extra={"fields": {"request_id": ["Already used with other parameters."]}},
                )
            return stored, True
        return _run(spec, tenant=tenant, params=params, request_id=request_id, actor=actor, dry_run=dry_run, source=source), False


def _run(spec: Action, *, tenant, params, request_id, actor, dry_run, source) -> ActionRecord:
    if params.get("ad_account_id") in (None, ""):
        raise _invalid("ad_account_id", "required: the ad account (accountId) to act on.")
    ctx = ActionContext(tenant=tenant, params={**params, "_request_id": request_id}, actor=actor)
    ctx.ad_account = ad_account_get(tenant, params["ad_account_id"], field="params.ad_account_id")
    if ctx.ad_account.advertiser_id is None:
        raise _invalid("ad_account_id", f"ad account {ctx.ad_account.name} has no TikTok advertiser (set its tiktok_business_id).")
    spec.validate(ctx)
    record = ActionRecord(
        tenant=tenant,
        request_id=request_id,
        action=spec.name,
        params=params,
        ad_account=ctx.ad_account,
        dry_run=dry_run,
        actor=actor[:200],
        source=source,
    )
    try:
        record.before = spec.before(ctx)
        record.after = spec.after(ctx, record.before)
        if dry_run or not spec.writes:
            record.state = ActionState.DRY_RUN if dry_run else ActionState.SUCCEEDED
        else:
            record.upstream_response = spec.apply(ctx, record.before, record.after)
            record.state = ActionState.SUCCEEDED
    except UpstreamError as exc:
        failure = upstream_failure(exc)
        record.state, record.error = ActionState.FAILED, failure.message[:1000]
        record.upstream_response = {
            "status": exc.status,
            "code": exc.code,
            "message": exc.message,
            "request_id": exc.request_id,
            "answered_with": failure.status,
        }
    with transaction.atomic():
        record.save()
    logger.info(
        "action %s %s",
        spec.name,
        record.state,
        extra={
            "tenant_id": tenant.pk,
            "action": spec.name,
            "request_id": request_id,
            "state": record.state,
            "actor": actor,
            "source": source,
            "dry_run": dry_run,
        },
    )
    return record
