"""Promotions (``/live/promotions/``): today's live-stream promotions of each account (budget,
spent, share used), marked stale with their age when Shopee didn't answer, and an inline edit of
name and budget. A refused edit (below zero, above the account's limit, Shopee's own refusal)
shows next to the field it names, on the same page, with a 400."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from core.models import Role
from core.web import FormRefusalMixin
from shopee_live import selectors, services
from shopee_live.models import Promotion
from shopee_live.views.common import LivePageView, query_without


class PromotionEditForm(forms.Form):
    name = forms.CharField(max_length=200, required=False, strip=True)
    budget = forms.DecimalField(
        max_digits=18, decimal_places=2, required=False, min_value=0, error_messages={"min_value": "The budget can't be below zero."}
    )

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("name") and data.get("budget") is None:
            raise forms.ValidationError("Change the name or the budget.")
        return data


def promotion_rows(promotions) -> list[dict]:
    return [
        {
            "promotion": promotion,
            "used": selectors.percent_of(promotion.spent, promotion.budget),
            "form": PromotionEditForm(initial={"name": promotion.name, "budget": promotion.budget}, prefix=f"p{promotion.pk}"),
        }
        for promotion in promotions
    ]


def promotions_url(request) -> str:
    """The promotions page with the filters the edit was posted from."""
    query = query_without(request)
    return reverse("shopee_live:promotions") + (f"?{query}" if query else "")


class PromotionsView(FormRefusalMixin, LivePageView):
    template_name = "shopee_live/promotions.html"
    write_role = Role.ANALYST
    bound_promotion: Promotion | None = None

    http_method_names = ["get", "head", "options"]

    def get(self, request, *args, **kwargs):
        self.read_filters()
        return self.render_to_response(self.get_context_data())

    def edit(self, request, *args, **kwargs):
        self.read_filters()
        try:
            promotion = selectors.promotion_for_page(self.tenant, kwargs["pk"])
        except Promotion.DoesNotExist:
            raise Http404("No such promotion.") from None
        self.bound_promotion = promotion
        form = PromotionEditForm(request.POST, prefix=f"p{promotion.pk}")
        self.bound_form = form
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(), status=400)
        data = form.cleaned_data
        services.promotion_edit(promotion.account, promotion.promotion_id, name=data.get("name") or None, budget=data.get("budget"))
        messages.success(request, f"Promotion {data.get('name') or promotion.name} saved.")
        return redirect(promotions_url(request))

    def get_context_data(self, **kwargs):
        kwargs.pop("form", None)  # FormRefusalMixin passes the bound form; it goes on its row below
        accounts = [
            account
            for account in self.accounts
            if (not self.studio_id or account.studio_id == self.studio_id) and (not self.account_id or account.pk == self.account_id)
        ]
        sections = []
        for account in accounts:
            today = services.promotions_today(account)
            rows = promotion_rows(today.promotions)
            for row in rows:
                if self.bound_promotion is not None and row["promotion"].pk == self.bound_promotion.pk:
                    row["form"] = self.bound_form
                    row["open"] = True
            sections.append({"account": account, "today": today, "rows": rows, "flag": selectors.region_flag(account.region)})
        return self.base_context(sections=sections, **kwargs)


class PromotionEditView(PromotionsView):
    """POST ``/live/promotions/<pk>/edit/``: save one promotion's name and budget with Shopee."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        return self.edit(request, *args, **kwargs)
