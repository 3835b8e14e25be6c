"""Directions pages (Instagram / TikTok tabs, create with platform ``both``, edit, delete, the
live budget check), the action audit log and the TikTok UI switch.

The TikTok tab, the action log and the budget check are TikTok pages: with the tenant's
``show_tiktok`` off they are 404s (the API keeps working). Writes need the admin role and go
through the same services as the API; a refusal shows on the form next to its field."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from core.exceptions import ApplicationError
from core.models import Role
from core.tables import Column, Table
from core.web import FormRefusalMixin, TenantPageView, TenantRequiredMixin, validated_query
from tiktok_ads import selectors, services
from tiktok_ads.models import ActionState, AdGroupMode, Objective
from tiktok_ads.platforms import DB_TO_UI, platform_of

DIRECTIONS_PAGE = "tiktok_ads:directions"
TABS = (("instagram", "Instagram"), ("tiktok", "TikTok"))
TIKTOK_FIELDS = (
    "tiktok_objective",
    "tiktok_daily_budget",
    "tiktok_target_cpl",
    "tiktok_adgroup_mode",
    "tiktok_page_id",
    "tiktok_identity_id",
    "tiktok_pixel_id",
)

DIRECTIONS = Table(
    "directions",
    [
        Column("name", "Direction"),
        Column("account", "Ad account"),
        Column("objective", "Objective"),
        Column("budget", "Daily budget", numeric=True),
        Column("target_cpl", "Target CPL", numeric=True, optional=True),
        Column("mode", "Ad groups", optional=True),
        Column("is_active", "Active"),
        Column("actions", "", sort=None),
    ],
    default_sort="name",
)

ACTIONS = Table(
    "actions",
    [
        Column("created_at", "When"),
        Column("action", "Action"),
        Column("account", "Ad account", sort="ad_account__name"),
        Column("state", "State"),
        Column("change", "Before → after", sort=None),
        Column("actor", "Who"),
        Column("upstream", "TikTok's answer", sort=None, optional=True),
    ],
    default_sort="-created_at",
)


def require_tiktok_ui(tenant) -> None:
    if not selectors.tiktok_ui_enabled(tenant):
        raise Http404("TikTok pages are switched off for this workspace.")


class DirectionForm(forms.Form):
    """The page's direction form; the service validates (budgets, objectives, uniqueness)."""

    name = forms.CharField(max_length=200)
    ad_account = forms.ChoiceField(label="Ad account")
    platform = forms.ChoiceField(
        choices=(("instagram", "Instagram"), ("tiktok", "TikTok"), ("both", "Both (two directions)")), initial="instagram"
    )
    tiktok_objective = forms.ChoiceField(label="TikTok objective", choices=[("", "—"), *Objective.choices], required=False)
    tiktok_daily_budget = forms.CharField(label="Daily budget", required=False, help_text="Per ad group, in the advertiser's currency.")
    tiktok_target_cpl = forms.CharField(label="Target cost per lead", required=False)
    tiktok_adgroup_mode = forms.ChoiceField(label="Ad groups", choices=AdGroupMode.choices, initial=AdGroupMode.CREATE_NEW, required=False)
    tiktok_page_id = forms.CharField(label="Instant form (page id)", required=False, max_length=32)
    tiktok_identity_id = forms.CharField(label="Identity id", required=False, max_length=64)
    tiktok_pixel_id = forms.CharField(label="Pixel id", required=False, max_length=32)
    is_active = forms.BooleanField(label="Active", required=False, initial=True)

    def __init__(self, *args, accounts, editing=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ad_account"].choices = [(str(account.pk), account.name) for account in accounts]
        self.editing = editing
        if editing is not None:
            del self.fields["ad_account"], self.fields["platform"]
            if platform_of(editing.platform) != "tiktok":
                for name in TIKTOK_FIELDS:
                    del self.fields[name]

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        platform = data.get("platform") or (platform_of(self.editing.platform) if self.editing else "")
        if platform not in ("tiktok", "both"):
            for name in TIKTOK_FIELDS:
                data.pop(name, None)
        else:
            for name in ("tiktok_daily_budget", "tiktok_target_cpl"):
                if not data.get(name):
                    data[name] = None
        return data


def _direction_row(direction) -> dict:
    return {
        "pk": direction.pk,
        "name": direction.name,
        "account": direction.ad_account.name,
        "objective": direction.tiktok_objective,
        "budget": direction.tiktok_daily_budget,
        "currency": selectors.ad_account_currency(direction.ad_account),
        "target_cpl": direction.tiktok_target_cpl,
        "mode": direction.tiktok_adgroup_mode,
        "is_active": direction.is_active,
        "legacy": not direction.platform,
    }


class DirectionListView(TenantPageView):
    template_name = "tiktok_ads/directions.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tiktok_on = selectors.tiktok_ui_enabled(self.tenant)
        tab = self.request.GET.get("platform") or "instagram"
        if tab == "facebook":
            tab = "instagram"
        if tab not in dict(TABS) or (tab == "tiktok" and not tiktok_on):
            raise Http404("No such tab.")
        rows = [
            _direction_row(direction)
            for direction in selectors.directions_list(self.tenant, platform="facebook" if tab == "instagram" else "tiktok")
        ]
        context.update(
            tab=tab,
            tabs=[(value, label) for value, label in TABS if value != "tiktok" or tiktok_on],
            table=DIRECTIONS.bind(self.request, rows),
            has_accounts=selectors.ad_accounts_for_tenant(self.tenant).exists(),
            can_manage=Role.allows(self.request.role, Role.ADMIN),
        )
        return context


class _DirectionFormView(FormRefusalMixin, TenantPageView):
    template_name = "tiktok_ads/direction_form.html"
    min_role = Role.ADMIN
    direction = None

    def form(self, data=None):
        initial = {}
        if self.direction is not None:
            initial = {name: getattr(self.direction, name) for name in ("name", "is_active", *TIKTOK_FIELDS)}
        elif self.request.GET.get("platform") in ("instagram", "tiktok", "both"):
            initial["platform"] = self.request.GET["platform"]
        form = DirectionForm(data, initial=initial, accounts=selectors.ad_accounts_for_tenant(self.tenant), editing=self.direction)
        if "tiktok_daily_budget" in form.fields:
            # Checked against TikTok's minimum in the ad account's currency as it is typed.
            live = {
                "hx-get": reverse("tiktok_ads:direction-budget-check"),
                "hx-trigger": "input changed delay:300ms, change",
                "hx-target": "#budget-check",
                "inputmode": "decimal",
            }
            if self.direction is None:
                live["hx-include"] = "[name=ad_account]"
            else:
                live["hx-vals"] = f'{{"ad_account": "{self.direction.ad_account_id}"}}'
            form.fields["tiktok_daily_budget"].widget.attrs.update(live)
        return form

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", self.form())
        context.update(direction=self.direction, tiktok_on=selectors.tiktok_ui_enabled(self.tenant))
        return context

    def post(self, request, *args, **kwargs):
        self.bound_form = form = self.form(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        if form.cleaned_data.get("platform") in ("tiktok", "both") and not selectors.tiktok_ui_enabled(self.tenant):
            form.add_error("platform", "TikTok is switched off for this workspace (Ad accounts page); use the API or switch it on.")
            return self.render_to_response(self.get_context_data(form=form), status=400)
        tab = self.save(form.service_data())
        return redirect(f"{reverse(DIRECTIONS_PAGE)}?platform={tab}")


class DirectionCreateView(_DirectionFormView):
    def save(self, data) -> str:
        created = services.direction_create(tenant=self.tenant, data=data, actor=self.request.user.get_username())
        messages.success(self.request, f"Created {len(created)} direction{'s' if len(created) > 1 else ''}: {created[0].name}.")
        return DB_TO_UI[platform_of(created[-1].platform)]


class DirectionEditView(_DirectionFormView):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and getattr(request, "tenant", None) is not None:
            try:
                self.direction = selectors.direction_get(request.tenant, kwargs["pk"])
            except ApplicationError:
                raise Http404("No such direction.") from None
            if self.direction.platform == "tiktok":
                require_tiktok_ui(request.tenant)
        return super().dispatch(request, *args, **kwargs)

    def save(self, data) -> str:
        services.direction_update(tenant=self.tenant, direction=self.direction, data=data, actor=self.request.user.get_username())
        messages.success(self.request, f"Saved {self.direction.name}.")
        return DB_TO_UI[platform_of(self.direction.platform)]


class DirectionDeleteView(TenantRequiredMixin, View):
    min_role = Role.ADMIN
    http_method_names = ["post"]
    error_redirect = DIRECTIONS_PAGE

    def post(self, request, pk: int):
        try:
            direction = selectors.direction_get(request.tenant, pk)
        except ApplicationError:
            raise Http404("No such direction.") from None
        tab = DB_TO_UI[platform_of(direction.platform)]
        services.direction_delete(tenant=request.tenant, direction=direction, actor=request.user.get_username())
        messages.success(request, f"Deleted {direction.name}.")
        return redirect(f"{reverse(DIRECTIONS_PAGE)}?platform={tab}")


class DirectionBudgetCheckView(TenantRequiredMixin, View):
    """GET ``?ad_account=&tiktok_daily_budget=``: the form's live check (an htmx fragment)."""

    http_method_names = ["get"]

    def get(self, request):
        require_tiktok_ui(request.tenant)
        raw = (request.GET.get("tiktok_daily_budget") or "").replace(",", "").strip()
        account_ref = request.GET.get("ad_account") or ""
        problem, ok = None, None
        if raw and account_ref:
            account = selectors.ad_account_get(request.tenant, account_ref)
            try:
                amount = Decimal(raw)
                problem = services.budget_check(account, amount) if amount.is_finite() and amount > 0 else "Enter a positive number."
            except InvalidOperation:
                problem = "Enter a number."
            if problem is None:
                ok = f"{amount:,.2f} {selectors.ad_account_currency(account)} a day is within TikTok's limits."
        return render(request, "tiktok_ads/partials/direction_budget_check.html", {"problem": problem, "ok": ok})


class ActionFilters(forms.Form):
    action = forms.ChoiceField(required=False)
    state = forms.ChoiceField(required=False, choices=[("", "All"), *ActionState.choices])
    account = forms.ChoiceField(required=False, label="Ad account")

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", "All")] + [(name, name) for name in services.action_names()]
        self.fields["account"].choices = [("", "All")] + [
            (str(account.pk), account.name) for account in selectors.ad_accounts_for_tenant(tenant)
        ]


class ActionLogView(TenantPageView):
    template_name = "tiktok_ads/actions.html"

    def get_context_data(self, **kwargs):
        require_tiktok_ui(self.tenant)
        context = super().get_context_data(**kwargs)
        filters = validated_query(self.request, ActionFilters, tenant=self.tenant)
        chosen = filters.cleaned_data
        rows = selectors.actions_list(
            self.tenant,
            action=chosen["action"] or None,
            state=chosen["state"] or None,
            ad_account_id=int(chosen["account"]) if chosen["account"] else None,
        )
        table = ACTIONS.bind(self.request, rows)
        for record in table.rows:  # the page's rows, evaluated once
            record.diff = services.action_diff(record)
        context.update(table=table, filter_form=filters)
        return context


class TikTokSettingsView(TenantRequiredMixin, View):
    """POST (admin): switch the TikTok pages and tabs on or off for this workspace."""

    min_role = Role.ADMIN
    http_method_names = ["post"]
    error_redirect = "tiktok_ads:advertisers"

    def post(self, request):
        show = request.POST.get("show_tiktok") in ("on", "1", "true")
        services.tiktok_settings_update(tenant=request.tenant, show_tiktok=show, actor=request.user.get_username())
        messages.success(request, "TikTok pages are shown." if show else "TikTok pages are hidden (the API keeps working).")
        return redirect("tiktok_ads:advertisers")
