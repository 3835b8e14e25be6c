"""The TikTok Business API v1.3 emulator at ``/sandbox/tiktok-business/<real path>``
(``TIKTOK_BUSINESS_API_BASE``; ``https://business-api.tiktok.com`` in production).

- ``portal/auth?app_id&state&redirect_uri``: pick the fixture ("demo" or "large") and approve;
  redirects to ``redirect_uri?auth_code=…&code=…&state=…``.
- ``open_api/v1.3/oauth2/access_token/`` (POST JSON ``{app_id, secret, auth_code}``),
  ``oauth2/advertiser/get/``, ``advertiser/info/``, ``gmv_max/store/list/``,
  ``gmv_max/campaign/get/``, ``gmv_max/report/get/`` (rules in ``report.py``).

Envelope ``{"code", "message", "request_id", "data"}``; errors are HTTP 200 with a non-zero code:
40001 no permission for the advertiser or store, 40002 invalid parameter (message names it),
40100 rate limit, 40101 bad app credentials, 40104 empty token, 40105 invalid or revoked token,
40110 invalid, expired or used auth code, 50000 system error. GET parameters come in the query
string; list and object parameters are JSON (Python-repr lists and repeated keys are tolerated).

Option ``qps`` (off by default): calls per second allowed per access token, beyond which the
platform answers 40100 with ``Retry-After``. Set it with ``PUT /sandbox/_control/tiktok-business/
config/`` ``{"options": {"qps": 10}}``.
"""

from __future__ import annotations

import ast
import functools
import json
import secrets
import time
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template import Context as TemplateContext
from django.template import Engine

from sandbox.emulators.tiktok_business import report
from sandbox.emulators.tiktok_business.data import (
    EMULATOR,
    FIXTURE_TITLES,
    LIVE,
    PRODUCT,
    Context,
    fixture_get,
    today_for,
)
from sandbox.emulators.tiktok_business.tokens import (
    Grant,
    PlatformError,
    access_token_check,
    access_token_exchange,
    app_check,
    auth_code_issue,
    invalid_params,
)
from sandbox.emulators.tiktok_shop.ratelimit import rate_limit_retry_after
from sandbox.framework import Emulator, MalformedBody, gateway_error_response, json_response, register, request_params
from sandbox.models import BusinessObject

API = "open_api/v1.3/"
RATE_LIMIT_CODE = 40100
CAMPAIGN_PAGE_SIZE_MAX = 100
NOT_IMPLEMENTED = "not_implemented"
RATE_LIMIT_MESSAGE = "Too many requests. The request frequency exceeds the QPS limit of this API. Please try again later."


def request_id() -> str:
    return time.strftime("%Y%m%d%H%M%S", time.gmtime()) + secrets.token_hex(10).upper()


def envelope(code: int, message: str, data: Any = None, *, status: int = 200, headers: dict | None = None) -> HttpResponse:
    return json_response(
        {"code": code, "message": message, "request_id": request_id(), "data": {} if data is None else data}, status=status, headers=headers
    )


def ok(data: Any) -> HttpResponse:
    return envelope(0, "OK", data)


class TikTokBusinessEmulator(Emulator):
    name = EMULATOR
    title = "TikTok Business API v1.3 (OAuth, advertisers, GMV Max)"
    record_requests = False  # a report backfill is hundreds of calls
    secret_fields = ("auth_code",)

    def expired_token_response(self, request):
        return envelope(40105, "The access token is invalid or has been revoked.")

    def rate_limited_response(self, request, *, retry_after):
        return envelope(RATE_LIMIT_CODE, RATE_LIMIT_MESSAGE, headers={"Retry-After": str(retry_after)})

    def server_error_response(self, request, *, status):
        if status in (502, 503, 504):
            return gateway_error_response(status)
        return envelope(50000, "System error.", status=status)

    @property
    def urlpatterns(self):
        # The catch-all answers only what no other route (of any module) serves.
        patterns = list(self._patterns)
        return [p for p in patterns if p.name != NOT_IMPLEMENTED] + [p for p in patterns if p.name == NOT_IMPLEMENTED]

    def reset(self) -> None:
        BusinessObject.objects.all().delete()


