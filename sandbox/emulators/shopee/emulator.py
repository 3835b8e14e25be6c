"""The Shopee Open Platform v2 emulator at ``/sandbox/shopee/<real path>`` (``SHOPEE_OPEN_API_BASE``;
``https://partner.shopeemobile.com`` in production), and the Seller Center web emulator's
registration (``web.py`` holds its routes).

Open Platform routes:

- ``GET api/v2/shop/auth_partner?partner_id&redirect&timestamp&sign``: consent page; the account
  picked is redirected to ``redirect?code=<32 hex>&user_id=&shop_id=``.
- ``POST api/v2/auth/token/get`` ``{code, partner_id, user_id|shop_id}`` and
  ``POST api/v2/auth/access_token/get`` ``{partner_id, refresh_token, user_id|shop_id}``: fields
  at the top level.
- the 25 ``api/v2/livestream/*`` APIs (User-signed, ``livestream.py``) and
  ``POST api/v2/principal/get_session_livestream_performance`` (Principal-signed), with its
  ``get_shop_livestream_performance`` / ``get_principal_livestream_performance`` siblings (rows
  per ``granularity`` period; their field lists are not published, so they reuse the session
  API's).

Every call carries ``partner_id``, ``timestamp`` (±300 s of real time: clients sign with their
own clock) and ``sign`` in the query. Errors: ``{"error","message","request_id","response":{}}``
with HTTP 200, except ``error_rate_limit`` (429). Option ``qps``: calls per second per account
(off by default).
"""

from __future__ import annotations

import functools
import secrets
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template import Context, Engine
from django.utils.crypto import constant_time_compare

from sandbox.emulators.shopee.data import EMULATOR, WEB_EMULATOR, Account, account_by_user_id, account_get, accounts
from sandbox.emulators.shopee.signing import TIMESTAMP_WINDOW_SECONDS, request_sign
from sandbox.emulators.shopee.tokens import (
    ACCESS_TOKEN_SECONDS,
    OpenApiError,
    access_token_account,
    auth_code_issue,
    token_get,
    token_refresh,
)
from sandbox.emulators.tiktok_shop.ratelimit import rate_limit_retry_after
from sandbox.framework import Emulator, MalformedBody, gateway_error_response, json_response, register, request_params
from sandbox.models import ShopeeAuthCode, ShopeeLiveSession, ShopeeQrCode, ShopeeToken, ShopeeWebSession, ShopeeWebState

RATE_LIMIT_MESSAGE = "Too many requests. You have reached the rate limit. Please try again later."


def request_id() -> str:
    return secrets.token_hex(16)


def open_ok(response: Any) -> HttpResponse:
    return json_response({"error": "", "message": "", "request_id": request_id(), "response": response})


def open_error(error: str, message: str, *, status: int = 200, headers: dict | None = None) -> HttpResponse:
    return json_response({"error": error, "message": message, "request_id": request_id(), "response": {}}, status=status, headers=headers)


class ShopeeEmulator(Emulator):
    name = EMULATOR
    title = "Shopee Open Platform v2 (OAuth, livestream, principal performance)"
    record_requests = False  # the live dashboards poll every few seconds
    secret_fields = ("code", "refresh_token", "access_token", "sign")

    def expired_token_response(self, request):
        return open_error("invalid_access_token", "Invalid access_token.")

    def rate_limited_response(self, request, *, retry_after):
        return open_error("error_rate_limit", RATE_LIMIT_MESSAGE, status=429, headers={"Retry-After": str(retry_after)})

    def server_error_response(self, request, *, status):
        if status in (502, 503, 504):
            return gateway_error_response(status)
        return open_error("error_server", "Internal server error, please try again later.", status=status)

    def default_options(self):
        return {"qps": 0, "clock_offset_seconds": 0, "clock_frozen_at": None}

    def reset(self) -> None:
        ShopeeAuthCode.objects.all().delete()
        ShopeeToken.objects.all().delete()
        ShopeeLiveSession.objects.all().delete()


class ShopeeWebEmulator(Emulator):
    name = WEB_EMULATOR
    title = "Shopee Seller Center / creator / live web endpoints (QR login, SPC_EC cookie)"
    record_requests = False
    secret_headers = ("cookie",)
    secret_fields = ("qrcode_token",)

    def reset(self) -> None:
        ShopeeQrCode.objects.all().delete()
        ShopeeWebSession.objects.all().delete()
        ShopeeWebState.objects.all().delete()

    def expired_token_response(self, request):
        return web_error(401, "Not logged in, please log in again.")

    def rate_limited_response(self, request, *, retry_after):
        return web_error(429, "Too many requests, please try again later.", status=429, headers={"Retry-After": str(retry_after)})

    def server_error_response(self, request, *, status):
        if status in (502, 503, 504):
            return gateway_error_response(status)
        return web_error(500, "system error", status=status)


def web_envelope(data: Any, *, code: int = 0, msg: str = "success", live_host: bool = False) -> dict:
    """Both envelope forms Seller Center clients read (reference §1.7); the live host adds ``err_code``."""
    body = {"code": code, "msg": msg, "error": code, "error_msg": "" if code == 0 else msg, "data": data}
    if live_host:
        body.update(err_code=code, err_msg="" if code == 0 else msg)
    return body


