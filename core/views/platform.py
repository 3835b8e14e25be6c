"""The platform's own pages: sync runs, upstream calls, API keys and members.

Views stay thin: forms validate, services write, selectors read. A refused action re-renders its
page with the reason and a 4xx status (``core.web``'s error path: ``handle_application_error``);
a done one redirects with a flash message.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.dateranges import date_range_context, date_range_for_request
from core.errors import CoreError
from core.exceptions import ApplicationError
from core.exports import export_response
from core.formatting import current_zone, label_text
from core.forms import (
    ApiCallFilterForm,
    ApiKeyCreateForm,
    MemberAddForm,
    MemberRoleForm,
    SyncRunFilterForm,
)
from core.models import Role, SyncRun, SyncState
from core.selectors import (
    api_call_outcomes,
    api_call_providers,
    api_calls_for_tenant,
    api_keys_for_tenant,
    members_for_tenant,
    sync_run_kinds,
    sync_run_parts,
    sync_run_progress,
    sync_runs_for_tenant,
    sync_runs_search,
)
from core.services import (
    api_key_create,
    api_key_revoke,
    membership_add,
    membership_remove,
    membership_set_role,
    membership_switch,
    sync_run_cancel,
    sync_run_resume,
)
from core.tables import Column, Table
from core.targets import target_label
from core.web import FormRefusalMixin, InvalidQuery, TenantPageView, TenantScopedDetailView, is_htmx

__all__ = [
    "tenant_switch",
    "SyncRunListView",
    "SyncRunDetailView",
    "SyncRunProgressView",
    "SyncRunResumeView",
    "SyncRunCancelView",
    "ApiCallListView",
    "ApiCallExportView",
    "ApiKeyListView",
    "ApiKeyRevokeView",
    "MemberListView",
    "MemberRoleView",
    "MemberRemoveView",
]

# htmx stops polling an element when a poll is answered with this status.
HTMX_STOP_POLLING = 286


# --- Tenant switcher ---------------------------------------------------------


@login_required
@require_POST
def tenant_switch(request):
    try:
        membership = membership_switch(user=request.user, tenant_id=int(request.POST.get("tenant_id", "0") or 0), session=request.session)
    except (ApplicationError, ValueError):
        messages.error(request, "You are not a member of that tenant.")
        return redirect("home")
    messages.success(request, f"Switched to {membership.tenant.name}.")
    return redirect(_switch_destination(request, request.POST.get("next", "")))


def _switch_destination(request, next_url: str) -> str:
    """Stay on the same section after a switch, but not on an object page: that object belongs
    to the previous tenant and would now be a 404."""
    home = reverse("home")
    if not next_url or not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return home
    try:
        match = resolve(urlsplit(next_url).path)
    except Resolver404:
        return home
    return home if match.kwargs else next_url


# --- Sync runs ----------------------------------------------------------------------------

SYNC_RUNS = Table(
    "sync-runs",
    [
        Column("pk", "#", numeric=True),
        Column("kind", "Sync"),
        Column("target", "For", optional=True),
        Column("items_done", "Progress", numeric=True),
        Column("created_at", "Started"),
        Column("finished_at", "Finished", optional=True),
        Column("attempts", "Attempts", numeric=True, optional=True, hidden=True),
    ],
    default_sort="-created_at",
    per_page=25,
)


def _range_moments(date_range, zone) -> dict:
    """A page's day range as the moments [since, until) in ``zone``."""
    return {
        "since": datetime.combine(date_range.start, time.min, tzinfo=zone),
        "until": datetime.combine(date_range.end + timedelta(days=1), time.min, tzinfo=zone),
    }


class _FilteredTablePage(TenantPageView):
    """A list page: GET filters (``filter_class``), the date range, and a ``core.tables`` table.
    A refused filter is a 400 showing the field's message; the table then shows everything."""

    filter_class = None

    def filter_choices(self) -> dict:
        return {}

    def filters(self) -> dict:
        if not hasattr(self, "filter_form"):
            self.filter_form = self.filter_class(self.request.GET or None, choices=self.filter_choices())
            self.date_range = date_range_for_request(self.request, zone=current_zone())
        return {**self.filter_form.cleaned_filters(), **_range_moments(self.date_range, current_zone())}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filter_form
        context.update(date_range_context(self.date_range))
        return context

    def render_to_response(self, context, **response_kwargs):
        if self.filter_form.errors:
            response_kwargs["status"] = 400
        return super().render_to_response(context, **response_kwargs)


class SyncRunListView(_FilteredTablePage):
    template_name = "core/sync_run_list.html"
    filter_class = SyncRunFilterForm

    def filter_choices(self):
        return {"kind": [(kind, label_text(kind, "sync_kind")) for kind in sync_run_kinds(self.tenant)], "state": [(state, label_text(state, "sync_state")) for state in SyncState.values]}

    def get_context_data(self, **kwargs):
        runs = sync_runs_search(self.tenant, **self.filters())
        context = super().get_context_data(**kwargs)
        context["table"] = table = SYNC_RUNS.bind(self.request, runs)
        context["rows"] = [(run, sync_run_progress(run), target_label(run.target)) for run in table.rows]
        context["has_any"] = bool(table.paginator.count) or sync_runs_for_tenant(self.tenant).exists()
        return context


