"""TikTok Shop auth host at ``/sandbox/tiktok-shop-auth/<real path>`` (``TIKTOK_SHOP_AUTH_BASE``,
``https://auth.tiktok-shops.com`` in production).

- ``oauth/authorize?app_key=&state=&redirect_uri=``: the sandbox sellers and an Authorize button
  (a POST to the same URL) that redirects to ``redirect_uri?code=<auth_code>&state=<state>``;
  ``redirect_uri`` defaults to ``settings.TIKTOK_SHOP_REDIRECT_URI``.
- ``api/v2/token/get`` and ``api/v2/token/refresh``: GET with ``app_key``, ``app_secret`` and the
  code or refresh token, no ``sign``; ``*_expire_in`` are absolute unix times.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string

from sandbox.emulators.tiktok_shop import errors
from sandbox.emulators.tiktok_shop.data import SELLERS, shop_directory
from sandbox.emulators.tiktok_shop.errors import PlatformError
from sandbox.emulators.tiktok_shop.tokens import app_credentials_check, auth_code_issue, token_get, token_refresh
from sandbox.emulators.tiktok_shop.views.common import error_response, failure, success
from sandbox.framework import Emulator, gateway_error_response, register
from sandbox.models import TikTokShopAuthCode, TikTokShopGrant

EMULATOR = "tiktok-shop-auth"


class TikTokShopAuthEmulator(Emulator):
    name = EMULATOR
    title = "TikTok Shop auth host (authorize page, tokens)"
    record_requests = True  # a handful of calls per connection; tests look at them
    secret_fields = ("auth_code",)

    def reset(self) -> None:
        TikTokShopAuthCode.objects.all().delete()
        TikTokShopGrant.objects.all().delete()  # and their access tokens

    def expired_token_response(self, request):
        error = errors.unknown_refresh_token()
        return failure(error.code, error.message)

    def rate_limited_response(self, request, *, retry_after):
        error = errors.too_many_requests(retry_after)
        return failure(error.code, error.message, status=error.status, headers=error.headers)

    def server_error_response(self, request, *, status):
        if status in (502, 503, 504):
            return gateway_error_response(status)
        return failure(*errors.INTERNAL_ERROR, status=status)


tiktok_shop_auth = register(TikTokShopAuthEmulator())


@tiktok_shop_auth.route("oauth/authorize", methods=("GET", "POST"))
def authorize(request: HttpRequest) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    app_key = source.get("app_key", "")
    state = source.get("state", "")
    redirect_uri = source.get("redirect_uri") or settings.TIKTOK_SHOP_REDIRECT_URI
    problem = _authorize_problem(app_key, redirect_uri)
    if problem:
        return HttpResponse(_page(app_key=app_key, state=state, redirect_uri=redirect_uri, problem=problem), status=400)
    if request.method == "GET":
        return HttpResponse(_page(app_key=app_key, state=state, redirect_uri=redirect_uri))
    seller = source.get("seller", "")
    if seller not in SELLERS:
        page = _page(app_key=app_key, state=state, redirect_uri=redirect_uri, problem="Choose a seller account.")
        return HttpResponse(page, status=400)
    code = auth_code_issue(seller=seller, app_key=app_key).code
    separator = "&" if urlsplit(redirect_uri).query else "?"
    return HttpResponseRedirect(f"{redirect_uri}{separator}{urlencode({'code': code, 'state': state})}")


def _authorize_problem(app_key: str, redirect_uri: str) -> str:
    try:
        app_credentials_check(app_key=app_key)
    except PlatformError:
        return "This app isn't registered (unknown app_key)."
    if urlsplit(redirect_uri).scheme not in ("http", "https"):
        return "The redirect_uri must be an http(s) URL."
    return ""


def _page(*, app_key: str, state: str, redirect_uri: str, problem: str = "") -> str:
    directory = shop_directory()
    sellers = [
        {"key": seller.key, "name": seller.name, "region": seller.region, "shops": directory.for_seller(seller.key)}
        for seller in SELLERS.values()
    ]
    return render_to_string(
        "sandbox/tiktok_shop/authorize.html",
        {"app_key": app_key, "state": state, "redirect_uri": redirect_uri, "sellers": sellers, "problem": problem},
    )


@tiktok_shop_auth.route("api/v2/token/get", methods=("GET",))
def token_get_view(request: HttpRequest) -> HttpResponse:
    query = request.GET
    try:
        data = token_get(
            app_key=query.get("app_key", ""),
            app_secret=query.get("app_secret", ""),
            auth_code=query.get("auth_code", ""),
            grant_type=query.get("grant_type", ""),
        )
    except PlatformError as error:
        return error_response(error)
    return success(data, message="success")


@tiktok_shop_auth.route("api/v2/token/refresh", methods=("GET",))
def token_refresh_view(request: HttpRequest) -> HttpResponse:
    query = request.GET
    try:
        data = token_refresh(
            app_key=query.get("app_key", ""),
            app_secret=query.get("app_secret", ""),
            refresh_token=query.get("refresh_token", ""),
            grant_type=query.get("grant_type", ""),
        )
    except PlatformError as error:
        return error_response(error)
    return success(data, message="success")


@tiktok_shop_auth.route(r"^.*$", methods=None, regex=True, name="unknown-path")
def unknown_path(request: HttpRequest) -> HttpResponse:
    return failure(*errors.INVALID_PATH, status=404)
