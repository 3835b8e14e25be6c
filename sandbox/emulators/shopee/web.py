"""The Seller Center / creator / live / seller-app web endpoints, all served by the ``shopee-web``
emulator at ``/sandbox/shopee-web/<real path>`` (``SHOPEE_WEB_BASE``); the host a path belongs to
is in the route table of docs/shopee_live.md. The account is the one whose ``SPC_EC`` cookie
comes with the call; a missing, expired or revoked cookie gets HTTP 200 ``{"code":401,...}``
(the same on every family). Envelope: ``{"code":0,"msg":"success","error":0,"error_msg":"","data":…}``,
plus ``err_code``/``err_msg`` on the live host (``/api/v1/…``).

Numbers come from the same session snapshots as the Open Platform (``data.session_snapshot``),
so sessionList, overview, trends, productList and get_session_metric agree.
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template import Context, Engine

from sandbox.emulators.shopee.data import (
    Account,
    Session,
    account_by_user_id,
    account_get,
    accounts,
    catalogue,
    item_get,
    item_set_get,
    item_sets,
    minute_values,
    minutes_elapsed,
    sandbox_now,
    session_price_minor,
    session_snapshot,
)
from sandbox.emulators.shopee.emulator import shopee_web, web_envelope, web_error
from sandbox.emulators.shopee.livestream import item_metrics
from sandbox.emulators.shopee.sessions import account_sessions, item_bag, ongoing_sessions, session_find
from sandbox.emulators.shopee.tokens import (
    QR_SECONDS,
    WEB_SESSION_SECONDS,
    qr_confirm,
    qr_create,
    qr_login,
    qr_pending,
    qr_status,
    web_session_account,
)
from sandbox.framework import MalformedBody, json_response, request_params
from sandbox.models import ShopeeQrCode, ShopeeWebState
from sandbox.seed import current_seed, rng, stable_int

COOKIE = "SPC_EC"
LIST_PAGE_SIZE_MAX = 1000
CREATOR = "supply/api/lm/sellercenter/"
SELLER_CENTER = "api/supply/lm/sellercenter/"
LIVE = "api/v1/"
SELLER_APP = "api/app/pas/v1/"
TIME_DIMS = {"1d": 1, "7d": 7, "30d": 30}
COIN_MODES = ("random", "equal")
COIN_CLAIM_PERCENT = 82


def ok(data, *, live_host: bool = False) -> HttpResponse:
    return json_response(web_envelope(data, live_host=live_host))


class WebError(Exception):
    def __init__(self, code: int, msg: str):
        super().__init__(msg)
        self.code, self.msg = code, msg


class CookieRoutes:
    """Web endpoints, declared with ``@web.route(path)``: the handler gets (request, params,
    account, **path kwargs) and returns ``data``, or raises ``WebError``. ``login=False`` for the
    endpoints that need no cookie."""

    def route(self, route: str, *, methods=("GET",), login: bool = True):
        live_host = route.startswith(LIVE)

        def decorator(handler):
            @functools.wraps(handler)
            def view(request: HttpRequest, **kwargs):
                account = web_session_account(request.COOKIES.get(COOKIE, ""))
                if login and account is None:
                    return web_error(401, "Not logged in, please log in again.")
                try:
                    params = request_params(request)
                except MalformedBody as exc:
                    return web_error(400, f"invalid request body: {exc}")
                try:
                    return ok(handler(request, params, account, **kwargs), live_host=live_host)
                except WebError as exc:
                    return json_response(web_envelope(None, code=exc.code, msg=exc.msg, live_host=live_host))

            shopee_web.route(route, methods=methods, name=handler.__name__)(view)
            if route.startswith(CREATOR):
                # The same endpoints answer under the Seller Center host (banhang.shopee.vn/api/supply/…).
                shopee_web.route(SELLER_CENTER + route[len(CREATOR) :], methods=methods, name=f"{handler.__name__}-seller-center")(view)
            return handler

        return decorator


web = CookieRoutes()


def _int(params: dict, name: str, default: int, *, low: int = 0, high: int | None = None) -> int:
    try:
        value = int(params.get(name, default) or default)
    except (TypeError, ValueError):
        raise WebError(400, f"invalid {name}")
    if value < low or (high is not None and value > high):
        raise WebError(400, f"{name} must be between {low} and {high}" if high is not None else f"{name} must be at least {low}")
    return value


def _page(params: dict) -> tuple[int, int]:
    return _int(params, "page", 1, low=1), _int(params, "pageSize", 10, low=1, high=LIST_PAGE_SIZE_MAX)


def _listing(rows: list, page: int, page_size: int) -> dict:
    return {"page": page, "pageSize": page_size, "total": len(rows), "list": rows[(page - 1) * page_size : page * page_size]}


def _own_session(params: dict, account: Account, name: str = "sessionId") -> tuple[Session, object, int]:
    now = sandbox_now()
    session, row = session_find(params.get(name), now)
    if session is None or session.account.key != account.key:
        raise WebError(404, "session not found")
    return session, row, now


# --- QR login (shopee.<domain>/api/v2/authentication/…) --------------------------------------


def qr_link(qrcode_id: str) -> str:
    return f"{settings.SHOPEE_WEB_BASE}/universal-link/qrcode-login?id={qrcode_id}"


# The QR image. Nobody scans it in the sandbox (the emulator's index page and the control API
# play the phone), so it is a blank 1×1 PNG; ``qrcode_url`` says what a real one would encode.
QR_PLACEHOLDER_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="


@web.route("api/v2/authentication/gen_qrcode", methods=("GET", "POST"), login=False)
def gen_qrcode(request, params, account):
    qr = qr_create()
    return {"qrcode_id": qr.qrcode_id, "qrcode_base64": QR_PLACEHOLDER_PNG, "qrcode_url": qr_link(qr.qrcode_id)}


@web.route("api/v2/authentication/qrcode_status", login=False)
def qrcode_status(request, params, account):
    qr = ShopeeQrCode.objects.filter(qrcode_id=str(params.get("qrcode_id") or "-")).first()
    if qr is None:
        raise WebError(2, "qrcode not found")
    status = qr_status(qr, sandbox_now())
    if qr.used_at is not None:
        status = "EXPIRED"  # a QR logs in once
    return {"status": status, "qrcode_token": qr.qrcode_token if status == "CONFIRMED" else ""}


@shopee_web.route("api/v2/authentication/qrcode_login", methods=("POST",), name="qrcode_login")
def qrcode_login(request: HttpRequest):
    try:
        params = request_params(request)
    except MalformedBody as exc:
        return web_error(400, f"invalid request body: {exc}")
    web_session = qr_login(qrcode_token=str(params.get("qrcode_token") or ""))
    if web_session is None:
        return web_error(3, "invalid qrcode_token")
    account = account_get(web_session.account)
    response = ok(
        {
            "token": web_session.token,
            "shop_id": account.shop_id,
            "user_id": account.user_id,
            "username": account.username,
            "region": account.region_code,
        }
    )
    response.set_cookie(COOKIE, web_session.token, max_age=WEB_SESSION_SECONDS, httponly=True, secure=request.is_secure(), samesite="Lax")
    return response


# The "phone": the page the QR opens, and a list of pending QRs, for a human to confirm a login.
PHONE_PAGE = Engine(autoescape=True).from_string(
    """<!doctype html><html><head><meta charset="utf-8"><title>Shopee · QR login (sandbox phone)</title>