def web_error(code: int, msg: str, *, status: int = 200, headers: dict | None = None) -> HttpResponse:
    return json_response(web_envelope(None, code=code, msg=msg), status=status, headers=headers)


shopee = register(ShopeeEmulator())
shopee_web = register(ShopeeWebEmulator())


# --- Signed calls --------------------------------------------------------------------------


def _int_param(params: dict, name: str) -> int | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise OpenApiError("error_param", f"Invalid {name}.")


def _partner_check(query) -> int:
    if not query.get("partner_id"):
        raise OpenApiError("error_param", "There is no partner_id in query.")
    partner_id = _int_param(query, "partner_id")
    if partner_id != int(settings.SHOPEE_PARTNER_ID):
        raise OpenApiError("error_auth", "partner_id is invalid")
    if not query.get("timestamp"):
        raise OpenApiError("error_param", "no timestamp")
    timestamp = _int_param(query, "timestamp")
    if abs(timestamp - int(time.time())) > TIMESTAMP_WINDOW_SECONDS:
        raise OpenApiError("error_param", "Invalid timestamp")
    if not query.get("sign"):
        raise OpenApiError("error_param", "There is no sign in query.")
    return partner_id


def _sign_check(query, path: str, *, access_token: str = "", entity_id: Any = "") -> None:
    expected = request_sign(
        partner_key=settings.SHOPEE_PARTNER_KEY,
        partner_id=query.get("partner_id"),
        path=path,
        timestamp=query.get("timestamp"),
        access_token=access_token,
        entity_id=entity_id,
    )
    if not constant_time_compare(str(query.get("sign")), expected):
        raise OpenApiError("error_sign", "Wrong sign.")


def principal_id_for(account: Account) -> int:
    return 500_000_000 + account.number


def authenticate(request: HttpRequest, *, path: str, api_type: str) -> Account | None:
    """The account a call speaks for, after the gateway's checks for its ``api_type``."""
    query = request.GET
    _partner_check(query)
    if api_type == "Public":
        _sign_check(query, path)
        return None
    entity = {"User": "user_id", "Shop": "shop_id", "Principal": "principal_id"}[api_type]
    if not query.get(entity):
        if api_type == "User" and query.get("shop_id"):
            raise OpenApiError(
                "error_param", "There is no user_id in query. Livestream APIs are User APIs: sign with user_id, not shop_id."
            )
        raise OpenApiError("error_param", f"There is no {entity} in query.")
    if not query.get("access_token"):
        raise OpenApiError("error_param", "There is no access_token in query.")
    _sign_check(query, path, access_token=query["access_token"], entity_id=query[entity])
    account = access_token_account(query["access_token"])
    owned = {"user_id": account.user_id, "shop_id": account.shop_id, "principal_id": principal_id_for(account)}[entity]
    if str(owned) != str(query[entity]):
        raise OpenApiError("invalid_access_token", "Invalid access_token.")
    qps = shopee.options().get("qps")
    if rate_limit_retry_after(app_key=f"shopee:{account.key}", qps=qps) is not None:
        raise OpenApiError("error_rate_limit", RATE_LIMIT_MESSAGE, status=429)
    return account


Handler = Callable[[HttpRequest, dict, Account], Any]


class SignedRoutes:
    """Open Platform APIs, declared with ``@open_platform.route("livestream/get_item_list")`` at
    ``api/v2/<route>``: the handler gets (request, params, account) after the gateway's checks and
    returns the ``response`` payload, or raises ``OpenApiError``."""

    def route(self, route: str, *, methods=("GET",), api_type: str = "User", region_check: bool = True):
        path = f"/api/v2/{route}"

        def decorator(handler: Handler) -> Handler:
            @functools.wraps(handler)
            def view(request: HttpRequest):
                try:
                    account = authenticate(request, path=path, api_type=api_type)
                    if region_check and not account.region.livestream:
                        raise OpenApiError("error_server", "The API is not supported for current region")
                    try:
                        params = request_params(request)
                    except MalformedBody as exc:
                        raise OpenApiError("error_param", f"Parse data error: {exc}")
                    return open_ok(handler(request, params, account))
                except OpenApiError as exc:
                    headers = {"Retry-After": "1"} if exc.status == 429 else None
                    return open_error(exc.error, exc.message, status=exc.status, headers=headers)

            shopee.route(f"api/v2/{route}", methods=methods, name=route.replace("/", "-"))(view)
            return handler

        return decorator


open_platform = SignedRoutes()


# --- OAuth ---------------------------------------------------------------------------------

