"""The brain's runs: the list (Instagram/TikTok tabs, an ad-account filter, "Run now" per TikTok
ad account) and one run's page (progress polled while it runs, explained scores, proposed actions
with their dry-run diffs, executed action records, the report)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from autopilot import selectors
from autopilot.models import Health, Platform, ProposalState, RunTrigger
from autopilot.services.brain import brain_run_start
from core.models import Role
from core.web import TenantPageView, TenantRequiredMixin
from tiktok_ads.selectors import ad_account_currency, ad_accounts_for_tenant

TABS = [("instagram", "Instagram"), ("tiktok", "TikTok")]
RUNS_PAGE = "autopilot:runs"


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class RunsView(TenantPageView):
    template_name = "autopilot/runs.html"
    page_size = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tab = self.request.GET.get("platform") if self.request.GET.get("platform") in dict(TABS) else "tiktok"
        accounts = list(ad_accounts_for_tenant(self.tenant))
        account_id = _int(self.request.GET.get("account"))
        if account_id not in {account.pk for account in accounts}:
            account_id = None
        platform = selectors.platform_param(tab)
        runs = selectors.runs_list(self.tenant, platform=platform, ad_account_id=account_id)
        page = Paginator(runs, self.page_size).get_page(self.request.GET.get("page"))
        rows = [
            {
                "run": run,
                "health": [(health, getattr(run, f"health_{health}")) for health in Health.values if getattr(run, f"health_{health}")],
                "actions": [
                    (state, getattr(run, f"actions_{state}")) for state in ProposalState.values if getattr(run, f"actions_{state}")
                ],
            }
            for run in page.object_list
        ]
        context.update(
            tab=tab,
            tabs=TABS,
            accounts=accounts,
            account_id=account_id,
            runnable=[account for account in accounts if account.advertiser_id and (account_id is None or account.pk == account_id)],
            can_run=Role.allows(self.request.role, Role.ANALYST),
            page=page,
            rows=rows,
            is_tiktok=platform == Platform.TIKTOK,
        )
        return context


class RunStartView(TenantRequiredMixin, View):
    """POST (analyst): queue a brain run of one ad account now, then show it."""

    min_role = Role.ANALYST
    http_method_names = ["post"]
    error_redirect = RUNS_PAGE

    def post(self, request):
        run = brain_run_start(
            tenant=request.tenant,
            ad_account_id=request.POST.get("ad_account_id"),
            trigger=RunTrigger.MANUAL,
            requested_by=request.user.get_username(),
        )
        return redirect(reverse("autopilot:run", args=[run.pk]))


def _run_context(request, pk) -> dict:
    run = selectors.run_get(request.tenant, pk)
    currency = run.summary.get("currency") or (ad_account_currency(run.ad_account) if run.ad_account else "")
    scores = selectors.run_scores(request.tenant, run)
    actions = selectors.run_actions(request.tenant, run)
    return {
        "run": run,
        "active": selectors.run_is_active(run),
        "currency": currency,
        "scores": scores,
        "actions": actions,
        "records": [row for row in actions if row.record is not None],
        "report": selectors.run_report(request.tenant, run),
    }


class RunDetailView(TenantPageView):
    template_name = "autopilot/run.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(_run_context(self.request, kwargs["pk"]))
        return context


class RunBodyView(TenantRequiredMixin, View):
    """The run's body (htmx), polled every 2 s while the run is queued or running; the body of a
    finished run carries no poll, so swapping it in ends the polling."""

    def get(self, request, pk: int):
        return render(request, "autopilot/partials/run_body.html", _run_context(request, pk))
