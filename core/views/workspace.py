"""The analyst's home and workspace: the business overview, global search, saved views, and the
workspace settings (reporting currency, locale, time zone, FX rates)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from core.charts import Chart, Series
from core.dateranges import date_range_context, date_range_for_request
from core.formatting import current_zone, percent_change
from core.forms import form_add_application_error
from core.models import Role
from core.registry import search_all
from core.selectors import business_overview, fx_rates_for_tenant, saved_views_for, sync_run_progress, sync_runs_for_tenant
from core.services import fx_rate_delete, fx_rate_set, saved_view_create, saved_view_delete, tenant_settings_update
from core.tables import Column, Table
from core.web import FormRefusalMixin, TenantPageView

__all__ = [
    "HomeView",
    "SearchView",
    "SavedViewListView",
    "SavedViewCreateView",
    "SavedViewDeleteView",
    "TenantSettingsView",
    "FxRateDeleteView",
]

SEARCH_MIN_LENGTH = 2

SOURCES = Table(
    "sources-table",
    [
        Column("source", "Source"),
        Column("gmv", "GMV", numeric=True),
        Column("orders", "Orders", numeric=True),
        Column("ad_spend", "Ad spend", numeric=True),
        Column("mer", "MER", numeric=True),
        Column("conversions", "Conversions", numeric=True),
    ],
    default_sort="-gmv",
    per_page=25,
)


class HomeView(TenantPageView):
    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        date_range = date_range_for_request(self.request, zone=current_zone(), default_compare="previous")
        overview = business_overview(self.tenant, date_range)
        previous = overview.previous or {}
        context.update(date_range_context(date_range))
        context["overview"] = overview
        context["cards"] = [
            {"key": key, "label": label, "value": overview.totals[key], "kind": kind, "change": percent_change(overview.totals[key], previous.get(key)), "good_up": good_up}
            for key, label, kind, good_up in (
                ("gmv", "GMV", "money", True),
                ("orders", "Orders", "count", True),
                ("ad_spend", "Ad spend", "money", None),  # more spend is neither good nor bad by itself
                ("mer", "MER (GMV ÷ ad spend)", "ratio", True),
                ("conversions", "Conversions delivered", "count", True),
            )
        ]
        context["chart"] = Chart(
            id="overview-chart",
            title=f"GMV and ad spend per day ({overview.currency})",
            labels=[day.isoformat() for day in overview.days],
            series=[
                Series("GMV", [row["gmv"] for row in overview.by_day]),
                Series("Ad spend", [row["ad_spend"] for row in overview.by_day]),
                Series("MER", [round(row["mer"], 2) if row["mer"] is not None else None for row in overview.by_day], axis="y2", kind="line"),
            ],
            kind="bar",
            y_format="money",
            y2_format="count",
            currency=overview.currency,
        )
        context["table"] = SOURCES.bind(self.request, overview.by_source)
        context["recent_runs"] = [(run, sync_run_progress(run)) for run in sync_runs_for_tenant(self.tenant)[:5]]
        return context


class SearchView(TenantPageView):
    """One box for order ids, products, campaigns, rooms and event ids: each app answers for its
    own data (``PlatformAppConfig.search``)."""

    template_name = "core/search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = (self.request.GET.get("q") or "").strip()[:100]
        context["q"] = query
        context["too_short"] = 0 < len(query) < SEARCH_MIN_LENGTH
        context["groups"] = search_all(self.tenant, query) if len(query) >= SEARCH_MIN_LENGTH else []
        return context

    def render_to_response(self, context, **response_kwargs):
        # A single exact hit (an order id pasted in) opens it directly.
        groups = context["groups"]
        if len(groups) == 1 and len(groups[0][1]) == 1 and self.request.GET.get("go") == "1":
            return redirect(groups[0][1][0].url)
        return super().render_to_response(context, **response_kwargs)


# --- Saved views --------------------------------------------------------------------------


class SavedViewForm(forms.Form):
    name = forms.CharField(max_length=120, strip=True)
    url = forms.CharField(max_length=2300)
    shared = forms.BooleanField(required=False, label="Share with the team")


class SavedViewListView(TenantPageView):
    template_name = "core/saved_view_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["saved_views"] = saved_views_for(self.tenant, self.request.user)
        return context


class SavedViewCreateView(TenantPageView):
    http_method_names = ["post"]
    error_redirect = "saved-view-list"

    def post(self, request, *args, **kwargs):
        form = SavedViewForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Give the view a name.")
            return redirect(self._back(request))
        view = saved_view_create(tenant=self.tenant, user=request.user, name=form.cleaned_data["name"], url=form.cleaned_data["url"], shared=form.cleaned_data["shared"])
        messages.success(request, f"Saved “{view.name}”. Find it under Settings → Saved views{' (shared with the team)' if view.shared else ''}.")
        return redirect(view.url)

    @staticmethod
    def _back(request) -> str:
        url = request.POST.get("url", "")
        return url if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}) else reverse("saved-view-list")


class SavedViewDeleteView(TenantPageView):
    http_method_names = ["post"]
    error_redirect = "saved-view-list"

    def post(self, request, *args, **kwargs):
        view = get_object_or_404(saved_views_for(self.tenant, request.user), pk=kwargs["pk"])
        saved_view_delete(view=view, user=request.user)
        messages.success(request, f"Deleted “{view.name}”.")
        return redirect("saved-view-list")


# --- Workspace settings -------------------------------------------------------------------

LOCALES = [
    ("en_GB", "English (4 Dec 2026, 1,234.50)"),
    ("en_US", "English, US"),
    ("id_ID", "Bahasa Indonesia (1.234,50)"),
    ("ms_MY", "Bahasa Melayu"),
    ("th_TH", "ไทย"),
    ("vi_VN", "Tiếng Việt"),
    ("fil_PH", "Filipino"),
    ("zh_Hans_SG", "中文 (新加坡)"),
]


class TenantSettingsForm(forms.Form):
    reporting_currency = forms.CharField(max_length=3, min_length=3, help_text="The overview adds up every shop and ad account in this currency.")
    locale = forms.ChoiceField(choices=LOCALES, help_text="How numbers and dates read.")
    time_zone = forms.CharField(max_length=64, help_text="Days and times on every page are in this zone, e.g. Asia/Jakarta.")


class FxRateForm(forms.Form):
    currency = forms.CharField(max_length=3, min_length=3)
    day = forms.DateField(label="From", input_formats=["%Y-%m-%d"], widget=forms.TextInput(attrs={"placeholder": "YYYY-MM-DD", "inputmode": "numeric"}))
    rate = forms.DecimalField(max_digits=20, decimal_places=10, min_value=Decimal("0.0000000001"))


class TenantSettingsView(FormRefusalMixin, TenantPageView):
    min_role = Role.ADMIN
    template_name = "core/tenant_settings.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tenant = self.tenant
        context.setdefault("form", TenantSettingsForm(initial={"reporting_currency": tenant.reporting_currency, "locale": tenant.locale, "time_zone": tenant.time_zone}))
        context.setdefault("fx_form", FxRateForm(initial={"day": (timezone.now().astimezone(current_zone()).date() - timedelta(days=365)).isoformat()}))
        context["fx_rates"] = fx_rates_for_tenant(tenant)
        return context

    def post(self, request, *args, **kwargs):
        if request.POST.get("form") == "fx":
            self.bound_form = form = FxRateForm(request.POST)
            if not form.is_valid():
                return self.render_to_response(self.get_context_data(fx_form=form), status=400)
            rate = fx_rate_set(tenant=self.tenant, **form.cleaned_data)
            messages.success(request, f"1 {rate.currency} = {rate.rate.normalize()} {self.tenant.reporting_currency} from {rate.day.isoformat()}.")
            return redirect("tenant-settings")
        self.bound_form = form = TenantSettingsForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        tenant_settings_update(tenant=self.tenant, **form.cleaned_data)
        messages.success(request, "Workspace settings saved.")
        return redirect("tenant-settings")

    def handle_application_error(self, exc):
        if self.bound_form is not None and isinstance(self.bound_form, FxRateForm):
            form_add_application_error(self.bound_form, exc)
            return self.render_to_response(self.get_context_data(fx_form=self.bound_form), status=exc.status)
        return super().handle_application_error(exc)


class FxRateDeleteView(TenantPageView):
    min_role = Role.ADMIN
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        rate = get_object_or_404(fx_rates_for_tenant(self.tenant), pk=kwargs["pk"])
        fx_rate_delete(rate=rate)
        messages.success(request, f"Removed the {rate.currency} rate from {rate.day.isoformat()}.")
        return redirect("tenant-settings")