SYNC_RUN_PARTS = Table(
    "parts",
    [
        Column("key", "Part"),
        Column("state", "Status"),
        Column("items_done", "Items", numeric=True),
        Column("seq", "Pages", numeric=True),
        Column("updated_at", "Updated"),
        Column("error", "Error", sort=None),
    ],
    per_page=50,
    prefix="parts_",  # unsorted: in the order the run works them
)


class SyncRunDetailView(TenantScopedDetailView):
    model = SyncRun
    template_name = "core/sync_run_detail.html"
    context_object_name = "run"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["progress"] = sync_run_progress(self.object)
        context["table"] = SYNC_RUN_PARTS.bind(self.request, sync_run_parts(self.object))
        context["target_text"] = target_label(self.object.target)
        return context


class _SyncRunActionView(SyncRunDetailView):
    """POST-only admin action on a run (subclasses define ``perform(run)``); a refusal
    re-renders the detail page with the reason."""

    write_role = Role.ADMIN
    http_method_names = ["post"]
    done_message = ""

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.perform(self.object)
        messages.success(request, self.done_message)
        return redirect("sync-run-detail", pk=self.object.pk)

    def handle_application_error(self, exc):
        if getattr(self, "object", None) is None:
            return super().handle_application_error(exc)
        messages.error(self.request, exc.message)
        self.object.refresh_from_db()
        return self.render_to_response(self.get_context_data(object=self.object), status=exc.status)


class SyncRunResumeView(_SyncRunActionView):
    done_message = "Sync resumed from its last checkpoint."

    @staticmethod
    def perform(run: SyncRun) -> None:
        sync_run_resume(run=run)


class SyncRunCancelView(_SyncRunActionView):
    done_message = "Sync cancelled."

    @staticmethod
    def perform(run: SyncRun) -> None:
        # Cancelling a finished run is a no-op in the service; say so instead of "cancelled".
        run = sync_run_cancel(run=run)
        if run.state != SyncState.CANCELLED:
            raise ApplicationError(f"This sync already {run.state}; there is nothing to cancel.", code=CoreError.NOT_ACTIVE, status=409)


class SyncRunProgressView(TenantScopedDetailView):
    """The reusable progress partial (htmx polls it while the run is active) and, with
    ``Accept: application/json``, the same figures as JSON."""

    model = SyncRun
    template_name = "core/partials/sync_run_progress.html"
    context_object_name = "run"

    def dispatch(self, request, *args, **kwargs):
        if is_htmx(request) and not request.user.is_authenticated:
            # A poll after the session expired: send the whole page to the login form instead of
            # swapping the login page into the progress bar.
            current = urlsplit(request.headers.get("HX-Current-URL", "")).path or reverse("home")
            response = HttpResponse(status=HTMX_STOP_POLLING)
            response["HX-Redirect"] = redirect_to_login(current).url
            return response
        return super().dispatch(request, *args, **kwargs)

    def render_to_response(self, context, **response_kwargs):
        progress = sync_run_progress(self.object)
        if "application/json" in self.request.headers.get("Accept", "") and not is_htmx(self.request):
            return JsonResponse(progress)
        context["progress"] = progress
        context["compact"] = self.request.GET.get("compact") == "1"
        return super().render_to_response(context, **response_kwargs)


# --- Upstream calls -----------------------------------------------------------------------

API_CALLS = Table(
    "api-calls",
    [
        Column("created_at", "Time"),
        Column("provider", "Platform"),
        Column("endpoint", "Call"),
        Column("status_code", "HTTP", numeric=True),
        Column("outcome", "Outcome"),
        Column("duration_ms", "Duration", numeric=True),
        Column("attempts", "Attempts", numeric=True, optional=True),
        Column("credential", "Credential", optional=True, hidden=True),
        Column("correlation_id", "Correlation id", optional=True),
    ],
    default_sort="-created_at",
    per_page=50,
)


class ApiCallListView(_FilteredTablePage):
    template_name = "core/api_call_list.html"
    filter_class = ApiCallFilterForm

    def filter_choices(self):
        return {
            "provider": [(provider, label_text(provider, "provider")) for provider in api_call_providers(self.tenant)],
            "outcome": [(outcome, label_text(outcome, "call_outcome")) for outcome in api_call_outcomes(self.tenant)],
        }

    def calls(self):
        return api_calls_for_tenant(self.tenant, **self.filters())

    def get_context_data(self, **kwargs):
        calls = self.calls()
        context = super().get_context_data(**kwargs)
        context["table"] = table = API_CALLS.bind(self.request, calls)
        context["has_any"] = bool(table.paginator.count) or api_calls_for_tenant(self.tenant).exists()
        filters = {k: v for k, v in self.filter_form.cleaned_filters().items() if v}
        context["export_query"] = urlencode({**filters, **self.date_range.query()})
        return context


