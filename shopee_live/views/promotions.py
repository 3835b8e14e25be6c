"""Promotions (``/live/promotions/``): today's live-stream promotions of each account (budget,
spent, share used) from ``services.promotions_today``, marked stale with their age when Shopee
didn't answer, and an inline edit of name and budget (``services.promotion_edit``). A refused
edit (below zero, above the account's limit, Shopee's own refusal) shows next to the field it
names, on the same page, with the refusal's status; nothing is changed."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.text import slugify
from rest_framework.views import set_rollback

from core.exceptions import ApplicationError
from core.forms import form_add_application_error
from core.models import Role
from core.web import InvalidQuery
from shopee_live import selectors, services
from shopee_live.views.common import LivePageView, query_without


class PromotionEditForm(forms.Form):
    name = forms.CharField(max_length=100, required=False, strip=True)
    budget = forms.DecimalField(
        max_digits=18, decimal_places=2, required=False, min_value=0, error_messages={"min_value": "The budget can't be below zero."}
    )

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("name") and data.get("budget") is None:
            raise forms.ValidationError("Change the name or the budget.")
        return data


def _prefix(account_pk: int, promotion_id: str) -> str:
    return f"p{account_pk}-{slugify(promotion_id)}"


def promotions_url(request) -> str:
    """The promotions page with the filters the edit was posted from."""
    query = query_without(request)
    return reverse("shopee_live:promotions") + (f"?{query}" if query else "")


class PromotionsView(LivePageView):
    template_name = "shopee_live/promotions.html"
    http_method_names = ["get", "head", "options"]
    # The promotion being edited and its bound form (shown on its row when refused).
    edited: tuple[int, str] | None = None
    bound_form = None

    def get(self, request, *args, **kwargs):
        self.read_filters()
        return self.render_to_response(self.get_context_data())

    def sections(self) -> list[dict]:
        accounts = [
            account
            for account in self.accounts
            if (not self.studio_id or account.studio_id == self.studio_id) and (not self.account_id or account.pk == self.account_id)
        ]
        sections = []
        for account in accounts:
            today = services.promotions_today(account)
            rows = []
            for promotion in today["promotions"]:
                key = (account.pk, promotion["promotion_id"])
                prefix = _prefix(*key)
                editing = self.edited == key
                form = (
                    self.bound_form
                    if editing
                    else PromotionEditForm(initial={"name": promotion["name"], "budget": promotion["budget"]}, prefix=prefix)
                )
                rows.append(
                    {
                        "promotion": promotion,
                        "used": selectors.percent_of(promotion["spent"], promotion["budget"]),
                        "form": form,
                        "open": editing,
                        "prefix": prefix,
                    }
                )
            sections.append({"account": account, "today": today, "rows": rows})
        return sections

    def get_context_data(self, **kwargs):
        return self.base_context(sections=self.sections(), **kwargs)

    def handle_application_error(self, exc):
        if isinstance(exc, InvalidQuery) or self.bound_form is None:
            return super().handle_application_error(exc)
        set_rollback()
        form_add_application_error(self.bound_form, exc)
        return self.render_to_response(self.get_context_data(), status=exc.status)


class PromotionEditView(PromotionsView):
    """POST ``/live/promotions/<account>/edit/`` with ``promotion_id``, ``name`` and ``budget``:
    save one promotion with Shopee, then back to the promotions page."""

    http_method_names = ["post"]
    min_role = Role.ANALYST

    def post(self, request, *args, account_pk: int, **kwargs):
        self.read_filters()
        account = next((account for account in self.accounts if account.pk == account_pk), None)
        if account is None:
            raise Http404("No such Shopee account.")
        promotion_id = (request.POST.get("promotion_id") or "").strip()[:64]
        if not promotion_id:
            raise Http404("No such promotion.")
        self.edited = (account.pk, promotion_id)
        form = PromotionEditForm(request.POST, prefix=_prefix(account.pk, promotion_id))
        self.bound_form = form
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(), status=400)
        data = form.cleaned_data
        try:
            saved = services.promotion_edit(account, promotion_id, name=data.get("name") or None, budget=data.get("budget"))
        except ApplicationError as exc:
            return self.handle_application_error(exc)
        messages.success(request, f"Promotion {saved['name']} saved: budget {saved['budget']} {account.currency}.")
        return redirect(promotions_url(request))