tiktok_business = register(TikTokBusinessEmulator())


# --- Parameters ---------------------------------------------------------------------------


def _structured(request: HttpRequest, params: dict, name: str, kind: type) -> Any:
    """A list/object parameter: JSON (primary), a Python repr, or repeated keys (lists)."""
    if kind is list and len(request.GET.getlist(name)) > 1:
        return request.GET.getlist(name)
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    if isinstance(raw, kind):
        return raw
    value = None
    try:
        value = json.loads(raw)
    except (TypeError, ValueError):
        try:
            value = ast.literal_eval(raw)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            pass
    if kind is list and isinstance(value, tuple):
        value = list(value)
    if not isinstance(value, kind):
        shape = "a JSON list" if kind is list else "a JSON object"
        raise invalid_params(f"{name}: Invalid value, must be {shape}.")
    return value


def _string_list(request, params, name: str) -> list[str] | None:
    value = _structured(request, params, name, list)
    if value is None:
        return None
    if not all(isinstance(item, str | int) and not isinstance(item, bool) for item in value):
        raise invalid_params(f"{name}: Every item must be a string.")
    return [str(item) for item in value]


def _integer(params: dict, name: str, default: int, *, low: int, high: int | None = None) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(str(raw))
    except ValueError:
        raise invalid_params(f"{name}: Not a valid integer.")
    if value < low or (high is not None and value > high):
        raise invalid_params(f"{name}: Must be between {low} and {high}." if high is not None else f"{name}: Must be at least {low}.")
    return value


def _required(params: dict, name: str) -> str:
    value = params.get(name)
    if value is None or str(value).strip() == "":
        raise invalid_params(f"{name}: Missing data for required field.")
    return str(value).strip()


