"""The 25 ``v2.livestream.*`` APIs and ``v2.principal.get_session_livestream_performance``
(reference §1.5, §1.6 and Appendix A: request fields, response fields and error messages as
Shopee documents them).

Session states: 0 initial (created) → 1 ongoing (start_session) → 2 ended (end_session).
Seeded sessions were started "through the Shopee App": they start and end on their own schedule,
and end_session refuses them. Times in get_session_detail are unix seconds (the field
descriptions; the doc samples show milliseconds). Metric and item calls on a session that is not
ongoing answer "is not ongoing", as the docs say; the principal API serves ended sessions.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from django.db import transaction

from sandbox.emulators.shopee.data import (
    CREATED_BASE,
    MAX_ITEM_COUNT,
    VIEWER_BASE,
    VIEWERS_PER_SESSION,
    Account,
    Session,
    account_by_user_id,
    allocate,
    catalogue,
    item_get,
    item_set_get,
    item_sets,
    item_weights,
    sandbox_now,
    session_snapshot,
)
from sandbox.emulators.shopee.emulator import open_error, open_platform, shopee
from sandbox.emulators.shopee.sessions import account_sessions, item_bag, row_for, session_find
from sandbox.emulators.shopee.tokens import OpenApiError
from sandbox.models import ShopeeLiveSession
from sandbox.seed import derive, rng

PAGE_SIZE_LIMIT = 100
TITLE_MAX = 200
COMMENT_MAX = 150
COMMENT_WINDOW_SECONDS = 10
IMAGE_MAX_BYTES = 2 * 1024 * 1024
IMAGE_TYPES = {"jpg", "jpeg", "png", "gif"}


def _param_error(message: str) -> OpenApiError:
    return OpenApiError("error_param", message)


def _data_error(message: str) -> OpenApiError:
    return OpenApiError("error_data", message)


def _int(params: dict, name: str, *, required: bool = True, default: int | None = None) -> int | None:
    value = params.get(name)
    if value is None or value == "":
        if required:
            raise _param_error(f"Invalid {name}")
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _param_error(f"Invalid {name}")


def _bool(value) -> bool:
    return value is True or str(value).lower() in ("true", "1")


def _owned_session(params: dict, account: Account, *, ongoing: bool = False, not_ended: bool = False):
    """The caller's session, checked in the order of the docs' error lists. ``not_ended``: the
    APIs whose errors name "is ended" say so for an ended session (before "is not ongoing")."""
    session_id = _int(params, "session_id")
    if session_id <= 0:
        raise _param_error("Invalid session_id")
    now = sandbox_now()
    session, row = session_find(session_id, now)
    if session is None:
        raise _data_error(f"The session(session_id:{session_id}) is not exist")
    if session.account.key != account.key:
        raise _data_error(f"The session(session_id:{session_id}) is not belong to you")
    status = session.status(now)
    if not_ended and status == 2:
        raise _data_error(f"The session(session_id:{session_id}) is ended")
    if ongoing and status != 1:
        raise _data_error(f"The session(session_id:{session_id}) is not ongoing")
    return session, row, now


def _page(params: dict) -> tuple[int, int]:
    offset = _int(params, "offset")
    page_size = _int(params, "page_size", required=False, default=0)
    if offset < 0:
        raise _param_error("Invalid offset")
    if not 0 < page_size <= PAGE_SIZE_LIMIT:
        raise _param_error(f"Invalid page_size, page_size must larger than 0 and cannot exceed {PAGE_SIZE_LIMIT}")
    return offset, page_size


def _paged(rows: list, offset: int, page_size: int) -> dict:
    chunk = rows[offset : offset + page_size]
    more = offset + page_size < len(rows)
    return {"more": more, "next_offset": offset + len(chunk) if more else 0, "list": chunk}


def _item_list(params: dict) -> list[tuple[int, int]]:
    raw = params.get("item_list")
    if not isinstance(raw, list) or not raw:
        raise _param_error("Invalid item_list, item_id and shop_id must greater than 0")
    pairs = []
    for entry in raw:
        try:
            pair = (int(entry["item_id"]), int(entry["shop_id"]))
        except (TypeError, ValueError, KeyError):
            raise _param_error("Invalid item_list, item_id and shop_id must greater than 0")
        if pair[0] <= 0 or pair[1] <= 0:
            raise _param_error("Invalid item_list, item_id and shop_id must greater than 0")
        pairs.append(pair)
    return pairs


def _duplicates_check(pairs: list[tuple[int, int]]) -> None:
    seen = set()
    for item_id, _ in pairs:
        if item_id in seen:
            raise _data_error(f"Item(item_id:{item_id}) is duplicated in the request")
        seen.add(item_id)


def _bag_entry(number: int, item_id: int) -> dict:
    item = item_get(item_id)
    return {"item_no": number, **item.brief(), "affiliate_info": item.affiliate_info()}


def _item_with_affiliate(item) -> dict:
    return {**item.brief(), "affiliate_info": item.affiliate_info()}


def _text_checks(params: dict) -> tuple[str, str, str]:
    title = params.get("title")
    if not isinstance(title, str) or not title.strip():
        raise _param_error("Invalid title")
    if len(title) > TITLE_MAX:
        raise _data_error("The title cannot exceed 200 characters")
    description = params.get("description") or ""
    if not isinstance(description, str):
        raise _param_error("Wrong parameters, detail: description must be a string.")
    if len(description) > TITLE_MAX:
        raise _data_error("The description cannot exceed 200 characters")
    cover = params.get("cover_image_url")
    if not isinstance(cover, str) or not cover.startswith(("http://", "https://")):
        raise _param_error("Invalid cover_image_url")
    return title, description, cover


# --- Sessions ------------------------------------------------------------------------------


@open_platform.route("livestream/create_session", methods=("POST",))
def create_session(request, params, account):
    title, description, cover = _text_checks(params)
    now = sandbox_now()
    with transaction.atomic():
        for session in account_sessions(account, now - 2 * 86400, now + 1, now):
            if session.status(now) == 1:
                raise _data_error(f"The last session(session_id:{session.session_id}) is still ongoing, please end it first")
        row = ShopeeLiveSession.objects.create(
            session_id=0, account=account.key, title=title, description=description, cover_image_url=cover,
            is_test=_bool(params.get("is_test")), create_time=now, update_time=now, item_ids=[],
        )  # fmt: skip
        row.session_id = CREATED_BASE + row.pk
        row.save(update_fields=["session_id"])
    return {"session_id": row.session_id}


@open_platform.route("livestream/update_session", methods=("POST",))
def update_session(request, params, account):
    session, row, now = _owned_session(params, account)
    title, description, cover = _text_checks(params)
    if "is_test" not in params:
        raise _param_error("Wrong parameters, detail: is_test is required.")
    stored = row_for(session, row)
    ShopeeLiveSession.objects.filter(pk=stored.pk).update(
        title=title, description=description, cover_image_url=cover, is_test=_bool(params["is_test"]), update_time=now
    )
    return {}


@open_platform.route("livestream/get_session_detail")
def get_session_detail(request, params, account):
    session, _, now = _owned_session(params, account)
    region = account.region
    push_key = f"{region.code.lower()}-live-{account.user_id}-{session.session_id}"
    return {
        "session_id": session.session_id,
        "title": session.title,
        "description": session.description,
        "cover_image_url": session.cover_image_url,
        "status": session.status(now),
        "share_url": session.share_url(),
        "is_test": session.is_test,
        "create_time": session.create_time,
        "update_time": session.update_time,
        "start_time": session.start if session.start is not None and session.start <= now else 0,
        "end_time": session.end if session.end is not None and session.end <= now else 0,
        "stream_url_list": {
            "push_url": f"rtmp://push.lvb.shopee.{region.domain}/live",
            "push_key": f"{push_key}?session_id={session.session_id}",
            "play_url": f"https://play.livestream.shopee.{region.domain}/live/{push_key}.flv",
            "domain_id": domain_id_for(account),
        },
    }


def domain_id_for(account: Account) -> int:
    return 50 + account.number % 10


@open_platform.route("livestream/start_session", methods=("POST",))
def start_session(request, params, account):
    session, row, now = _owned_session(params, account)
    status = session.status(now)
    if status == 1:
        raise _data_error(f"The session(session_id:{session.session_id}) is ongoing")
    if status == 2:
        raise _data_error(f"The session(session_id:{session.session_id}) is ended")
    if _int(params, "domain_id") != domain_id_for(account):
        raise _param_error("Invalid domain_id")
    if _bool(params.get("ai_stream")) and account.region_code != "PH":
        raise _param_error("Wrong parameters, detail: ai_stream is only available in PH region.")
    for other in account_sessions(account, now - 2 * 86400, now + 1, now):
        if other.status(now) == 1:
            raise _data_error(f"The last session(session_id:{other.session_id}) is still ongoing, please end it first")
    ShopeeLiveSession.objects.filter(pk=row.pk).update(start_time=now, update_time=now)
    return {}


@open_platform.route("livestream/end_session", methods=("POST",))
def end_session(request, params, account):
    session, row, now = _owned_session(params, account, ongoing=True)
    if session.seeded:
        raise _data_error("Cannot end session because it's started through Shopee App or Live PC")
    ShopeeLiveSession.objects.filter(pk=row.pk).update(end_time=now, update_time=now)
    return {}


# --- Metrics -------------------------------------------------------------------------------


def session_metric(session: Session, now: int) -> dict:
    """get_session_metric's payload; the web dashboard reads the same snapshot."""
    snap = session_snapshot(session, now)
    totals = snap.totals
    return {
        "gmv": session.account.region.money(totals["gmv"]),
        "atc": totals["atc"],
        "ctr": snap.ratio("product_clicks", "views"),
        "co": snap.ratio("orders", "product_clicks"),
        "orders": totals["orders"],
        "ccu": snap.ccu,
        "engage_ccu_1m": snap.engaged_ccu,
        "peak_ccu": snap.peak_ccu,
        "likes": totals["likes"],
        "comments": totals["comments"],
        "shares": totals["shares"],
        "views": totals["views"],
        "avg_viewing_duration": snap.avg_viewing_seconds,
    }