<style>body{font:15px system-ui;margin:2rem auto;max-width:40rem}form{margin:.6rem 0;padding:.6rem;border:1px solid #ddd;border-radius:6px}button{padding:.3rem .9rem;background:#ee4d2d;color:#fff;border:0;border-radius:4px}</style></head>
<body><h1>Confirm a Seller Center login</h1>{% if message %}<p><b>{{ message }}</b></p>{% endif %}
{% for qr in pending %}<form method="post" action="{{ action }}"><input type="hidden" name="id" value="{{ qr.qrcode_id }}">
QR <code>{{ qr.qrcode_id|truncatechars:14 }}</code> ({{ qr.status }}) — log in as
<select name="account">{% for account in accounts %}<option value="{{ account.key }}">{{ account.username }} · {{ account.region_code }} · {{ account.shop_name }}</option>{% endfor %}</select>
<button type="submit" name="action" value="confirm">Confirm</button> <button type="submit" name="action" value="scan">Scan only</button> <button type="submit" name="action" value="cancel">Cancel</button></form>{% empty %}<p>No QR is waiting. Open the product's "QR login" page first; a QR lives {{ seconds }} s.</p>{% endfor %}
</body></html>"""
)


@shopee_web.route("universal-link/qrcode-login", methods=("GET", "POST"), name="qrcode_phone")
def qrcode_phone(request: HttpRequest):
    message = ""
    if request.method == "POST":
        try:
            action = request.POST.get("action", "confirm")
            qr = qr_confirm(qrcode_id=request.POST.get("id", ""), account=request.POST.get("account", ""), action=action)
            message = f"QR {qr.status.lower()} by {qr.account}."
        except Exception as exc:  # noqa: BLE001 - the page shows why instead of failing
            message = str(getattr(exc, "message", exc))
    wanted = request.GET.get("id")
    pending = [qr for qr in qr_pending() if not wanted or qr.qrcode_id == wanted]
    context = Context({"pending": pending, "accounts": accounts("demo"), "message": message, "seconds": QR_SECONDS, "action": request.path})
    return HttpResponse(PHONE_PAGE.render(context))


@shopee_web.route("", methods=("GET",), name="index")
def index(request: HttpRequest):
    """The emulator's index: the pending QRs, each confirmable as a demo account."""
    return qrcode_phone(request)


# --- Creator / Seller Center (creator.shopee.<domain>/supply/api/lm/sellercenter/…) ------------


@web.route(CREATOR + "userInfo")
def user_info(request, params, account):
    return {
        "userId": account.user_id,
        "username": account.username,
        "shopId": account.shop_id,
        "shopName": account.shop_name,
        "followerCount": account.follower_count,
        "region": account.region_code,
        "avatar": f"https://cf.shopee.{account.region.domain}/file/avatar-{account.user_id}",
    }


def session_row(session: Session, now: int, *, history: bool = False) -> dict:
    """A sessionList (or, with ``history``, liveList/v2) entry."""
    snap = session_snapshot(session, now)
    totals, money = snap.totals, session.account.region.money
    row = {
        "sessionId": session.session_id,
        "title": session.title,
        "coverImage": session.cover_image_url,
        "status": snap.status,
        "startTime": session.start * 1000 if session.start is not None and session.start <= now else 0,
        "duration": snap.duration_seconds * 1000,
        "views": totals["views"],
        "viewers": snap.unique_viewers,
        "avgViewsDuration": snap.avg_viewing_seconds * 1000,
        "comments": totals["comments"],
        "likes": totals["likes"],
        "followersGrowth": totals["new_followers"],
        "atc": totals["atc"],
        "productClicks": totals["product_clicks"],
        "conversionRate": snap.ratio("orders", "product_clicks"),
        "placedOrders": totals["orders"],
        "placedSales": money(totals["gmv"]),
        "confirmedOrders": totals["confirmed_orders"],
        "confirmedSales": money(totals["confirmed_gmv"]),
    }
    if history:
        row["peakViews"] = snap.peak_ccu
        row.update(
            engagedUv=snap.engaged_viewers,
            avgEngagedCcu=snap.avg_engaged_ccu,
            thirtyMinsCount=stable_int("shopee", "thirty", session.session_id, lo=0, hi=max(0, snap.unique_viewers // 10)),
            placedItemSold=totals["items_sold"],
            confirmedItemSold=totals["confirmed_items_sold"],
            paidOrders=totals["confirmed_orders"],
            paidSales=money(totals["confirmed_gmv"]),
        )
    else:
        row["peakViewers"] = snap.peak_ccu
    return row


SORT_KEYS = {"startTime", "views", "viewers", "placedSales", "placedOrders", "confirmedSales", "atc", "likes", "comments", "duration"}


def _sorted(rows: list[dict], params: dict) -> list[dict]:
    order_by = params.get("orderBy") or ""
    if order_by in SORT_KEYS:
        rows = sorted(rows, key=lambda row: row[order_by] or 0, reverse=(params.get("sort") or "desc") != "asc")
    name = str(params.get("name") or "").strip().lower()
    return [row for row in rows if name in row["title"].lower()] if name else rows


@web.route(CREATOR + "realtime/sessionList")
def realtime_session_list(request, params, account):
    """Ongoing and recent sessions: the last 24 hours and any not ended, newest first."""
    page, page_size = _page(params)
    now = sandbox_now()
    sessions = account_sessions(account, now - 86400, now + 1, now)
    return _listing(_sorted([session_row(session, now) for session in sessions], params), page, page_size)


@web.route(CREATOR + "liveList/v2")
def live_list(request, params, account):
    """Ended sessions that started within ``timeDim`` days up to ``endDate`` (account's local day)."""
    page, page_size = _page(params)
    days = TIME_DIMS.get(params.get("timeDim") or "30d")
    if days is None:
        raise WebError(400, "invalid timeDim, use 1d, 7d or 30d")
    now = sandbox_now()
    offset_hours = int(account.region.timezone[:3])
    today = (datetime.fromtimestamp(now, tz=UTC) + timedelta(hours=offset_hours)).date()
    try:
        end_day = date.fromisoformat(params["endDate"]) if params.get("endDate") else today
    except ValueError:
        raise WebError(400, "invalid endDate, use YYYY-MM-DD")
    until = int(datetime.combine(end_day + timedelta(days=1), datetime.min.time(), tzinfo=UTC).timestamp()) - offset_hours * 3600
    since = until - days * 86400
    ended = [session for session in account_sessions(account, since, until, now) if session.status(now) == 2]
    return _listing(_sorted([session_row(session, now, history=True) for session in ended], params), page, page_size)


def overview(session: Session, now: int) -> dict:
    snap = session_snapshot(session, now)
    totals, money = snap.totals, session.account.region.money
    hours = snap.duration_seconds / 3600
    return {
        "status": snap.status,
        "ccu": snap.ccu,
        "viewers": snap.unique_viewers,
        "pcu": snap.peak_ccu,
        "views": totals["views"],
        "buyers": totals["buyers"],
        "confirmedBuyers": totals["confirmed_buyers"],
        "avgViewTime": snap.avg_viewing_seconds * 1000,
        "atc": totals["atc"],
        "placedItemsSold": totals["items_sold"],
        "placedOrder": totals["orders"],
        "placedGmv": money(totals["gmv"]),
        "confirmedItemsSold": totals["confirmed_items_sold"],
        "confirmedOrder": totals["confirmed_orders"],
        "confirmedGmv": money(totals["confirmed_gmv"]),
        "ctr": snap.ratio("product_clicks", "views"),
        "co": snap.ratio("orders", "product_clicks"),
        "confirmedCo": snap.ratio("confirmed_orders", "product_clicks"),
        "engagedCcu": snap.engaged_ccu,
        "commentsWhithinLastOneMinute": snap.comments_last_minute,
        "atcWhithinLastOneMinute": snap.atc_last_minute,
        "gpm": money(round(totals["gmv"] * 1000 / totals["views"])) if totals["views"] else 0,
        "confirmedGpm": money(round(totals["confirmed_gmv"] * 1000 / totals["views"])) if totals["views"] else 0,
        "abs": money(totals["gmv"] // totals["buyers"]) if totals["buyers"] else 0,
        "confirmedAbs": money(totals["confirmed_gmv"] // totals["confirmed_buyers"]) if totals["confirmed_buyers"] else 0,
        "commentsRate": snap.ratio("comments", "views"),
        "avgEngagedCcu": snap.avg_engaged_ccu,
        "engagedViewers": snap.engaged_viewers,
        "liveHours": round(hours, 2),
        "engagementData": {
            "likes": totals["likes"],
            "comments": totals["comments"],
            "viewers": snap.unique_viewers,
            "shares": totals["shares"],
            "views": totals["views"],
            "newFollowers": totals["new_followers"],
            "avgViewingDuration": snap.avg_viewing_seconds * 1000,
        },
    }


@web.route(CREATOR + "realtime/dashboard/overview")
def dashboard_overview(request, params, account):
    session, _, now = _own_session(params, account)
    return overview(session, now)


@web.route(CREATOR + "realtime/dashboard/sessionInfo")
def dashboard_session_info(request, params, account):
    session, _, now = _own_session(params, account)
    region = account.region
    return {
        "sessionId": session.session_id,
        "title": session.title,
        "description": session.description,
        "coverImage": session.cover_image_url,
        "status": session.status(now),
        "startTime": session.start * 1000 if session.start is not None and session.start <= now else 0,
        "endTime": session.end * 1000 if session.end is not None and session.end <= now else 0,
        "shareUrl": session.share_url(),
        "sessionStreamingUrl": f"https://play.livestream.shopee.{region.domain}/live/{region.code.lower()}-live-{account.user_id}-{session.session_id}.flv",
        "userId": account.user_id,
        "shopId": account.shop_id,
        "username": account.username,
        "currency": region.currency,
    }


TREND_FIELDS = {
    "ccu": "ccu",
    "engagedCcu": "engaged_ccu",
    "entering": "views",
    "addToCart": "atc",
    "order": "orders",
    "gmv": "gmv",
    "confirmedGmv": "confirmed_gmv",
    "confirmedOrder": "confirmed_orders",
    "productClicks": "product_clicks",
    "likes": "likes",
    "comments": "comments",
}
MONEY_TRENDS = {"gmv", "confirmedGmv"}


@web.route(CREATOR + "realtime/dashboard/trends")
def dashboard_trends(request, params, account):
    """Per-minute points (``time`` = the minute's start, ms) of the completed minutes in
    [startTime, endTime]; flows are per minute, ccu values at that minute."""
    session, _, now = _own_session(params, account)
    metrics = request.GET.getlist("metricTrend") or ["ccu"]
    unknown = [name for name in metrics if name not in TREND_FIELDS]
    if unknown:
        raise WebError(400, f"invalid metricTrend {', '.join(unknown)}")
    start_ms = _int(params, "startTime", 0)
    end_ms = _int(params, "endTime", now * 1000)
    money, seed, price = account.region.money, current_seed(), session_price_minor(session)
    points = []
    for minute in range(minutes_elapsed(session, now)):
        moment = (session.start + 60 * minute) * 1000
        if start_ms <= moment <= end_ms:
            points.append((moment, minute_values(seed, session.session_id, minute, account.audience, price)))
    return {
        "sessionId": session.session_id,
        "interval": 60,
        "trends": [
            {
                "metric": name,
                "points": [
                    {"time": moment, "value": money(values[TREND_FIELDS[name]]) if name in MONEY_TRENDS else values[TREND_FIELDS[name]]}
                    for moment, values in points
                ],
            }
            for name in metrics
        ],
    }


@web.route(CREATOR + "realtime/dashboard/productList")
def dashboard_product_list(request, params, account):
    session, row, now = _own_session(params, account)
    page, page_size = _page(params)
    money = account.region.money
    rows = []
    for metric in item_metrics(session, item_bag(session, row), now):
        item = item_get(metric["item_id"])
        rows.append(
            {
                "itemId": item.item_id,
                "title": item.name,
                "coverImage": item.image_url,
                "maxPrice": money(item.original_minor),
                "minPrice": money(item.current_minor),
                "productClicks": metric["product_clicks"],
                "ctr": round(metric["product_clicks"] / max(1, session_snapshot(session, now).totals["views"]), 4),
                "atc": metric["atc"],
                "ordersCreated": metric["orders"],
                "revenue": money(metric["gmv"]),
                "itemSold": metric["items_sold"],
                "cor": round(metric["orders"] / metric["product_clicks"], 4) if metric["product_clicks"] else 0,
                "confirmedOrderCnt": metric["confirmed_orders"],
                "confirmedRevenue": money(metric["confirmed_gmv"]),
                "confirmedItemSold": metric["confirmed_items_sold"],
                "confirmedCor": round(metric["confirmed_orders"] / metric["product_clicks"], 4) if metric["product_clicks"] else 0,
            }
        )
    name = str(params.get("productName") or "").strip().lower()
    rows = [row for row in rows if name in row["title"].lower()] if name else rows
    order_by = params.get("productListOrderBy") or "productClicks"
    if order_by in ("productClicks", "atc", "ordersCreated", "revenue", "itemSold"):
        rows.sort(key=lambda row: row[order_by], reverse=(params.get("sort") or "desc") != "asc")
    return _listing(rows, page, page_size)


# --- Seller host (seller.shopee.<domain>/api/v4/…) --------------------------------------------


@web.route("api/v4/streaming_promotion/streamer_selector/")
def streamer_selector(request, params, account):
    hosts = account.hosts()
    return {"streamers": hosts, "total": len(hosts)}


# --- Seller app host (seller-app.shopee.<domain>/api/app/pas/v1/…): promotions and ads --------


def _day_bounds(account: Account, now: int) -> tuple[date, int]:
    offset_hours = int(account.region.timezone[:3])
    local = datetime.fromtimestamp(now, tz=UTC) + timedelta(hours=offset_hours)
    midnight = int(datetime.combine(local.date(), datetime.min.time(), tzinfo=UTC).timestamp()) - offset_hours * 3600
    return local.date(), midnight


def promotions_today(account: Account, now: int) -> list[dict]:
    """Today's live-stream promotions (ads): budgets, and spend that grows through the day."""
    today, midnight = _day_bounds(account, now)
    region = account.region
    generator = rng("shopee", "promotions", account.number, today.isoformat())
    day_fraction = min(1.0, (now - midnight) / 86400)
    stored = {state.key: state.data for state in ShopeeWebState.objects.filter(account=account.key, kind="promotion")}
    promotions = []
    for n in range(generator.randint(1, 4)):
        promotion_id = f"{account.number}{today.strftime('%y%m%d')}{n + 1:02d}"
        budget_minor = region.minor(region.budget_limit) * generator.randint(5, 40) // 100
        pace = 0.5 + generator.random() * 0.6
        edits = stored.get(promotion_id, {})
        budget_minor = edits.get("budget_minor", budget_minor)
        spent_minor = min(budget_minor, int(budget_minor * day_fraction * pace))
        impressions = int(spent_minor / max(1, region.minor(region.price_low)) * 900)
        clicks = impressions * generator.randint(15, 45) // 1000
        promotions.append(
            {
                "promotion_id": promotion_id,
                "name": edits.get("name", f"Live Boost {generator.choice(('Morning', 'Prime', 'Night', 'Payday'))} {n + 1}"),
                "status": "ongoing",
                "budget": region.money(budget_minor),
                "spent": region.money(spent_minor),
                "currency": region.currency,
                "impressions": impressions,
                "clicks": clicks,
                "gmv": region.money(int(spent_minor * (2 + generator.random() * 6))),
                "_spent_minor": spent_minor,
                "_budget_minor": budget_minor,
            }
        )
    return promotions


def _public(promotion: dict) -> dict:
    return {key: value for key, value in promotion.items() if not key.startswith("_")}


@web.route(SELLER_APP + "live_stream/get_promotions_today/")
def get_promotions_today(request, params, account):
    return {"promotions": [_public(promotion) for promotion in promotions_today(account, sandbox_now())]}


@web.route(SELLER_APP + "live_stream/edit/", methods=("POST",))
def promotion_edit(request, params, account):
    now = sandbox_now()
    promotion = next((p for p in promotions_today(account, now) if p["promotion_id"] == str(params.get("promotion_id"))), None)
    if promotion is None:
        raise WebError(404, "promotion not found")
    region = account.region
    edits = {}
    if "budget" in params:
        try:
            budget_minor = region.minor(params["budget"])
        except (TypeError, ValueError):
            raise WebError(400, "budget must be a number")
        if budget_minor < 0:
            raise WebError(400, "budget cannot be below zero")
        if budget_minor > region.minor(region.budget_limit):
            raise WebError(400, f"budget cannot exceed the daily limit of {region.budget_limit} {region.currency}")
        if budget_minor < promotion["_spent_minor"]:
            raise WebError(
                400, f"budget cannot be lower than what was spent today ({region.money(promotion['_spent_minor'])} {region.currency})"
            )
        edits["budget_minor"] = budget_minor
    if "name" in params:
        name = str(params["name"] or "").strip()
        if not name or len(name) > 100:
            raise WebError(400, "name must be 1 to 100 characters")
        edits["name"] = name
    if not edits:
        raise WebError(400, "nothing to edit: send name and/or budget")
    state, _ = ShopeeWebState.objects.get_or_create(kind="promotion", key=promotion["promotion_id"], defaults={"account": account.key})
    state.data = {**state.data, **edits}
    state.save(update_fields=["data"])
    updated = next(p for p in promotions_today(account, now) if p["promotion_id"] == promotion["promotion_id"])
    return _public(updated)


@web.route(SELLER_APP + "live_stream/get_campaign_expense_today/")
def campaign_expense_today(request, params, account):
    promotions = promotions_today(account, sandbox_now())
    region = account.region
    return {
        "total_spend": region.money(sum(p["_spent_minor"] for p in promotions)),
        "currency": region.currency,
        "campaign_count": len(promotions),
        "campaigns": [
            {"campaign_id": p["promotion_id"], "name": p["name"], "spend": p["spent"], "budget": p["budget"]} for p in promotions
        ],
    }


@web.route(SELLER_APP + "meta/get_ads_data/")
def ads_data(request, params, account):
    promotions = promotions_today(account, sandbox_now())
    region = account.region
    spend = sum(p["_spent_minor"] for p in promotions)
    gmv = sum(region.minor(p["gmv"]) for p in promotions)
    return {
        "total_impressions": sum(p["impressions"] for p in promotions),
        "total_clicks": sum(p["clicks"] for p in promotions),
        "total_spend": region.money(spend),
        "total_gmv": region.money(gmv),
        "roi": round(gmv / spend, 2) if spend else 0,
        "currency": region.currency,
    }


# --- Live host (live.shopee.<domain>/api/v1/…): items, coins, live status --------------------


def _item_row(item) -> dict:
    region = item.region
    return {
        "item_id": item.item_id,
        "shop_id": item.shop_id,
        "name": item.name,
        "image": item.image_url,
        "price": region.money(item.current_minor),
        "original_price": region.money(item.original_minor),
        "discount": item.discount,
        "stock": item.stock,
        "sold": item.sold,
        "commission_rate": item.commission_rate,
        "coins": item.coins,
        "currency": item.currency,
    }


def _offset_listing(rows: list, params: dict) -> dict:
    offset, limit = _int(params, "offset", 0), _int(params, "limit", 50, low=1, high=100)
    chunk = rows[offset : offset + limit]
    return {"offset": offset, "limit": limit, "total": len(rows), "has_more": offset + limit < len(rows), "items": chunk}


def _keyword(rows: list, params: dict) -> list:
    keyword = str(params.get("kw") or "").strip().lower()
    return [item for item in rows if keyword in item.name.lower()] if keyword else rows


@web.route(LIVE + "item/promotion")
def item_promotion_list(request, params, account):
    return _offset_listing([_item_row(item) for item in _keyword(catalogue(account), params)], params)


@web.route(LIVE + "item/promotion/<str:promo_id>")
def item_promotion_detail(request, params, account, promo_id):
    found = item_set_get(promo_id)
    if found is None or found[0].key != account.key:
        raise WebError(404, "promotion not found")
    entry = found[1]
    items = _keyword([item_get(item_id) for item_id in entry["item_ids"]], params)
    return {
        "promotion_id": entry["item_set_id"],
        "name": entry["item_set_name"],
        **_offset_listing([_item_row(item) for item in items], params),
    }


@web.route(LIVE + "item/promotion_sets")
def item_promotion_sets(request, params, account):
    return {
        "sets": [
            {"promotion_id": s["item_set_id"], "name": s["item_set_name"], "item_count": len(s["item_ids"])} for s in item_sets(account)
        ]
    }


def _coin_state(session: Session) -> ShopeeWebState | None:
    return ShopeeWebState.objects.filter(kind="coin", key=str(session.session_id)).first()


def coin_balance(account: Account) -> int:
    spent = sum(state.data.get("total_coins", 0) for state in ShopeeWebState.objects.filter(account=account.key, kind="coin"))
    return account.region.coin_balance - spent


def _positive(params: dict, name: str) -> int:
    value = params.get(name)
    if isinstance(value, bool):
        raise WebError(400, f"{name} must be a positive integer")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise WebError(400, f"{name} must be a positive integer")
    if number <= 0:
        raise WebError(400, f"{name} must be a positive integer")
    return number


@web.route(LIVE + "session/<int:session_id>/coin/start", methods=("POST",))
def coin_start(request, params, account, session_id):
    session, _, now = _own_session({"sessionId": session_id}, account)
    if session.status(now) != 1:
        raise WebError(1001, "the session is not live: coins can only be started on an ongoing session")
    total = _positive(params, "total_coins")
    mode = params.get("distribution_mode") or "random"
    if mode not in COIN_MODES:
        raise WebError(400, f"distribution_mode must be one of {', '.join(COIN_MODES)}")
    if _coin_state(session) is not None:
        raise WebError(1002, "coins were already started for this session")
    balance = coin_balance(account)
    if total > balance:
        raise WebError(1003, f"not enough coins: the balance is {balance}")
    ShopeeWebState.objects.create(
        account=account.key,
        kind="coin",
        key=str(session.session_id),
        data={"total_coins": total, "distribution_mode": mode, "given": 0, "giveouts": 0},
    )
    return {
        "session_id": session.session_id,
        "total_coins": total,
        "distribution_mode": mode,
        "coins_distributed": 0,
        "balance": balance - total,
    }


@web.route(LIVE + "session/<int:session_id>/coin/giveout", methods=("POST",))
def coin_giveout(request, params, account, session_id):
    session, _, now = _own_session({"sessionId": session_id}, account)
    if session.status(now) != 1:
        raise WebError(1001, "the session is not live: coins can only be given out on an ongoing session")
    state = _coin_state(session)
    if state is None:
        raise WebError(1004, "start coins for this session first")
    amount, recipients = _positive(params, "amount"), _positive(params, "recipient_count")
    left = state.data["total_coins"] - state.data["given"]
    if amount * recipients > left:
        raise WebError(1003, f"not enough coins left in this session's pool: {left}")
    state.data = {**state.data, "given": state.data["given"] + amount * recipients, "giveouts": state.data["giveouts"] + 1}
    state.save(update_fields=["data"])
    return {
        "session_id": session.session_id,
        "amount": amount,
        "recipient_count": recipients,
        "coins_distributed": state.data["given"],
        "coins_left": left - amount * recipients,
    }


@web.route(LIVE + "session/<int:session_id>/coin/rewardinfo")
def coin_reward_info(request, params, account, session_id):
    session, _, _ = _own_session({"sessionId": session_id}, account)
    state = _coin_state(session)
    data = state.data if state is not None else {"total_coins": 0, "given": 0, "distribution_mode": ""}
    claimed = data["given"] * COIN_CLAIM_PERCENT // 100
    region = account.region
    return {
        "session_id": session.session_id,
        "total_coins": data["total_coins"],
        "distribution_mode": data["distribution_mode"],
        "total_distributed": data["given"],
        "total_claimed": claimed,
        "total_value": region.money(claimed * region.coin_value_minor),
        "currency": region.currency,
    }


@web.route(LIVE + "shop_page/live/ongoing", login=False)
def shop_live_ongoing(request, params, account):
    """Public: whether the user ``uid`` is live now (``ongoing_live`` is null when not)."""
    owner = account_by_user_id(params.get("uid"))
    if owner is None:
        return {"ongoing_live": None}
    now = sandbox_now()
    live = ongoing_sessions(owner, now)
    if not live:
        return {"ongoing_live": None}
    session = live[-1]  # the earliest started of the ongoing ones
    snap = session_snapshot(session, now)
    return {
        "ongoing_live": {
            "session_id": session.session_id,
            "title": session.title,
            "cover_pic": session.cover_image_url,
            "start_time": session.start * 1000,
            "ccu": snap.ccu,
            "viewer_count": snap.unique_viewers,
            "status": 1,
            "share_url": session.share_url(),
        }
    }
