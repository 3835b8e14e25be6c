"""Campaign builder and campaigns pages.

Builder: choose an ad account, then a TikTok direction, then creatives (video only: image and
carousel creatives show disabled with the reason), objective and daily budget (checked live
against the currency's minimum by ``BudgetCheckView``, an htmx partial); launching starts a
launch (the same service as the API) and shows its progress panel, which polls its steps until
the launch finishes. Campaigns: the stored campaigns with their live status, pause/resume toggles
(htmx POST answering the row), budget, objective, direction and a link to the report.
"""

from __future__ import annotations

import uuid

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from core.exceptions import ApplicationError
from core.models import Role
from core.web import TenantPageView, TenantRequiredMixin, is_htmx
from tiktok_ads import budgets, selectors, services
from tiktok_ads.models import LaunchKind, Objective, OperationStatus
from tiktok_ads.views.directions import require_tiktok_ui

BUILDER_PAGE = "tiktok_ads:campaign-builder"


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _pick(rows, pk):
    return next((row for row in rows if row.pk == pk), None)


class CampaignBuilderView(TenantPageView):
    template_name = "tiktok_ads/campaign_builder.html"
    write_role = Role.ANALYST

    def get_context_data(self, **kwargs):
        require_tiktok_ui(self.tenant)
        context = super().get_context_data(**kwargs)
        query = self.request.GET if self.request.method == "GET" else self.request.POST
        accounts = selectors.ad_accounts_with_advertiser(tenant=self.tenant)
        account = _pick(accounts, _int(query.get("account"))) or (accounts[0] if len(accounts) == 1 else None)
        directions = selectors.tiktok_directions(tenant=self.tenant, ad_account=account) if account else []
        direction = _pick(directions, _int(query.get("direction"))) or (directions[0] if len(directions) == 1 else None)
        creatives = []
        if direction is not None:
            for creative in selectors.creatives_for_builder(tenant=self.tenant, ad_account=account, direction=direction):
                creatives.append(
                    {"creative": creative, "problem": services.creative_problem(creative), "needs_upload": not creative.tiktok_video_id}
                )
        currency = account.advertiser.currency if account else ""
        try:
            minimum = budgets.minimum(currency) if account else None
        except budgets.UnknownCurrency:
            minimum = None
        launch = None
        if _int(query.get("launch")):
            launch = selectors.launch_get(tenant=self.tenant, pk=query.get("launch"))
        context.update(
            accounts=accounts,
            account=account,
            directions=directions,
            direction=direction,
            creatives=creatives,
            currency=currency,
            minimum=minimum,
            objectives=Objective.choices,
            objective=query.get("objective") or (direction.tiktok_objective if direction else "") or Objective.TRAFFIC,
            daily_budget=query.get("daily_budget")
            or (direction.tiktok_daily_budget if direction and direction.tiktok_daily_budget else minimum or ""),
            selected={_int(value) for value in query.getlist("creative_ids")} if hasattr(query, "getlist") else set(),
            idempotency_key=query.get("idempotency_key") or uuid.uuid4().hex,
            launch=launch,
            steps=selectors.launch_steps(launch) if launch else [],
            can_launch=Role.allows(self.request.role, Role.ANALYST),
            error=kwargs.get("error"),
        )
        return context

    def post(self, request):
        direction_id = request.POST.get("direction")
        try:
            direction = services.direction_for_launch(tenant=request.tenant, direction_id=direction_id)
            params = {
                "creative_ids": [value for value in request.POST.getlist("creative_ids") if value],
                "daily_budget": request.POST.get("daily_budget"),
                "objective": request.POST.get("objective"),
            }
            params["request"] = {"direction_id": direction.pk, **params}
            launch = services.launch_start(
                tenant=request.tenant,
                kind=LaunchKind.MANUAL,
                ad_account=direction.ad_account,
                direction=direction,
                params=params,
                idempotency_key=f"page:{request.POST.get('idempotency_key') or uuid.uuid4().hex}"[:100],
                requested_by=services.launch_requested_by(request),
            )
        except ApplicationError as exc:
            context = self.get_context_data(error=exc.message)
            return self.render_to_response(context, status=exc.status)
        return redirect(f"{reverse(BUILDER_PAGE)}?account={direction.ad_account_id}&direction={direction.pk}&launch={launch.pk}")