def item_metrics(session: Session, bag: list[int], now: int) -> list[dict]:
    """Per bag item: clicks, add-to-cart, sold and revenue (minor units), splitting the session's
    totals so the items sum to them."""
    snap = session_snapshot(session, now)
    weights = item_weights(session.session_id, bag)
    columns = {
        name: allocate(snap.totals[name], weights)
        for name in ("product_clicks", "atc", "orders", "items_sold", "gmv", "confirmed_orders", "confirmed_items_sold", "confirmed_gmv")
    }
    return [{"item_id": item_id, **{name: values[n] for name, values in columns.items()}} for n, item_id in enumerate(bag)]


@open_platform.route("livestream/get_session_metric")
def get_session_metric(request, params, account):
    session, _, now = _owned_session(params, account, ongoing=True)
    return session_metric(session, now)


@open_platform.route("livestream/get_session_item_metric")
def get_session_item_metric(request, params, account):
    session, row, now = _owned_session(params, account, ongoing=True)
    offset, page_size = _page(params)
    rows = [
        {
            "item": item_get(metric["item_id"]).brief(),
            "metric": {"item_clicks": metric["product_clicks"], "atc": metric["atc"], "sold_items": metric["items_sold"]},
        }
        for metric in item_metrics(session, item_bag(session, row), now)
    ]
    return _paged(rows, offset, page_size)


