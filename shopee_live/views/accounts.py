"""The Accounts page: studios and their Shopee accounts, what each credential holds, and the
two ways to connect one: the Seller Center QR login (the QR drawn here with segno, its status
polled with htmx) and the Open Platform authorization (OAuth start and callback)."""

from __future__ import annotations

import segno
from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from core.models import Role
from core.views.platform import HTMX_STOP_POLLING
from core.web import TenantPageView, TenantRequiredMixin
from shopee_live import selectors, services
from shopee_live.models import QrLogin, QrLoginStatus, Region

ACCOUNTS_PAGE = "shopee_live:accounts"
QR_POLL_SECONDS = 2


class StudioForm(forms.Form):
    name = forms.CharField(max_length=120, label="Studio name")


class ConnectForm(forms.Form):
    """Where a new account goes: its studio and its Shopee market."""

    studio = forms.TypedChoiceField(coerce=int, label="Studio")
    region = forms.ChoiceField(choices=Region.choices, label="Region", initial=Region.ID)

    def __init__(self, *args, studios=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["studio"].choices = [(studio.pk, studio.name) for studio in studios]


def qr_image(qr_login: QrLogin) -> str:
    """The QR as an SVG data URI, drawn here (no remote service sees the code)."""
    return segno.make(services.qr_universal_link(qr_login), error="m").svg_data_uri(scale=6, border=2)


class AccountsView(TenantPageView):
    template_name = "shopee_live/accounts.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        studios = selectors.studios_with_accounts(self.tenant)
        context.update(
            studios=studios,
            account_count=sum(len(entry.accounts) for entry in studios),
            needs_reauth=[row for entry in studios for row in entry.accounts if row.needs_reauth],
            studio_form=kwargs.get("studio_form") or StudioForm(),
            connect_form=ConnectForm(studios=[entry.studio for entry in studios]),
            can_manage=Role.allows(self.request.role, Role.ADMIN),
        )
        return context


class StudioCreateView(TenantRequiredMixin, View):
    """POST: add a studio."""

    min_role = Role.ADMIN
    http_method_names = ["post"]
    error_redirect = ACCOUNTS_PAGE

    def post(self, request):
        form = StudioForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Give the studio a name (at most 120 characters).")
            return redirect(ACCOUNTS_PAGE)
        studio = services.studio_create(tenant=request.tenant, name=form.cleaned_data["name"])
        messages.success(request, f"Studio {studio.name} added. Connect its Shopee accounts below.")
        return redirect(f"{reverse(ACCOUNTS_PAGE)}#studio-{studio.pk}")


class StudioRenameView(TenantRequiredMixin, View):
    """POST: rename one of the tenant's studios."""

    min_role = Role.ADMIN
    http_method_names = ["post"]
    error_redirect = ACCOUNTS_PAGE

    def post(self, request, pk: int):
        studio = services.studio_get(tenant=request.tenant, studio_id=pk)
        form = StudioForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Give the studio a name (at most 120 characters).")
            return redirect(ACCOUNTS_PAGE)
        services.studio_rename(tenant=request.tenant, studio=studio, name=form.cleaned_data["name"])
        messages.success(request, f"Studio renamed to {studio.name}.")
        return redirect(f"{reverse(ACCOUNTS_PAGE)}#studio-{studio.pk}")


class OAuthStartView(TenantRequiredMixin, View):
    """POST: send the browser to Shopee's consent page, for a new account (studio + region) or
    to re-authorize one (``account``)."""

    min_role = Role.ADMIN
    http_method_names = ["post"]
    error_redirect = ACCOUNTS_PAGE

    def post(self, request):
        account_id = request.POST.get("account")
        if account_id:
            account = services.account_get(tenant=request.tenant, account_id=account_id)
            return redirect(services.account_oauth_start(tenant=request.tenant, user=request.user, studio=account.studio, account=account))
        studio = services.studio_get(tenant=request.tenant, studio_id=request.POST.get("studio"))
        region = request.POST.get("region", "")
        return redirect(services.account_oauth_start(tenant=request.tenant, user=request.user, studio=studio, region=region))


class OAuthCallbackView(TenantRequiredMixin, View):
    """Shopee sends the browser back here with ``code`` and ``user_id`` (and the ``state``,
    studio and region the start put in the redirect URL)."""

    min_role = Role.ADMIN
    http_method_names = ["get"]

    def get(self, request):
        query = request.GET
        account = services.account_oauth_complete(
            tenant=request.tenant,
            user=request.user,
            state=query.get("state", ""),
            code=query.get("code", ""),
            studio_id=query.get("studio"),
            region=query.get("region", ""),
            user_id=query.get("user_id", ""),
            shop_id=query.get("shop_id", ""),
        )
        messages.success(request, f"{account.name} is authorized for the Open Platform.")
        return redirect(f"{reverse(ACCOUNTS_PAGE)}#account-{account.pk}")


class QrLoginView(TenantPageView):
    """GET: pick the studio and region; POST: ask Shopee for a login QR and show it."""

    template_name = "shopee_live/qr_login.html"
    min_role = Role.VIEWER
    write_role = Role.ADMIN

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        studios = [entry.studio for entry in selectors.studios_with_accounts(self.tenant)]
        initial = {key: self.request.GET[key] for key in ("studio", "region") if self.request.GET.get(key)}
        context.update(
            form=kwargs.get("form") or ConnectForm(studios=studios, initial=initial),
            studios=studios,
            can_manage=Role.allows(self.request.role, Role.ADMIN),
        )
        return context

    def post(self, request):
        studios = [entry.studio for entry in selectors.studios_with_accounts(self.tenant)]
        form = ConnectForm(request.POST, studios=studios)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        studio = services.studio_get(tenant=request.tenant, studio_id=form.cleaned_data["studio"])
        qr = services.qr_login_start(tenant=request.tenant, user=request.user, studio=studio, region=form.cleaned_data["region"])
        return redirect("shopee_live:qr-login-detail", pk=qr.pk)


def _qr_or_404(tenant, pk: int) -> QrLogin:
    try:
        return selectors.qr_login_for_page(tenant, pk)
    except QrLogin.DoesNotExist:
        raise Http404("No such QR login.") from None


class QrLoginDetailView(TenantPageView):
    """The QR, drawn here, with its status polled every two seconds."""

    template_name = "shopee_live/qr_login_detail.html"
    min_role = Role.ADMIN

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        qr = _qr_or_404(self.tenant, kwargs["pk"])
        context.update(qr=qr, qr_image=qr_image(qr), poll_seconds=QR_POLL_SECONDS, pending=qr.status in _PENDING)
        return context


_PENDING = (QrLoginStatus.NEW, QrLoginStatus.SCANNED)


class QrLoginStatusView(TenantRequiredMixin, View):
    """The status partial: asks Shopee where the QR stands (finishing the login once it is
    confirmed); answers 286 once the QR is settled so htmx stops polling."""

    min_role = Role.ADMIN
    http_method_names = ["get"]

    def get(self, request, pk: int):
        qr = _qr_or_404(request.tenant, pk)
        qr = services.qr_login_poll(tenant=request.tenant, qr_login=qr)
        pending = qr.status in _PENDING
        context = {"qr": qr, "pending": pending, "poll_seconds": QR_POLL_SECONDS}
        response = render(request, "shopee_live/partials/qr_status.html", context)
        if not pending:
            response.status_code = HTMX_STOP_POLLING if request.headers.get("HX-Request") == "true" else 200
        return response
