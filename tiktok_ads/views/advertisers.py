"""Advertiser pages: the connected TikTok Business API advertisers with their stores and shop
numbers, and the connection workflow (connect → TikTok's authorize page → callback; refresh and
disconnect). Connecting and managing need the admin role; every lookup is scoped by
``request.tenant``, so another tenant's connection is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from core.exceptions import ApplicationError
from core.formatting import currency_symbol
from core.models import Role
from core.tables import Column, Table
from core.web import TenantPageView, TenantRequiredMixin
from tiktok_ads import selectors
from tiktok_ads.models import ConnectionStatus
from tiktok_ads.services import ad_account_create, advertisers_refresh, business_oauth_complete, business_oauth_start, connection_disconnect

ADVERTISERS_PAGE = "tiktok_ads:advertisers"

ADVERTISERS = Table(
    "advertisers",
    [
        Column("name", "Ad account"),
        Column("advertiser_id", "Advertiser ID"),
        Column("status", "Status"),
        Column("currency", "Currency"),
        Column("time_zone", "Time zone"),
        Column("stores", "Stores (shop number)", sort=None),
        Column("created_at", "Added"),
    ],
    default_sort="name",
)


def _advertiser_row(advertiser) -> dict:
    """A row of the ad accounts table: the connection's state is the account's (a token that
    needs re-authorization stops its reports)."""
    return {
        "name": advertiser.name,
        "advertiser_id": advertiser.advertiser_id,
        "status": advertiser.connection.status,
        "currency": advertiser.currency,
        "currency_symbol": currency_symbol(advertiser.currency),
        "time_zone": advertiser.time_zone,
        "stores": list(advertiser.stores.all()),
        "created_at": advertiser.created_at,
    }


class AdvertiserListView(TenantPageView):
    template_name = "tiktok_ads/advertisers.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        connections = selectors.connections_with_advertisers(self.tenant)
        rows = [_advertiser_row(advertiser) for _connection, advertisers in connections for advertiser in advertisers]
        context.update(
            table=ADVERTISERS.bind(self.request, rows),
            connections=connections,
            shop_numbers=selectors.shop_numbers(self.tenant),
            needs_reauth=[connection for connection, _ in connections if connection.status == ConnectionStatus.NEEDS_REAUTH],
            can_manage=Role.allows(self.request.role, Role.ADMIN),
            show_tiktok=selectors.tiktok_ui_enabled(self.tenant),
            client_accounts=selectors.ad_accounts_for_tenant(self.tenant),
        )
        return context


class AdAccountCreateView(TenantRequiredMixin, View):
    """POST (admin): a client ad account, optionally on one of the connected advertisers."""

    min_role = Role.ADMIN
    http_method_names = ["post"]
    error_redirect = ADVERTISERS_PAGE

    def post(self, request):
        data = {"name": request.POST.get("name", ""), "autopilot_tiktok": request.POST.get("autopilot_tiktok") == "on"}
        if request.POST.get("tiktok_business_id"):
            data["tiktok_business_id"] = request.POST["tiktok_business_id"]
        account = ad_account_create(tenant=request.tenant, data=data, actor=request.user.get_username())
        messages.success(request, f"Created the ad account {account.name}.")
        return redirect(f"{reverse(ADVERTISERS_PAGE)}#client-accounts")


class ConnectView(TenantRequiredMixin, View):
    """POST: start an authorization and send the browser to TikTok's authorize page."""

    min_role = Role.ADMIN
    http_method_names = ["post"]

    def post(self, request):
        try:
            return redirect(business_oauth_start(tenant=request.tenant, user=request.user))
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect(ADVERTISERS_PAGE)


class OAuthCallbackView(TenantRequiredMixin, View):
    """TikTok sends the browser back here with ``auth_code`` (also as ``code``) and ``state``."""

    min_role = Role.ADMIN
    http_method_names = ["get"]

    def get(self, request):
        auth_code = request.GET.get("auth_code") or request.GET.get("code") or ""
        try:
            connection = business_oauth_complete(
                tenant=request.tenant, user=request.user, state=request.GET.get("state", ""), auth_code=auth_code
            )
        except ApplicationError as exc:
            return render(request, "400.html", {"message": exc.message}, status=exc.status)
        names = ", ".join(advertiser.name for advertiser in selectors.advertisers_for_tenant(request.tenant).filter(connection=connection))
        messages.success(request, f"Connected {names}.")
        return redirect(ADVERTISERS_PAGE)


class _ConnectionActionView(TenantRequiredMixin, View):
    """POST (admin) on one connection; a refusal is shown as a message on the advertisers page."""

    min_role = Role.ADMIN
    http_method_names = ["post"]
    error_redirect = ADVERTISERS_PAGE

    def post(self, request, pk: int):
        connection = selectors.connection_get(request.tenant, pk)
        if connection is None:
            raise Http404("No such connection.")
        self.act(connection)
        return redirect(ADVERTISERS_PAGE)


class ConnectionRefreshView(_ConnectionActionView):
    def act(self, connection):
        advertisers = advertisers_refresh(connection=connection)
        messages.success(self.request, f"Refreshed {len(advertisers)} advertiser(s) and their stores.")


class ConnectionDisconnectView(_ConnectionActionView):
    def act(self, connection):
        connection_disconnect(connection=connection)
        messages.success(self.request, "Disconnected. Stored reports and shop numbers are kept.")