# --- Item bag ------------------------------------------------------------------------------


@open_platform.route("livestream/add_item_list", methods=("POST",))
def add_item_list(request, params, account):
    session, row, _ = _owned_session(params, account, ongoing=True, not_ended=True)
    pairs = _item_list(params)
    _duplicates_check(pairs)
    bag = item_bag(session, row)
    for item_id, shop_id in pairs:
        item = item_get(item_id)
        if item is None or item.shop_id != shop_id:
            raise _data_error(f"Item(item_id:{item_id}) is not exist")
        if item_id in bag:
            raise _data_error(f"Item(item_id:{item_id}) is duplicated in the request")
    if len(bag) + len(pairs) > MAX_ITEM_COUNT:
        raise _data_error("Too many items for current session")
    stored = row_for(session, row)
    stored.item_ids = bag + [item_id for item_id, _ in pairs]
    stored.save(update_fields=["item_ids"])
    return {}


@open_platform.route("livestream/update_item_list", methods=("POST",))
def update_item_list(request, params, account):
    session, row, _ = _owned_session(params, account, ongoing=True, not_ended=True)
    pairs = _item_list(params)
    _duplicates_check(pairs)
    bag = item_bag(session, row)
    requested = [item_id for item_id, _ in pairs]
    for item_id in requested:
        if item_id not in bag:
            raise _data_error(
                f"Item(item_id:{item_id}) is not exist in the shopping bag but exist in this request, please use add API If you want to add item"
            )
    for item_id in bag:
        if item_id not in requested:
            raise _data_error(
                f"Item(item_id:{item_id}) is exist in the shopping bag but not exist in this request, please use delete API If you want to delete item"
            )
    stored = row_for(session, row)
    stored.item_ids = requested
    stored.save(update_fields=["item_ids"])
    return {}


