"""Connecting shops: OAuth start and callback (the state round trip is ``core.connections``'s).
The platform's webhook endpoint is in ``shop_sync.webhooks``."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views import View

from core.exceptions import ApplicationError
from core.models import Role
from core.web import TenantRequiredMixin
from shop_sync.services import orders_first_syncs_start, shop_oauth_complete, shop_oauth_start

SYNC_PAGE = "shop_sync:sync"


class ShopConnectView(TenantRequiredMixin, View):
    """POST: start an authorization and send the browser to TikTok Shop's consent page."""

    min_role = Role.ADMIN
    http_method_names = ["post"]

    def post(self, request):
        return redirect(shop_oauth_start(tenant=request.tenant, user=request.user))


class ShopOAuthCallbackView(TenantRequiredMixin, View):
    """TikTok Shop sends the browser back here with ``code`` and ``state``."""

    min_role = Role.ADMIN
    http_method_names = ["get"]

    def get(self, request):
        try:
            shops = shop_oauth_complete(
                tenant=request.tenant, user=request.user, state=request.GET.get("state", ""), code=request.GET.get("code", "")
            )
        except ApplicationError as exc:
            return render(request, "400.html", {"message": exc.message}, status=exc.status)
        names = ", ".join(shop.name for shop in shops)
        started, problems = orders_first_syncs_start(tenant=request.tenant, shops=shops, requested_by=request.user)
        if started:
            messages.success(request, f"Connected {names}. The first full sync is loading the orders; its progress shows below.")
        else:
            messages.success(request, f"Connected {names}.")
        for problem in problems:
            messages.warning(request, f"The first sync could not start ({problem}). Try Full sync on the shop's card.")
        return redirect(SYNC_PAGE)


shop_connect = ShopConnectView.as_view()
shop_oauth_callback = ShopOAuthCallbackView.as_view()
