from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.exceptions import ApplicationError
from core.models import SyncRun
from core.selectors import api_calls_for_tenant, sync_run_progress, sync_runs_for_tenant
from core.services import membership_switch
from core.web import TenantPageView, TenantScopedDetailView, TenantScopedListView, is_htmx


class HomeView(TenantPageView):
    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["recent_runs"] = sync_runs_for_tenant(self.tenant)[:5]
        context["recent_calls"] = api_calls_for_tenant(self.tenant)[:10]
        return context


@login_required
@require_POST
def tenant_switch(request):
    try:
        membership = membership_switch(user=request.user, tenant_id=int(request.POST.get("tenant_id", "0") or 0), session=request.session)
    except (ApplicationError, ValueError):
        messages.error(request, "You are not a member of that tenant.")
        return redirect("home")
    messages.success(request, f"Switched to {membership.tenant.name}.")
    next_url = request.POST.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("home")
    return redirect(next_url)


class SyncRunListView(TenantScopedListView):
    model = SyncRun
    template_name = "core/sync_run_list.html"
    context_object_name = "runs"


class SyncRunDetailView(TenantScopedDetailView):
    model = SyncRun
    template_name = "core/sync_run_detail.html"
    context_object_name = "run"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["progress"] = sync_run_progress(self.object)
        context["parts"] = self.object.parts.all()
        return context


class SyncRunProgressView(TenantScopedDetailView):
    """The reusable progress partial (htmx polls it while the run is active) and, with
    ``Accept: application/json``, the same figures as JSON."""

    model = SyncRun
    template_name = "core/partials/sync_run_progress.html"
    context_object_name = "run"

    def render_to_response(self, context, **response_kwargs):
        progress = sync_run_progress(self.object)
        if "application/json" in self.request.headers.get("Accept", "") and not is_htmx(self.request):
            return JsonResponse(progress)
        context["progress"] = progress
        return super().render_to_response(context, **response_kwargs)