@open_platform.route("livestream/delete_item_list", methods=("POST",))
def delete_item_list(request, params, account):
    session, row, _ = _owned_session(params, account, ongoing=True, not_ended=True)
    removed = {item_id for item_id, _ in _item_list(params)}
    stored = row_for(session, row)
    stored.item_ids = [item_id for item_id in item_bag(session, row) if item_id not in removed]
    if stored.show_item_id in removed:
        stored.show_item_id = None
    stored.save(update_fields=["item_ids", "show_item_id"])
    return {}


@open_platform.route("livestream/get_item_list")
def get_item_list(request, params, account):
    session, row, _ = _owned_session(params, account, ongoing=True)
    offset, page_size = _page(params)
    bag = item_bag(session, row)
    return _paged([_bag_entry(n, item_id) for n, item_id in enumerate(bag, start=1)], offset, page_size)


@open_platform.route("livestream/get_item_count")
def get_item_count(request, params, account):
    session, row, _ = _owned_session(params, account, ongoing=True, not_ended=True)
    return {"item_count": len(item_bag(session, row)), "max_item_count": MAX_ITEM_COUNT}


def _keyword_filter(items: list, keyword) -> list:
    keyword = str(keyword or "").strip().lower()
    return [item for item in items if keyword in item.name.lower()] if keyword else items


@open_platform.route("livestream/get_recent_item_list")
def get_recent_item_list(request, params, account):
    offset, page_size = _page(params)
    recent = catalogue(account)[:60]
    return _paged([_item_with_affiliate(item) for item in recent], offset, page_size)


@open_platform.route("livestream/get_like_item_list")
def get_like_item_list(request, params, account):
    offset, page_size = _page(params)
    liked = [item for n, item in enumerate(catalogue(account)) if n % 3 == 0]
    return _paged([_item_with_affiliate(item) for item in _keyword_filter(liked, params.get("keyword"))], offset, page_size)


@open_platform.route("livestream/get_item_set_list")
def get_item_set_list(request, params, account):
    offset, page_size = _page(params)
    keyword = str(params.get("keyword") or "").strip().lower()
    sets = [
        {"item_set_id": entry["item_set_id"], "item_set_name": entry["item_set_name"], "item_count": len(entry["item_ids"])}
        for entry in item_sets(account)
        if keyword in entry["item_set_name"].lower()
    ]
    return _paged(sets, offset, page_size)


def _own_item_set(account: Account, item_set_id) -> dict:
    found = item_set_get(item_set_id)
    if found is None or found[0].key != account.key:
        raise _data_error(f"The item set {item_set_id} you provided is not exist")
    return found[1]


@open_platform.route("livestream/get_item_set_item_list")
def get_item_set_item_list(request, params, account):
    item_set_id = _int(params, "item_set_id")
    offset, page_size = _page(params)
    entry = _own_item_set(account, item_set_id)
    return _paged([_item_with_affiliate(item_get(item_id)) for item_id in entry["item_ids"]], offset, page_size)


@open_platform.route("livestream/apply_item_set", methods=("POST",))
def apply_item_set(request, params, account):
    session, row, _ = _owned_session(params, account, ongoing=True, not_ended=True)
    ids = params.get("item_set_ids")
    if not isinstance(ids, list) or not ids:
        raise _param_error("Invalid item_set_ids")
    bag = item_bag(session, row)
    for item_set_id in ids:
        for item_id in _own_item_set(account, item_set_id)["item_ids"]:
            if item_id not in bag:
                bag.append(item_id)
    if len(bag) > MAX_ITEM_COUNT:
        raise _data_error("Too many items for current session")
    stored = row_for(session, row)
    stored.item_ids = bag
    stored.save(update_fields=["item_ids"])
    return {}