class ApiCallExportView(ApiCallListView):
    """CSV of the filtered upstream calls, streamed so a large log never sits in memory."""

    min_role = Role.ANALYST
    columns = (
        "created_at",
        "provider",
        "method",
        "endpoint",
        "status_code",
        "outcome",
        "duration_ms",
        "attempts",
        "credential",
        "correlation_id",
        "error_message",
    )

    def get(self, request, *args, export_format="csv", **kwargs):
        self.filters()
        if self.filter_form.errors:
            raise InvalidQuery({name: list(errors) for name, errors in self.filter_form.errors.items()})
        calls = self.calls().order_by("-created_at", "-pk").values_list(*self.columns).iterator(chunk_size=2000)
        return export_response(export_format, basename=f"api-calls-{self.tenant.slug}", header=self.columns, rows=calls, sheet_title="Upstream calls")


# --- API keys (admin) ---------------------------------------------------------------------


API_KEYS = Table(
    "api-keys",
    [
        Column("name", "Name"),
        Column("prefix", "Key", sort=None),
        Column("role", "Role"),
        Column("created_at", "Created"),
        Column("last_used_at", "Last used"),
        Column("revoked_at", "Status", sort="revoked_at", help="Active keys first when sorted A→Z"),
    ],
    default_sort="-created_at",
    per_page=25,
)


class ApiKeyListView(FormRefusalMixin, TenantPageView):
    min_role = Role.ADMIN
    template_name = "core/api_key_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["table"] = API_KEYS.bind(self.request, api_keys_for_tenant(self.tenant), path=reverse("api-key-list"))
        context.setdefault("form", ApiKeyCreateForm())
        return context

    def post(self, request, *args, **kwargs):
        self.bound_form = form = ApiKeyCreateForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        issued = api_key_create(tenant=self.tenant, created_by=request.user, **form.cleaned_data)
        messages.success(request, f"API key “{issued.api_key.name}” created. Copy it now: it will not be shown again.")
        # The raw key lives only in this response: not in the session, not in a cache.
        response = self.render_to_response(self.get_context_data(issued=issued), status=201)
        add_never_cache_headers(response)
        return response


class ApiKeyRevokeView(ApiKeyListView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        api_key = get_object_or_404(api_keys_for_tenant(self.tenant), pk=kwargs["pk"])
        if api_key.is_active:
            api_key_revoke(api_key=api_key)
            messages.success(request, f"API key “{api_key.name}” revoked. Requests using it are now refused.")
        else:
            messages.info(request, f"API key “{api_key.name}” was already revoked.")
        return redirect("api-key-list")


# --- Members (owner) ----------------------------------------------------------------------


MEMBERS = Table(
    "members",
    [
        Column("user", "User", sort="user__username"),
        Column("email", "Email", sort="user__email"),
        Column("role", "Role"),
        Column("created_at", "Member since"),
        Column("last_active_at", "Last active"),
    ],
    default_sort="user",
    per_page=50,
)


class MemberListView(FormRefusalMixin, TenantPageView):
    min_role = Role.OWNER
    template_name = "core/member_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["table"] = MEMBERS.bind(self.request, members_for_tenant(self.tenant), path=reverse("member-list"))
        context["role_choices"] = Role.choices
        context.setdefault("form", MemberAddForm())
        return context

    def post(self, request, *args, **kwargs):
        self.bound_form = form = MemberAddForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        membership = membership_add(tenant=self.tenant, username_or_email=form.cleaned_data["user"], role=form.cleaned_data["role"])
        messages.success(request, f"{membership.user.get_username()} added as {membership.get_role_display().lower()}.")
        return redirect("member-list")

    def refuse(self, message: str, status: int):
        messages.error(self.request, message)
        return self.render_to_response(self.get_context_data(), status=status)

    def after_change(self, membership):
        """Back to the members page, unless the owner just gave up their own ownership."""
        if membership.user_id == self.request.user.pk and membership.role != Role.OWNER:
            return redirect("home")
        return redirect("member-list")


class MemberRoleView(MemberListView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        membership = get_object_or_404(members_for_tenant(self.tenant), pk=kwargs["pk"])
        form = MemberRoleForm(request.POST)
        if not form.is_valid():
            return self.refuse("Choose one of the listed roles.", status=400)
        membership_set_role(membership=membership, role=form.cleaned_data["role"])
        messages.success(request, f"{membership.user.get_username()} is now {membership.get_role_display().lower()}.")
        return self.after_change(membership)


class MemberRemoveView(MemberListView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        membership = get_object_or_404(members_for_tenant(self.tenant), pk=kwargs["pk"])
        membership_remove(membership=membership)
        messages.success(request, f"{membership.user.get_username()} removed from {self.tenant.name}.")
        if membership.user_id == request.user.pk:
            return redirect("home")
        return redirect("member-list")