class BudgetCheckView(TenantRequiredMixin, View):
    """The live budget check: a sentence under the budget field (htmx partial)."""

    def get(self, request):
        account = _pick(selectors.ad_accounts_with_advertiser(tenant=request.tenant), _int(request.GET.get("account")))
        if account is None:
            return HttpResponse('<span class="muted">Choose an ad account first.</span>')
        currency = account.advertiser.currency
        try:
            amount = services.budget_checked(request.GET.get("daily_budget"), currency)
        except ApplicationError as exc:
            return render(request, "tiktok_ads/partials/budget_check.html", {"ok": False, "message": exc.message})
        minimum = budgets.minimum(currency)
        message = f"{amount:,.2f} {currency} a day (minimum {minimum:,.2f} {currency})."
        return render(request, "tiktok_ads/partials/budget_check.html", {"ok": True, "message": message})


class LaunchProgressView(TenantRequiredMixin, View):
    """The launch progress panel, polled every second while the launch is pending or running;
    the panel of a finished launch carries no poll, so swapping it in ends the polling."""

    def get(self, request, pk: int):
        launch = selectors.launch_get(tenant=request.tenant, pk=pk)
        return render(request, "tiktok_ads/partials/launch_progress.html", {"launch": launch, "steps": selectors.launch_steps(launch)})


class LaunchResumePageView(TenantRequiredMixin, View):
    min_role = Role.ANALYST
    http_method_names = ["post"]
    error_redirect = BUILDER_PAGE

    def post(self, request, pk: int):
        launch = services.launch_resume(launch=selectors.launch_get(tenant=request.tenant, pk=pk))
        if is_htmx(request):
            return render(request, "tiktok_ads/partials/launch_progress.html", {"launch": launch, "steps": selectors.launch_steps(launch)})
        return redirect(f"{reverse(BUILDER_PAGE)}?account={launch.ad_account_id}&direction={launch.direction_id or ''}&launch={launch.pk}")


def campaign_rows(merged: list[dict]) -> list[dict]:
    rows = []
    for item in merged:
        campaign = item["campaign"]
        direction = campaign.direction
        rows.append(
            {
                "campaign": campaign,
                "status": item["status"],
                # An INFINITE campaign budget (TikTok answers 0) means the ad groups' budgets rule.
                "budget": item["budget"] if item["budget"] and item["budget_mode"] != "BUDGET_MODE_INFINITE" else None,
                "budget_mode": item["budget_mode"],
                "live": item["live"],
                "objective": direction.tiktok_objective if direction else "",
                "direction": direction,
                "currency": campaign.advertiser.currency,
                "report_url": f"{reverse('tiktok_ads-api:report')}?direction_id={direction.pk}" if direction else "",
            }
        )
    return rows


class CampaignListView(TenantPageView):
    template_name = "tiktok_ads/campaigns.html"

    def get_context_data(self, **kwargs):
        require_tiktok_ui(self.tenant)
        context = super().get_context_data(**kwargs)
        accounts = selectors.ad_accounts_with_advertiser(tenant=self.tenant)
        account = _pick(accounts, _int(self.request.GET.get("account")))
        merged, problem = services.campaigns_merged(selectors.campaigns_stored(tenant=self.tenant, ad_account=account))
        context.update(
            accounts=accounts,
            account=account,
            rows=campaign_rows(merged),
            upstream_error=problem,
            can_toggle=Role.allows(self.request.role, Role.ANALYST),
        )
        return context


class CampaignStatusPageView(TenantRequiredMixin, View):
    """POST ``status`` (ENABLE or DISABLE): the campaign paused or resumed; htmx gets the row."""

    min_role = Role.ANALYST
    http_method_names = ["post"]
    error_redirect = "tiktok_ads:campaigns"

    def post(self, request, pk: int):
        campaign = selectors.campaign_get(tenant=request.tenant, pk=pk)
        wanted = request.POST.get("status")
        if wanted not in (OperationStatus.ENABLE, OperationStatus.DISABLE):
            raise ApplicationError("status must be ENABLE or DISABLE.")
        campaign = services.campaign_status_set(campaign=campaign, status=wanted)
        if is_htmx(request):
            merged, _ = services.campaigns_merged([campaign])
            return render(request, "tiktok_ads/partials/campaign_row.html", {"row": campaign_rows(merged)[0], "can_toggle": True})
        return redirect("tiktok_ads:campaigns")