# --- Showing item --------------------------------------------------------------------------


@open_platform.route("livestream/update_show_item", methods=("POST",))
def update_show_item(request, params, account):
    session, row, _ = _owned_session(params, account, ongoing=True)
    item_id, shop_id = _int(params, "item_id"), _int(params, "shop_id")
    item = item_get(item_id)
    if item is None or item_id not in item_bag(session, row):
        raise _param_error("Invalid item_id")
    if item.shop_id != shop_id:
        raise _param_error("Invalid shop_id")
    stored = row_for(session, row)
    stored.show_item_id = item_id
    stored.save(update_fields=["show_item_id"])
    return {}


@open_platform.route("livestream/get_show_item")
def get_show_item(request, params, account):
    session, row, _ = _owned_session(params, account, ongoing=True, not_ended=True)
    bag = item_bag(session, row)
    if row is None or row.show_item_id is None or row.show_item_id not in bag:
        return {"has_show_item": False, "item": {}}
    return {"has_show_item": True, "item": _bag_entry(bag.index(row.show_item_id) + 1, row.show_item_id)}


@open_platform.route("livestream/delete_show_item", methods=("POST",))
def delete_show_item(request, params, account):
    session, row, _ = _owned_session(params, account, ongoing=True, not_ended=True)
    if row is not None:
        row.show_item_id = None
        row.save(update_fields=["show_item_id"])
    return {}


# --- Comments ------------------------------------------------------------------------------


def viewer(session_id: int, n: int) -> tuple[int, str]:
    """Viewer ``n`` of a session: (user_id, username)."""
    generator = rng("shopee", "viewer", session_id, n)
    return VIEWER_BASE + n, generator.username()


VIEWER_LINES = (
    "kak spill harga dong", "ready stock?", "size M masih ada?", "checkout sekarang!", "free ongkir?",
    "còn hàng không shop", "giá bao nhiêu ạ", "มีสีอื่นไหมคะ", "how much po", "can cod?", "link please", "wow murah banget",
)  # fmt: skip


def viewer_comments(session: Session, second: int) -> list[dict]:
    """What viewers wrote during ``second`` (unix) of an ongoing session: 0–3 comments."""
    raw = derive("shopee", "comments", session.session_id, second)
    comments = []
    for j in range(raw[0] % 4):
        user_id, username = viewer(session.session_id, int.from_bytes(raw[1 + 2 * j : 3 + 2 * j], "big") % VIEWERS_PER_SESSION)
        comments.append(
            {
                "comment_id": second * 100 + j,
                "content": VIEWER_LINES[raw[10 + j] % len(VIEWER_LINES)],
                "timestamp": second,
                "user_id": user_id,
                "username": username,
            }
        )
    return comments


@open_platform.route("livestream/post_comment", methods=("POST",))
def post_comment(request, params, account):
    session, row, now = _owned_session(params, account, ongoing=True)
    content = params.get("content")
    if not isinstance(content, str) or not content.strip():
        raise _param_error("Cannot send empty comment")
    if len(content) > COMMENT_MAX:
        raise _data_error("The content cannot exceed 150 characters")
    stored = row_for(session, row)
    comment_id = now * 100 + 50 + sum(1 for comment in stored.comments if comment["timestamp"] == now)
    stored.comments = [*stored.comments, {"comment_id": comment_id, "content": content, "timestamp": now}]
    stored.save(update_fields=["comments"])
    return {"comment_id": comment_id}


@open_platform.route("livestream/get_latest_comment_list")
def get_latest_comment_list(request, params, account):
    session, row, now = _owned_session(params, account, ongoing=True)
    after = _int(params, "offset", required=False, default=0)
    banned = set(row.banned_user_ids) if row is not None else set()
    comments = []
    for second in range(now - COMMENT_WINDOW_SECONDS + 1, now + 1):
        comments += [comment for comment in viewer_comments(session, second) if comment["user_id"] not in banned]
    own = [
        {**comment, "user_id": account.user_id, "username": account.username}
        for comment in (row.comments if row is not None else [])
        if now - COMMENT_WINDOW_SECONDS < comment["timestamp"] <= now
    ]
    listed = sorted((comment for comment in comments + own if comment["comment_id"] > after), key=lambda c: c["comment_id"])
    return {"next_offset": listed[-1]["comment_id"] if listed else after, "list": listed}


