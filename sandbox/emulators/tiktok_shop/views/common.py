"""The Partner API envelope, request ids and the checks every Open API call goes through."""

from __future__ import annotations

import functools
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from django.http import HttpRequest, HttpResponse
from django.utils.crypto import constant_time_compare

from sandbox.emulators.tiktok_shop import errors
from sandbox.emulators.tiktok_shop.data import Shop, shop_directory
from sandbox.emulators.tiktok_shop.errors import PlatformError
from sandbox.emulators.tiktok_shop.ratelimit import rate_limit_retry_after
from sandbox.emulators.tiktok_shop.signing import request_sign
from sandbox.emulators.tiktok_shop.tokens import Authorization, access_token_check, app_credentials_check
from sandbox.framework import json_response

TIMESTAMP_MAX_AGE = 5 * 60
TIMESTAMP_MAX_AHEAD = 30
ACCESS_TOKEN_HEADER = "x-tts-access-token"


def request_id() -> str:
    """Shaped like the platform's: a UTC timestamp and 20 upper-case hex digits."""
    return time.strftime("%Y%m%d%H%M%S", time.gmtime()) + secrets.token_hex(10).upper()


def success(data: Any, *, message: str = "Success") -> HttpResponse:
    return json_response({"code": 0, "message": message, "request_id": request_id(), "data": data})


def success_text(data_json: str) -> HttpResponse:
    """``success`` for data already serialized (the order pages, built from JSON fragments)."""
    body = f'{{"code":0,"message":"Success","request_id":"{request_id()}","data":{data_json}}}'
    return HttpResponse(body, content_type="application/json")


def failure(code: int, message: str, *, status: int = 200, headers: dict[str, str] | None = None) -> HttpResponse:
    return json_response({"code": code, "message": message, "request_id": request_id()}, status=status, headers=headers)


def error_response(error: PlatformError) -> HttpResponse:
    return failure(error.code, error.message, status=error.status, headers=error.headers)


@dataclass(frozen=True)
class Call:
    """An authenticated Open API call."""

    authorization: Authorization
    shop: Shop | None
    body: dict[str, Any]


def platform_call(*, emulator, shop_scoped: bool):
    """Run the platform's checks in its order (app, rate limit, signature, timestamp, token, shop),
    then the view with a ``Call``; ``PlatformError`` becomes the platform's error envelope."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            try:
                call = _authenticate(request, emulator=emulator, shop_scoped=shop_scoped)
                return view(request, call, *args, **kwargs)
            except PlatformError as error:
                return error_response(error)

        return wrapped

    return decorator


def _authenticate(request: HttpRequest, *, emulator, shop_scoped: bool) -> Call:
    query = request.GET
    app_key = query.get("app_key", "")
    app_credentials_check(app_key=app_key)
    retry_after = rate_limit_retry_after(app_key=app_key, qps=emulator.options().get("qps"))
    if retry_after is not None:
        raise errors.too_many_requests(retry_after)
    sign = query.get("sign", "")
    if not sign:
        raise errors.missing_sign()
    _timestamp_check(query.get("timestamp", ""))
    _sign_check(request, emulator=emulator, sign=sign)
    token = request.headers.get(ACCESS_TOKEN_HEADER) or query.get("access_token", "")
    authorization = access_token_check(token=token, app_key=app_key)
    cipher = query.get("shop_cipher", "")
    shop = None
    if shop_scoped:
        if not cipher:
            raise errors.missing_shop_cipher()
        shop = shop_directory().by_cipher.get(cipher)
        if shop is None or shop.seller != authorization.seller:
            raise errors.invalid_shop_cipher()
    elif cipher:
        raise errors.unexpected_shop_cipher()
    return Call(authorization=authorization, shop=shop, body=_json_body(request))


def _timestamp_check(raw: str) -> None:
    # Real time, not the sandbox clock: clients sign with their own clock.
    try:
        timestamp = int(raw)
    except ValueError:
        raise errors.PlatformError(36009004, "Invalid timestamp. The `timestamp` query parameter is invalid.") from None
    now = time.time()
    if timestamp < now - TIMESTAMP_MAX_AGE:
        raise errors.timestamp_too_old()
    if timestamp > now + TIMESTAMP_MAX_AHEAD:
        raise errors.timestamp_in_future()


def _sign_check(request: HttpRequest, *, emulator, sign: str) -> None:
    from django.conf import settings

    pairs = parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True)
    body = b"" if request.method == "GET" else request.body
    # The platform signs its own path; behind the sandbox's mount a client may sign either that
    # or the full path of its URL (the same thing on the real host).
    for path in (platform_path(request, emulator), request.path):
        expected = request_sign(
            app_secret=settings.TIKTOK_SHOP_APP_SECRET,
            path=path,
            params=pairs,
            body=body,
            method=request.method,
            content_type=request.content_type or "",
        )
        if constant_time_compare(sign, expected):
            return
    raise errors.invalid_sign()


def platform_path(request: HttpRequest, emulator) -> str:
    """``/order/202309/orders/search`` for ``/sandbox/tiktok-shop/order/202309/orders/search``."""
    marker = f"/{emulator.name}/"
    path = request.path_info
    at = path.find(marker)
    return path[at + len(marker) - 1 :] if at >= 0 else path


def _json_body(request: HttpRequest) -> dict[str, Any]:
    if request.method == "GET" or not request.body.strip():
        return {}
    content_type = request.content_type or ""
    if content_type.startswith("multipart/form-data"):
        return dict(request.POST.items())
    if content_type != "application/json" and not content_type.endswith("+json"):
        raise PlatformError(*errors.INVALID_REQUEST_FORMAT)
    try:
        data = json.loads(request.body)
    except ValueError:
        raise PlatformError(*errors.INVALID_REQUEST_FORMAT) from None
    if not isinstance(data, dict):
        raise PlatformError(*errors.INVALID_REQUEST_FORMAT)
    return data


def int_param(source: dict, name: str, *, where: str = "body") -> int | None:
    """An optional unix-time style integer parameter (JSON numbers; digit strings in a query)."""
    value = source.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | str) or (isinstance(value, str) and not value.isdigit()):
        raise errors.invalid_parameter(f"The `{name}` {where} parameter must be an integer.")
    number = int(value)
    if number < 0:
        raise errors.invalid_parameter(f"The `{name}` {where} parameter must not be negative.")
    return number


def page_size_param(request: HttpRequest, *, maximum: int = 100) -> int:
    raw = request.GET.get("page_size", "")
    if not raw:
        raise errors.invalid_parameter("The `page_size` query parameter is required.")
    if not raw.isdigit() or not 1 <= int(raw) <= maximum:
        raise errors.invalid_parameter(f"The `page_size` query parameter must be between 1 and {maximum}.")
    return int(raw)
