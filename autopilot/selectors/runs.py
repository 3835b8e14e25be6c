"""Reads of brain runs (the seed's ``brain_executions``), their scores, proposed actions and
reports (``campaign_reports``), for the runs pages and the executions/reports API.

``platform`` is the stored one (facebook or tiktok); ``platform_param`` turns the seed's and the
UI's names (instagram = facebook) into it."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from autopilot.models import AdGroupScore, BrainRun, CampaignReport, Health, Platform, ProposalState, ProposedAction, RunState
from core.exceptions import ApplicationError, NotFound
from core.models import Tenant
from tiktok_ads.selectors import action_records_by_pk, ad_account_get

PLATFORM_NAMES = {"facebook": Platform.FACEBOOK, "instagram": Platform.FACEBOOK, "tiktok": Platform.TIKTOK}
ACTIVE_STATES = (RunState.QUEUED, RunState.RUNNING)


def platform_param(value: str | None, *, field: str = "platform") -> str | None:
    """``?platform=`` (facebook, instagram or tiktok) as the stored platform, None for none; a
    400 naming ``field`` otherwise."""
    if value in (None, ""):
        return None
    found = PLATFORM_NAMES.get(str(value).strip().lower())
    if found is None:
        message = "must be facebook, instagram or tiktok."
        raise ApplicationError(f"{field}: {message}", extra={"fields": {field: [message]}})
    return found


def account_param(tenant: Tenant, value: str | None, *, field: str = "accountId") -> int | None:
    """``?accountId=`` (our ad account id) checked against the tenant: not a number is a 400,
    another tenant's or a missing account a 404."""
    if value in (None, ""):
        return None
    if not str(value).strip().isdigit():
        message = "must be an ad account id (a number)."
        raise ApplicationError(f"{field}: {message}", extra={"fields": {field: [message]}})
    return ad_account_get(tenant, value, field=field).pk


def _counts() -> dict:
    counts = {f"actions_{state}": Count("actions", filter=Q(actions__state=state), distinct=True) for state in ProposalState.values}
    counts.update({f"health_{health}": Count("scores", filter=Q(scores__health=health), distinct=True) for health in Health.values})
    return counts


def runs_list(
    tenant: Tenant, *, platform: str | None = None, ad_account_id: int | None = None, with_actions: bool = False
) -> QuerySet[BrainRun]:
    """The tenant's runs, newest first, each with ``actions_<state>`` and ``health_<health>`` counts."""
    rows = BrainRun.objects.for_tenant(tenant).select_related("ad_account").annotate(**_counts())
    if platform:
        rows = rows.filter(platform=platform)
    if ad_account_id is not None:
        rows = rows.filter(ad_account_id=ad_account_id)
    if with_actions:
        rows = rows.prefetch_related(Prefetch("actions", queryset=ProposedAction.objects.for_tenant(tenant).order_by("position")))
    return rows.order_by("-created_at", "-id")


def run_get(tenant: Tenant, pk) -> BrainRun:
    """The tenant's run ``pk``; another tenant's or a missing one is a 404."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound(f"run: no brain run {pk!r} in this workspace.") from None
    found = runs_list(tenant).select_related("sync_run").filter(pk=pk).first()
    if found is None:
        raise NotFound(f"run: no brain run {pk} in this workspace.")
    return found


def run_is_active(run: BrainRun) -> bool:
    return run.state in ACTIVE_STATES


def run_scores(tenant: Tenant, run: BrainRun) -> list[AdGroupScore]:
    """The run's ad groups, worst first."""
    return list(AdGroupScore.objects.for_tenant(tenant).filter(run=run).order_by("score", "adgroup_id"))


def run_actions(tenant: Tenant, run: BrainRun) -> list[ProposedAction]:
    """The run's proposals in order, each with ``record`` (the actions API's record once sent)."""
    rows = list(ProposedAction.objects.for_tenant(tenant).filter(run=run).order_by("position"))
    records = action_records_by_pk(tenant, [row.action_record_id for row in rows if row.action_record_id])
    for row in rows:
        row.record = records.get(row.action_record_id)
    return rows


def run_report(tenant: Tenant, run: BrainRun) -> CampaignReport | None:
    return CampaignReport.objects.for_tenant(tenant).filter(run=run).order_by("-created_at", "-id").first()


def reports_list(tenant: Tenant, *, platform: str | None = None, ad_account_id: int | None = None) -> QuerySet[CampaignReport]:
    rows = CampaignReport.objects.for_tenant(tenant).select_related("ad_account")
    if platform:
        rows = rows.filter(platform=platform)
    if ad_account_id is not None:
        rows = rows.filter(ad_account_id=ad_account_id)
    return rows.order_by("-created_at", "-id")