def _user_param(params: dict, name: str, account: Account, session: Session) -> int:
    user_id = _int(params, name)
    if user_id == account.user_id:
        raise _data_error("You can not ban yourself")
    if not (VIEWER_BASE <= user_id < VIEWER_BASE + VIEWERS_PER_SESSION or account_by_user_id(user_id)):
        raise _param_error(f"The user(user_id:{user_id}) is not exist")
    return user_id


@open_platform.route("livestream/ban_user_comment", methods=("POST",))
def ban_user_comment(request, params, account):
    session, row, _ = _owned_session(params, account, ongoing=True)
    user_id = _user_param(params, "ban_user_id", account, session)
    stored = row_for(session, row)
    if user_id not in stored.banned_user_ids:
        stored.banned_user_ids = [*stored.banned_user_ids, user_id]
        stored.save(update_fields=["banned_user_ids"])
    return {}


@open_platform.route("livestream/unban_user_comment", methods=("POST",))
def unban_user_comment(request, params, account):
    session, row, _ = _owned_session(params, account, ongoing=True)
    user_id = _user_param(params, "unban_user_id", account, session)
    if row is not None and user_id in row.banned_user_ids:
        row.banned_user_ids = [banned for banned in row.banned_user_ids if banned != user_id]
        row.save(update_fields=["banned_user_ids"])
    return {}


# --- Images --------------------------------------------------------------------------------


@open_platform.route("livestream/upload_image", methods=("POST",))
def upload_image(request, params, account):
    image = request.FILES.get("image")
    if image is None:
        raise _param_error("No image found in the request")
    if image.size > IMAGE_MAX_BYTES:
        raise _param_error(f"The image size cannot exceed {IMAGE_MAX_BYTES} bytes")
    if image.name.rsplit(".", 1)[-1].lower() not in IMAGE_TYPES:
        raise _param_error("Invalid image format, only support jpg/jpeg/png/gif")
    digest = derive("shopee", "image", account.number, image.name, image.size).hex()[:24]
    return {"image_url": f"https://cf.shopee.{account.region.domain}/file/{account.region_code.lower()}-11134104-{digest}"}


# --- Principal performance -----------------------------------------------------------------

TIMEZONES = {"GMT+7": 7, "GMT+8": 8, "GMT-3": -3}


def performance_row(session: Session, now: int) -> dict:
    snap = session_snapshot(session, now)
    region = session.account.region
    totals = snap.totals
    return {
        "region": region.code,
        "currency": region.currency,
        "likes": totals["likes"],
        "comments": totals["comments"],
        "buyers": totals["buyers"],
        "orders": totals["orders"],
        "shop_id": session.account.shop_id,
        "shop_name": session.account.shop_name,
        "session_id": session.session_id,
        "session_name": session.title,
        "total_views": totals["views"],
        "unique_viewers": snap.unique_viewers,
        "total_live_duration": snap.duration_seconds,
        "average_views_duration": snap.avg_viewing_seconds,
        "new_followers": totals["new_followers"],
        "atc_units": totals["atc"],
        "units_sold": totals["items_sold"],
        "sales_gross": region.money(totals["gmv"]),
        "sales_net": region.money(totals["confirmed_gmv"]),
        "conversion_rate": snap.ratio("orders", "product_clicks"),
    }


SUMMED = (
    "likes",
    "comments",
    "buyers",
    "orders",
    "total_views",
    "unique_viewers",
    "total_live_duration",
    "new_followers",
    "atc_units",
    "units_sold",
)


def _aggregate(account: Account, rows: list[dict]) -> dict:
    """Rows of one shop added up; money summed in minor units so IDR/VND stay whole."""
    region = account.region
    return {
        "region": region.code,
        "currency": region.currency,
        "shop_id": account.shop_id,
        "shop_name": account.shop_name,
        "sessions": len(rows),
        **{key: sum(row[key] for row in rows) for key in SUMMED},
        "sales_gross": region.money(sum(region.minor(row["sales_gross"]) for row in rows)),
        "sales_net": region.money(sum(region.minor(row["sales_net"]) for row in rows)),
    }


