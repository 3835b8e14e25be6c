"""TikTok Shop Partner API 202309, the Open API host, at ``/sandbox/tiktok-shop/<real path>``.

``TIKTOK_SHOP_API_BASE`` is ``https://open-api.tiktokglobalshop.com`` in production. Every call
is checked as the platform does (``views/common.py``): app key, the app's QPS (option ``qps``,
HTTP 429 with code 36009002), ``sign``, ``timestamp`` within 5 minutes back and 30 seconds
ahead, the ``x-tts-access-token`` header, and ``shop_cipher`` where the path needs a shop.
Errors are HTTP 200 with the platform's non-zero ``code`` (400, 404, 405 and 429 where the
platform is documented to use them); every envelope has a ``request_id``.

Options: ``qps`` (per app, off by default), ``record_requests`` (keep a ReceivedRequest per call,
off by default: a full sync is thousands of calls), ``clock_offset_seconds`` and
``clock_frozen_at`` (the sandbox clock, see ``clock.py``).
"""

from __future__ import annotations

from django.http import HttpRequest

from sandbox.emulators.tiktok_shop import errors
from sandbox.emulators.tiktok_shop.changes import shop_changes_cache_clear, shop_snapshot
from sandbox.emulators.tiktok_shop.clock import EMULATOR
from sandbox.emulators.tiktok_shop.data import (
    ORDER_STATUSES,
    order_exists,
    order_index_for,
    order_json,
    order_json_text,
    order_state,
    product_json,
)
from sandbox.emulators.tiktok_shop.errors import PlatformError
from sandbox.emulators.tiktok_shop.search import (
    Cursor,
    InvalidPageToken,
    OrderQuery,
    ProductQuery,
    orders_search,
    page_token_decode,
    page_token_encode,
    products_search,
)
from sandbox.emulators.tiktok_shop.views.common import (
    Call,
    failure,
    int_param,
    page_size_param,
    platform_call,
    success,
    success_text,
)
from sandbox.framework import Emulator, gateway_error_response, register
from sandbox.models import TikTokShopOrderChange

MAX_DETAIL_IDS = 50
MAX_SELLER_SKUS = 10
PRODUCT_STATUSES = (
    "ALL",
    "DRAFT",
    "PENDING",
    "FAILED",
    "ACTIVATE",
    "SELLER_DEACTIVATED",
    "PLATFORM_DEACTIVATED",
    "FREEZE",
    "DELETED",
    "SCHEDULED",
)


class TikTokShopEmulator(Emulator):
    name = EMULATOR
    title = "TikTok Shop Partner API 202309 (Open API)"

    @property
    def record_requests(self) -> bool:
        return bool(self.options().get("record_requests"))

    def reset(self) -> None:
        TikTokShopOrderChange.objects.all().delete()
        shop_changes_cache_clear()

    def default_options(self):
        return {"qps": 0, "record_requests": False, "clock_offset_seconds": 0, "clock_frozen_at": None}

    def expired_token_response(self, request):
        error = errors.expired_access_token()
        return failure(error.code, error.message)

    def rate_limited_response(self, request, *, retry_after):
        error = errors.too_many_requests(retry_after)
        return failure(error.code, error.message, status=error.status, headers=error.headers)

    def server_error_response(self, request, *, status):
        if status in (502, 503, 504):
            return gateway_error_response(status)
        return failure(*errors.INTERNAL_ERROR, status=status)

    def method_not_allowed_response(self, request, *, allowed):
        return failure(*errors.INVALID_METHOD, status=405, headers={"Allow": ", ".join(allowed)})


tiktok_shop = register(TikTokShopEmulator())


@tiktok_shop.route("authorization/202309/shops", methods=("GET",))
@platform_call(emulator=tiktok_shop, shop_scoped=False)
def authorized_shops(request: HttpRequest, call: Call):
    return success({"shops": [shop.describe() for shop in call.authorization.shops()]})