AUTHORIZE_PAGE = Engine(autoescape=True).from_string(
    """<!doctype html><html><head><meta charset="utf-8"><title>Shopee Open Platform · Authorize</title>
<style>body{font:15px system-ui;margin:2rem auto;max-width:36rem}label{display:block;margin:.3rem 0}button{margin-top:1rem;padding:.5rem 1.2rem;background:#ee4d2d;color:#fff;border:0;border-radius:4px}</style></head>
<body><h1>Authorize partner {{ partner_id }}</h1>
<p>The app asks for <b>Livestream Management</b> on the account you pick (sandbox accounts).</p>
<form method="post">{% for account in accounts %}
<label><input type="radio" name="account" value="{{ account.key }}"{% if forloop.first %} checked{% endif %}> {{ account.username }} · {{ account.region_code }} · {{ account.shop_name }} (user {{ account.user_id }})</label>{% endfor %}
<button type="submit">Confirm authorization</button></form></body></html>"""
)


def _with_query(url: str, params: dict) -> str:
    parts = urlsplit(url)
    query = f"{parts.query}&{urlencode(params)}" if parts.query else urlencode(params)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


@shopee.route("api/v2/shop/auth_partner", methods=("GET", "POST"), name="auth-partner")
def auth_partner(request: HttpRequest):
    try:
        authenticate(request, path="/api/v2/shop/auth_partner", api_type="Public")
    except OpenApiError as exc:
        return open_error(exc.error, exc.message)
    redirect = request.GET.get("redirect", "")
    if not redirect.startswith(("http://", "https://")):
        return open_error("error_param", "Invalid redirect.")
    if request.method == "POST":
        account = account_get(request.POST.get("account", ""))
        if account is None:
            return open_error("error_param", "Pick an account.")
        code = auth_code_issue(account=account.key)
        return HttpResponseRedirect(_with_query(redirect, {"code": code, "user_id": account.user_id, "shop_id": account.shop_id}))
    context = Context({"partner_id": request.GET.get("partner_id"), "accounts": [*accounts("demo"), *accounts("edge")]})
    return HttpResponse(AUTHORIZE_PAGE.render(context))


def _token_call(request: HttpRequest, path: str) -> dict:
    authenticate(request, path=path, api_type="Public")
    try:
        body = request_params(request)
    except MalformedBody as exc:
        raise OpenApiError("error_param", f"Parse data error: {exc}")
    if str(body.get("partner_id", "")) != str(settings.SHOPEE_PARTNER_ID):
        raise OpenApiError("error_param", "Invalid partner_id.")
    if not body.get("user_id") and not body.get("shop_id"):
        raise OpenApiError("error_param", "Wrong parameters, detail: one of user_id, shop_id is required.")
    return body


def _owner_check(account: Account, body: dict) -> None:
    if body.get("user_id") and str(body["user_id"]) != str(account.user_id):
        raise OpenApiError("error_param", "Invalid user_id.")
    if body.get("shop_id") and str(body["shop_id"]) != str(account.shop_id):
        raise OpenApiError("invalid_shop_id", "Invalid shop_id.")


def _top_level(payload: dict) -> HttpResponse:
    return json_response({"request_id": request_id(), "error": "", "message": "", **payload})


def _top_level_error(exc: OpenApiError) -> HttpResponse:
    return json_response({"request_id": request_id(), "error": exc.error, "message": exc.message}, status=exc.status)


@shopee.route("api/v2/auth/token/get", methods=("POST",), name="token-get")
def auth_token_get(request: HttpRequest):
    try:
        body = _token_call(request, "/api/v2/auth/token/get")
        account_key = _code_account(body.get("code"))
        if account_key is not None:
            _owner_check(account_get(account_key), body)
        account, pair = token_get(code=str(body.get("code") or ""))
    except OpenApiError as exc:
        return _top_level_error(exc)
    return _top_level(
        {
            "access_token": pair.access_token,
            "refresh_token": pair.refresh_token,
            "expire_in": ACCESS_TOKEN_SECONDS,
            "user_id_list": [account.user_id],
            "shop_id_list": [account.shop_id],
            "merchant_id_list": [],
            "supplier_id_list": [],
            "principal_id_list": [principal_id_for(account)],
        }
    )


def _code_account(code) -> str | None:
    return ShopeeAuthCode.objects.filter(code=str(code or "")).values_list("account", flat=True).first()


@shopee.route("api/v2/auth/access_token/get", methods=("POST",), name="access-token-get")
def auth_access_token_get(request: HttpRequest):
    try:
        body = _token_call(request, "/api/v2/auth/access_token/get")
        if body.get("user_id") and account_by_user_id(body["user_id"]) is None:
            raise OpenApiError("error_param", "Invalid user_id.")
        refresh_token = str(body.get("refresh_token") or "")
        owner = ShopeeToken.objects.filter(refresh_token=refresh_token).values_list("account", flat=True).first()
        if owner is not None:
            _owner_check(account_get(owner), body)  # before the token is spent
        account, pair = token_refresh(refresh_token=refresh_token)
    except OpenApiError as exc:
        return _top_level_error(exc)
    entity = {"user_id": account.user_id} if body.get("user_id") else {"shop_id": account.shop_id}
    return _top_level(
        {
            "partner_id": int(settings.SHOPEE_PARTNER_ID),
            **entity,
            "access_token": pair.access_token,
            "refresh_token": pair.refresh_token,
            "expire_in": ACCESS_TOKEN_SECONDS,
        }
    )