def _page_info(page: int, page_size: int, total: int) -> dict:
    return {"page": page, "page_size": page_size, "total_number": total, "total_page": -(-total // page_size) if total else 0}


# --- Calls --------------------------------------------------------------------------------


def platform_call(view):
    """The token check and the envelope: ``view(request, grant, params)`` returns ``data``."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest) -> HttpResponse:
        try:
            params = request_params(request)
            grant = access_token_check(request.headers.get("Access-Token", "").strip())
            retry_after = rate_limit_retry_after(app_key=f"tiktok-business:{grant.nonce}", qps=tiktok_business.options().get("qps"))
            if retry_after is not None:
                return envelope(RATE_LIMIT_CODE, RATE_LIMIT_MESSAGE, headers={"Retry-After": str(retry_after)})
            return ok(view(request, grant, params))
        except MalformedBody as exc:
            return envelope(40002, f"Invalid request body: {exc}")
        except PlatformError as error:
            return envelope(error.code, error.message)

    return wrapped


def _context(grant: Grant, params: dict) -> Context:
    advertiser_id = _required(params, "advertiser_id")
    fixture = fixture_get(grant.fixture)
    advertiser = fixture.advertiser(advertiser_id)
    if advertiser is None:
        raise PlatformError(40001, f"No permission to operate advertiser_id {advertiser_id}. Make sure the advertiser authorized this app.")
    return Context(fixture, advertiser)


@tiktok_business.route(API + "oauth2/access_token/", methods=("POST",))
def access_token(request: HttpRequest) -> HttpResponse:
    try:
        params = request_params(request)
        for name in ("app_id", "secret", "auth_code"):
            _required(params, name)
        data = access_token_exchange(app_id=str(params["app_id"]), secret=str(params["secret"]), auth_code=str(params["auth_code"]))
    except MalformedBody as exc:
        return envelope(40002, f"Invalid request body: {exc}")
    except PlatformError as error:
        return envelope(error.code, error.message)
    return ok(data)


@tiktok_business.route(API + "oauth2/advertiser/get/")
@platform_call
def advertiser_get(request, grant: Grant, params: dict):
    app_check(app_id=_required(params, "app_id"), secret=_required(params, "secret"))
    return {"list": [{"advertiser_id": a.advertiser_id, "advertiser_name": a.name} for a in fixture_get(grant.fixture).advertisers]}


@tiktok_business.route(API + "advertiser/info/")
@platform_call
def advertiser_info(request, grant: Grant, params: dict):
    ids = _string_list(request, params, "advertiser_ids")
    if not ids:
        raise invalid_params("advertiser_ids: Missing data for required field.")
    fixture = fixture_get(grant.fixture)
    found = []
    for advertiser_id in ids:
        advertiser = fixture.advertiser(advertiser_id)
        if advertiser is None:
            raise PlatformError(
                40001, f"No permission to operate advertiser_id {advertiser_id}. Make sure the advertiser authorized this app."
            )
        found.append(advertiser.describe())
    return {"list": found}


@tiktok_business.route(API + "gmv_max/store/list/")
@platform_call
def store_list(request, grant: Grant, params: dict):
    context = _context(grant, params)
    return {"store_list": [store.describe() for store in context.advertiser.stores]}


@tiktok_business.route(API + "gmv_max/campaign/get/")
@platform_call
def campaign_get(request, grant: Grant, params: dict):
    context = _context(grant, params)
    filtering = _structured(request, params, "filtering", dict) or {}
    page = _integer(params, "page", 1, low=1)
    page_size = _integer(params, "page_size", 10, low=1, high=CAMPAIGN_PAGE_SIZE_MAX)
    types = filtering.get("gmv_max_promotion_types")
    if types is not None:
        if not isinstance(types, list) or any(value not in report.PROMOTION_ALIASES for value in types):
            raise invalid_params(f"filtering.gmv_max_promotion_types: Must be a list of {PRODUCT}, {LIVE}.")
        wanted = {report.PROMOTION_ALIASES[value] for value in types}
    else:
        wanted = {PRODUCT, LIVE}
    ids = _filter_list(filtering, "campaign_ids")
    wanted_ids = set(ids) if ids is not None else None
    today = today_for(context.advertiser)
    campaigns = [
        campaign
        for campaign in sorted(context.advertiser.campaigns, key=lambda campaign: campaign.campaign_id)
        if campaign.promotion_type in wanted and (wanted_ids is None or campaign.campaign_id in wanted_ids)
    ]
    offset = (page - 1) * page_size
    return {
        "list": [campaign.describe(context.advertiser, today) for campaign in campaigns[offset : offset + page_size]],
        "page_info": _page_info(page, page_size, len(campaigns)),
    }


@tiktok_business.route(API + "gmv_max/report/get/")
@platform_call
def report_get(request, grant: Grant, params: dict):
    context = _context(grant, params)
    store_ids = _string_list(request, params, "store_ids")
    if not store_ids:
        raise invalid_params("store_ids: Missing data for required field.")
    for store_id in store_ids:
        if context.advertiser.store(store_id) is None:
            raise PlatformError(
                40001, f"No permission to access store_id {store_id} with advertiser_id {context.advertiser.advertiser_id}."
            )
    start, end = report.validate_dates(params.get("start_date"), params.get("end_date"))
    dimensions = _string_list(request, params, "dimensions") or []
    metrics = _string_list(request, params, "metrics") or []
    filtering = _structured(request, params, "filtering", dict) or {}
    promotion_type = report.promotion_type_of(params.get("gmv_max_promotion_type"), filtering)
    campaign_ids = _filter_list(filtering, "campaign_ids")
    room_ids = _filter_list(filtering, "room_ids")
    report.validate_groupings(dimensions, metrics, promotion_type, campaign_ids)
    page = _integer(params, "page", 1, low=1)
    page_size = _integer(params, "page_size", report.DEFAULT_PAGE_SIZE, low=1, high=report.MAX_PAGE_SIZE)
    query = report.ReportQuery(context, store_ids, start, end, dimensions, metrics, promotion_type, campaign_ids, room_ids, page, page_size)
    rows, total = report.report_page(query)
    return {"list": rows, "page_info": _page_info(page, page_size, total)}


def _filter_list(filtering: dict, name: str) -> list[str] | None:
    value = filtering.get(name)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str | int) and not isinstance(item, bool) for item in value):
        raise invalid_params(f"filtering.{name}: Must be a list of IDs.")
    return [str(item) for item in value]


@tiktok_business.route(r"^open_api/(?P<rest>.*)$", methods=None, name=NOT_IMPLEMENTED, regex=True)
def not_implemented(request: HttpRequest, rest: str) -> HttpResponse:
    """Any other path under ``open_api/``: the platform's JSON envelope, never an HTML page. A
    path without its trailing slash is HTTP 404 (as upstream), anything else 40008."""
    if rest and not rest.endswith("/"):
        return envelope(40008, f"API not found: /open_api/{rest} (paths end with a slash).", status=404)
    return envelope(40008, f"API not implemented: /open_api/{rest}")


# --- Authorize page -----------------------------------------------------------------------

_PAGE = Engine(autoescape=True).from_string(
    """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>TikTok for Business · Authorize</title>
<style>body{font-family:system-ui,sans-serif;max-width:640px;margin:40px auto;color:#161823}
.card{border:1px solid #ddd;border-radius:8px;padding:12px 16px;margin:10px 0}.problem{color:#b00020}
button{background:#fe2c55;color:#fff;border:0;border-radius:4px;padding:10px 18px;font-size:15px}
small{color:#666}</style></head><body>
<h1>TikTok for Business</h1><p><strong>Sandbox app {{ app_id }}</strong> asks to manage ads and read reports of your ad accounts.</p>
{% if problem %}<p class="problem" role="alert">{{ problem }}</p>{% endif %}
{% if not fatal %}<form method="post">
<input type="hidden" name="app_id" value="{{ app_id }}"><input type="hidden" name="state" value="{{ state }}">
<input type="hidden" name="redirect_uri" value="{{ redirect_uri }}">
{% for fixture in fixtures %}<label class="card" style="display:block">
<input type="radio" name="fixture" value="{{ fixture.key }}"{% if forloop.first %} checked{% endif %}> <strong>{{ fixture.title }}</strong><br>
<small>{% for advertiser in fixture.advertisers|slice:":4" %}{{ advertiser.name }} ({{ advertiser.currency }}, {{ advertiser.time_zone }}){% if not forloop.last %} · {% endif %}{% endfor %}{% if fixture.advertisers|length > 4 %} · …{% endif %}</small>
</label>{% endfor %}
<button type="submit">Confirm</button></form>{% endif %}</body></html>"""
)


def _page(*, app_id: str, state: str, redirect_uri: str, problem: str = "", fatal: bool = False) -> str:
    fixtures = [{"key": key, "title": title, "advertisers": fixture_get(key).advertisers} for key, title in FIXTURE_TITLES.items()]
    return _PAGE.render(
        TemplateContext(
            {"app_id": app_id, "state": state, "redirect_uri": redirect_uri, "fixtures": fixtures, "problem": problem, "fatal": fatal}
        )
    )


@tiktok_business.route("portal/auth", methods=("GET", "POST"))
def authorize(request: HttpRequest) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    app_id = source.get("app_id", "")
    state = source.get("state", "")
    redirect_uri = source.get("redirect_uri") or settings.TIKTOK_BUSINESS_REDIRECT_URI
    problem = ""
    try:
        app_check(app_id=app_id)
    except PlatformError:
        problem = "This app is not registered (unknown app_id)."
    if not problem and urlsplit(redirect_uri).scheme not in ("http", "https"):
        problem = "The redirect_uri must be an http(s) URL."
    if problem:
        return HttpResponse(_page(app_id=app_id, state=state, redirect_uri=redirect_uri, problem=problem, fatal=True), status=400)
    if request.method == "GET":
        return HttpResponse(_page(app_id=app_id, state=state, redirect_uri=redirect_uri))
    fixture = source.get("fixture", "")
    if fixture not in FIXTURE_TITLES:
        return HttpResponse(_page(app_id=app_id, state=state, redirect_uri=redirect_uri, problem="Choose an account."), status=400)
    code = auth_code_issue(fixture=fixture, app_id=app_id)
    separator = "&" if urlsplit(redirect_uri).query else "?"
    return HttpResponseRedirect(f"{redirect_uri}{separator}{urlencode({'auth_code': code, 'code': code, 'state': state})}")