@tiktok_shop.route("order/202309/orders/search", methods=("POST",))
@platform_call(emulator=tiktok_shop, shop_scoped=True)
def orders_search_view(request: HttpRequest, call: Call):
    # List parameters are in the query although this is a POST; filters are flat in the body.
    page_size = page_size_param(request)
    sort_field = request.GET.get("sort_field") or "create_time"
    sort_order = request.GET.get("sort_order") or "DESC"
    if sort_field not in ("create_time", "update_time"):
        raise errors.invalid_parameter("The `sort_field` query parameter must be create_time or update_time.")
    if sort_order not in ("ASC", "DESC"):
        raise errors.invalid_parameter("The `sort_order` query parameter must be ASC or DESC.")
    body = call.body
    status = body.get("order_status") or None
    if status is not None and status not in ORDER_STATUSES:
        raise errors.invalid_parameter(f"The `order_status` body parameter must be one of {', '.join(ORDER_STATUSES)}.")
    query = OrderQuery(
        create_time_ge=int_param(body, "create_time_ge"),
        create_time_lt=int_param(body, "create_time_lt"),
        update_time_ge=int_param(body, "update_time_ge"),
        update_time_lt=int_param(body, "update_time_lt"),
        order_status=status,
        sort_field=sort_field,
        sort_order=sort_order,
    )
    shop = call.shop
    token = request.GET.get("page_token", "")
    if token:
        cursor = _cursor(token, query.signature)
        snapshot = shop_snapshot(shop, now=cursor.now, change_mark=cursor.change_mark)
    else:
        cursor, snapshot = None, shop_snapshot(shop)
    page = orders_search(shop, snapshot, query, offset=cursor.offset if cursor else 0, limit=page_size)
    next_token = ""
    if page.next_offset is not None:
        next_token = page_token_encode(Cursor(snapshot.now, snapshot.change_mark, page.next_offset), query.signature)
    orders = ",".join(order_json_text(shop, order_state(shop, index, snapshot)) for index in page.indexes)
    return success_text(f'{{"next_page_token":"{next_token}","total_count":{page.total_count},"orders":[{orders}]}}')


@tiktok_shop.route("order/202309/orders", methods=("GET",))
@platform_call(emulator=tiktok_shop, shop_scoped=True)
def order_detail(request: HttpRequest, call: Call):
    # Comma-joined, as the platform documents it; repeated ``ids`` keys are read too.
    ids = [value.strip() for joined in request.GET.getlist("ids") for value in joined.split(",") if value.strip()]
    if not ids:
        raise errors.invalid_parameter("The `ids` query parameter is required.")
    if len(ids) > MAX_DETAIL_IDS:
        raise errors.invalid_parameter(f"The `ids` query parameter takes at most {MAX_DETAIL_IDS} order ids.")
    shop = call.shop
    snapshot = shop_snapshot(shop)
    indexes = [order_index_for(shop, order_id) for order_id in ids]
    if any(index is None or not order_exists(shop, index, snapshot) for index in indexes):
        raise errors.orders_not_found()
    return success({"orders": [order_json(shop, order_state(shop, index, snapshot)) for index in indexes]})


@tiktok_shop.route("product/202309/products/search", methods=("POST",))
@platform_call(emulator=tiktok_shop, shop_scoped=True)
def products_search_view(request: HttpRequest, call: Call):
    page_size = page_size_param(request)
    body = call.body
    status = body.get("status") or "ALL"
    if status not in PRODUCT_STATUSES:
        raise errors.invalid_parameter(f"The `status` body parameter must be one of {', '.join(PRODUCT_STATUSES)}.")
    seller_skus = body.get("seller_skus") or []
    if not isinstance(seller_skus, list) or not all(isinstance(sku, str) for sku in seller_skus):
        raise errors.invalid_parameter("The `seller_skus` body parameter must be a list of strings.")
    if len(seller_skus) > MAX_SELLER_SKUS:
        raise errors.too_many_seller_skus()
    query = ProductQuery(
        status=status,
        seller_skus=tuple(seller_skus),
        create_time_ge=int_param(body, "create_time_ge"),
        create_time_le=int_param(body, "create_time_le"),
        update_time_ge=int_param(body, "update_time_ge"),
        update_time_le=int_param(body, "update_time_le"),
    )
    if None not in (query.create_time_ge, query.create_time_le) and query.create_time_ge > query.create_time_le:
        raise PlatformError(12019118, "The create time range in the search filter is invalid.")
    if None not in (query.update_time_ge, query.update_time_le) and query.update_time_ge > query.update_time_le:
        raise PlatformError(12019119, "The update time range in the search filter is invalid.")
    token = request.GET.get("page_token", "")
    offset = _cursor(token, query.signature).offset if token else 0
    products = products_search(call.shop, query)
    page = products[offset : offset + page_size]
    end = offset + len(page)
    return success(
        {
            "total_count": len(products),
            "next_page_token": page_token_encode(Cursor(0, 0, end), query.signature) if end < len(products) else "",
            "products": [product_json(call.shop, product) for product in page],
        }
    )


def _cursor(token: str, signature: str) -> Cursor:
    try:
        return page_token_decode(token, signature)
    except InvalidPageToken:
        raise errors.invalid_parameter("The `page_token` query parameter is invalid.") from None


@tiktok_shop.route(r"^.*$", methods=None, regex=True, name="unknown-path")
def unknown_path(request: HttpRequest):
    return failure(*errors.INVALID_PATH, status=404)