def _day(value, name: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise _param_error(f"Invalid {name}")


def _performance_sessions(params: dict, account: Account) -> tuple[list[tuple[date, Session]], int]:
    """(local start day, session) of the sessions started between start_date and end_date, newest first."""
    start, end = _day(params.get("start_date"), "start_date"), _day(params.get("end_date"), "end_date")
    if end < start:
        raise _param_error("Invalid end_date")
    hours = TIMEZONES.get(params.get("timezone") or "GMT+7")
    if hours is None:
        raise _param_error("Invalid timezone")
    now = sandbox_now()
    since = int(datetime.combine(start, datetime.min.time(), tzinfo=UTC).timestamp()) - hours * 3600
    until = int(datetime.combine(end + timedelta(days=1), datetime.min.time(), tzinfo=UTC).timestamp()) - hours * 3600
    sessions = [session for session in account_sessions(account, since, until, now) if session.status(now) != 0]
    shift = timedelta(hours=hours)
    return [((datetime.fromtimestamp(session.start, tz=UTC) + shift).date(), session) for session in sessions], now


def _page_of(rows: list, params: dict) -> tuple[list, str]:
    page_size = _int(params, "page_size", required=False, default=100)
    if not 0 < page_size <= 200:
        raise _param_error("Invalid page_size, page_size must larger than 0 and cannot exceed 200")
    cursor = _int(params, "cursor", required=False, default=0)
    more = cursor + page_size < len(rows)
    return rows[cursor : cursor + page_size], str(cursor + page_size) if more else ""


@open_platform.route("principal/get_session_livestream_performance", methods=("POST",), api_type="Principal", region_check=False)
def get_session_livestream_performance(request, params, account):
    dated, now = _performance_sessions(params, account)
    wanted = params.get("session_list")
    if wanted:
        ids = {int(sid) for entry in wanted if isinstance(entry, dict) for sid in entry.get("session_ids") or []}
        dated = [(day, session) for day, session in dated if session.session_id in ids]
    rows = [performance_row(session, now) for _, session in dated]
    details, next_cursor = _page_of(rows, params)
    return {"summary": [_aggregate(account, rows)], "details": details, "next_cursor": next_cursor}


def _period_start(day: date, granularity: str, first: date) -> date:
    if granularity == "day":
        return day
    if granularity == "week":
        return day - timedelta(days=day.weekday())
    if granularity == "month":
        return day.replace(day=1)
    if granularity == "quarter":
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    if granularity == "year":
        return day.replace(month=1, day=1)
    return first  # customize: the whole range is one period


def _periods(params: dict, account: Account) -> dict:
    granularity = params.get("granularity") or "day"
    if granularity not in ("customize", "day", "week", "month", "quarter", "year"):
        raise _param_error("Invalid granularity")
    dated, now = _performance_sessions(params, account)
    first = _day(params.get("start_date"), "start_date")
    by_period: dict[date, list[dict]] = {}
    for day, session in dated:
        by_period.setdefault(_period_start(day, granularity, first), []).append(performance_row(session, now))
    rows = [{"period_start": period.isoformat(), **_aggregate(account, by_period[period])} for period in sorted(by_period)]
    details, next_cursor = _page_of(rows, params)
    every = [row for rows_of_period in by_period.values() for row in rows_of_period]
    return {"summary": [_aggregate(account, every)], "details": details, "next_cursor": next_cursor}


@open_platform.route("principal/get_shop_livestream_performance", methods=("POST",), api_type="Principal", region_check=False)
def get_shop_livestream_performance(request, params, account):
    return _periods(params, account)


@open_platform.route("principal/get_principal_livestream_performance", methods=("POST",), api_type="Principal", region_check=False)
def get_principal_livestream_performance(request, params, account):
    return _periods(params, account)


# Registered last: any other /api/v2 path (community code calls get_session_list, which Shopee
# doesn't have) gets the gateway's answer instead of a 404 page.
@shopee.route(r"^api/v2/.*$", methods=None, regex=True, name="unknown-api")
def unknown_api(request):
    return open_error("error_param", "Permission denied. This API is currently offline or the request path is incorrect.")
