"""The tenant's brand dictionary in the app: the rules (viewers read, admins write) and rules
suggested from the product names that land in "Other". Every change re-applies the dictionary
to the stored lines and rollups, so the brand figures follow at once."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect

from core.models import Role
from core.tables import Column, Table
from core.web import FormRefusalMixin, TenantPageView
from shop_sync import selectors
from shop_sync.forms import BrandRuleForm, BrandSuggestionForm
from shop_sync.services import brand_rule_delete, brand_rule_save

RULES = Table(
    "brand-rules",
    [
        Column("name", "Brand"),
        Column("keywords", "Other spellings", sort=None),
        Column("is_active", "Active"),
        Column("created_at", "Added"),
    ],
    default_sort="name",
)


def _moved(result) -> str:
    if not result.lines and not result.products:
        return "No stored product changed brand."
    lines = f"{result.lines:,} order line{'' if result.lines == 1 else 's'}"
    products = f"{result.products:,} product{'' if result.products == 1 else 's'}"
    return f"{lines} and {products} re-matched; brand figures are up to date."


class BrandRuleListView(FormRefusalMixin, TenantPageView):
    """GET: the rules and suggestions. POST (admin): add a rule."""

    template_name = "shop_sync/brand_rules.html"
    write_role = Role.ADMIN

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        can_manage = Role.allows(self.request.role, Role.ADMIN)
        context.update(
            table=RULES.bind(self.request, selectors.brand_rules_for_tenant(self.tenant)),
            unmatched=selectors.brand_rule_suggestions(self.tenant),
            min_products=selectors.SUGGESTION_MIN_PRODUCTS,
            can_manage=can_manage,
        )
        if can_manage:
            context.setdefault("form", BrandRuleForm(initial={"is_active": True}))
        return context

    def post(self, request, *args, **kwargs):
        self.bound_form = form = BrandRuleForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        rule, result = brand_rule_save(tenant=self.tenant, **form.cleaned_data)
        messages.success(request, f"Added “{rule.name}”. {_moved(result)}")
        return redirect("shop_sync:brand-rules")


class BrandRuleEditView(FormRefusalMixin, TenantPageView):
    template_name = "shop_sync/brand_rule_form.html"
    write_role = Role.ADMIN

    def rule(self):
        return get_object_or_404(selectors.brand_rules_for_tenant(self.tenant), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rule = context.setdefault("rule", self.rule())
        context["can_manage"] = Role.allows(self.request.role, Role.ADMIN)
        context.setdefault(
            "form", BrandRuleForm(initial={"name": rule.name, "keywords": ", ".join(rule.keywords or []), "is_active": rule.is_active})
        )
        return context

    def post(self, request, *args, **kwargs):
        rule = self.rule()
        self.bound_form = form = BrandRuleForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form, rule=rule), status=400)
        rule, result = brand_rule_save(tenant=self.tenant, rule=rule, **form.cleaned_data)
        messages.success(request, f"Saved “{rule.name}”. {_moved(result)}")
        return redirect("shop_sync:brand-rules")


class BrandRuleDeleteView(TenantPageView):
    min_role = Role.ADMIN
    http_method_names = ["post"]
    error_redirect = "shop_sync:brand-rules"

    def post(self, request, *args, **kwargs):
        rule = get_object_or_404(selectors.brand_rules_for_tenant(self.tenant), pk=kwargs["pk"])
        result = brand_rule_delete(rule=rule)
        messages.success(request, f"Deleted “{rule.name}”. {_moved(result)}")
        return redirect("shop_sync:brand-rules")


class BrandSuggestionAcceptView(TenantPageView):
    """POST (admin): accept a suggested brand name as a rule in one click."""

    min_role = Role.ADMIN
    http_method_names = ["post"]
    error_redirect = "shop_sync:brand-rules"

    def post(self, request, *args, **kwargs):
        form = BrandSuggestionForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Pick a suggested brand name.")
            return redirect("shop_sync:brand-rules")
        rule, result = brand_rule_save(tenant=self.tenant, name=form.cleaned_data["name"])
        messages.success(request, f"Added “{rule.name}”. {_moved(result)}")
        return redirect("shop_sync:brand-rules")
