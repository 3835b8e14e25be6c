"""Meta Conversions API at the Graph API path: ``POST /sandbox/meta-graph/v21.0/{pixel_id}/events``.

``META_GRAPH_API_BASE`` is ``https://graph.facebook.com`` in production (reference:
shared/reference/shopee-google-meta-telegram-apis.md §3). Any ``vNN.N`` version. ``access_token``
in the query string or the body; the body is JSON (``{"data": [...], "test_event_code"}``) or a
form (``data=<JSON array>``); ``data`` may be an array or a JSON string holding one.

One invalid event rejects the whole batch, as Meta does. Errors are the Graph error envelope
``{"error": {message, type: "OAuthException", code, error_subcode, fbtrace_id, ...}}``:

- 401, code 190: no token, a revoked one (option ``revoked_tokens``, subcode 460) or the
  ``expired_token`` fault (subcode 463);
- 400, code 100 subcode 33: a pixel id that isn't a number or is in option ``unknown_pixels``;
- 400, code 100 subcode 2804003: an ``event_time`` older than 7 days (option ``max_age_days``;
  62 for ``physical_store``); subcode 2804004 more than a minute in the future; subcode 2804050
  no customer information; code 100 without subcode for every other parameter;
- 400, code 4 (``is_transient``) with ``Retry-After`` over option ``qps`` or the 429 fault.
"""

from __future__ import annotations

import ipaddress
import json
import re
import secrets
import time

from django.http import HttpRequest, HttpResponse

from sandbox.emulators.tiktok_events.receipts import (
    ConversionDestination,
    hashed_values_problem,
    is_sha256_hex,
    money_problem,
    option_set,
    qps_exceeded,
    receipts_record,
    register_conversion_controls,
)
from sandbox.framework import MalformedBody, json_response, register, request_params

ACTION_SOURCES = ("website", "app", "email", "phone_call", "chat", "physical_store", "system_generated", "business_messaging", "other")
HASHED_USER_FIELDS = ("em", "ph", "external_id", "fn", "ln", "ct", "st", "zp", "country", "db", "ge")
NEVER_HASHED_FIELDS = ("fbc", "fbp", "client_ip_address", "client_user_agent")
CUSTOMER_INFO_FIELDS = (*HASHED_USER_FIELDS, *NEVER_HASHED_FIELDS, "subscription_id", "lead_id")
IPV4_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
IPV4 = re.compile(rf"{IPV4_OCTET}(?:\.{IPV4_OCTET}){{3}}", re.ASCII)
PIXEL_ID = re.compile(r"\d{1,20}")
PHYSICAL_STORE_MAX_AGE_DAYS = 62
FUTURE_TOLERANCE_SECONDS = 60
EVENT_TIME_FLOOR = 1_000_000_000

SUBCODE_OBJECT_MISSING = 33
SUBCODE_TOO_OLD = 2804003
SUBCODE_IN_FUTURE = 2804004
SUBCODE_NO_CUSTOMER_INFO = 2804050


def fbtrace_id() -> str:
    return secrets.token_urlsafe(8)[:11]


def graph_error(
    status: int,
    code: int,
    message: str,
    *,
    subcode: int | None = None,
    transient: bool = False,
    user_title: str | None = None,
    user_message: str | None = None,
    headers: dict | None = None,
) -> HttpResponse:
    error: dict = {"message": message, "type": "OAuthException", "code": code}
    if subcode is not None:
        error["error_subcode"] = subcode
    error["is_transient"] = transient
    if user_title:
        error["error_user_title"] = user_title
    if user_message:
        error["error_user_msg"] = user_message
    error["fbtrace_id"] = fbtrace_id()
    return json_response({"error": error}, status=status, headers=headers)


def rate_limited(retry_after: int) -> HttpResponse:
    return graph_error(400, 4, "(#4) Application request limit reached", transient=True, headers={"Retry-After": str(retry_after)})


class InvalidEvent(ValueError):
    def __init__(self, message: str, *, subcode: int | None = None, user_title: str | None = None, user_message: str | None = None):
        super().__init__(message)
        self.subcode, self.user_title, self.user_message = subcode, user_title, user_message


class MetaGraphEmulator(ConversionDestination):
    name = "meta-graph"
    title = "Meta Graph API: Conversions API (/{pixel_id}/events)"
    secret_fields = ("access_token",)

    def default_options(self):
        return {"max_events": 1000, "revoked_tokens": [], "unknown_pixels": [], "qps": 0, "max_age_days": 7}

    def expired_token_response(self, request):
        return graph_error(401, 190, "Error validating access token: Session has expired on Monday, 23-Nov-26 00:00:00 PST.", subcode=463)

    def rate_limited_response(self, request, *, retry_after):
        return rate_limited(retry_after)

    def server_error_response(self, request, *, status):
        if status in (502, 503, 504):
            return super().server_error_response(request, status=status)
        return graph_error(status, 1, "An unknown error occurred", transient=True)


meta_graph = register(MetaGraphEmulator())
register_conversion_controls(meta_graph, unknown_option="unknown_pixels")


@meta_graph.route(r"^(?:v\d{1,3}\.\d{1,2}/)?(?P<pixel_id>[^/]+)/events/?$", methods=("POST",), name="events", regex=True)
def events(request: HttpRequest, pixel_id: str) -> HttpResponse:
    try:
        params = request_params(request)
    except MalformedBody:
        return graph_error(400, 100, "(#100) The request body could not be parsed as JSON.")
    token = str(params.get("access_token") or "").strip()
    if not token:
        return graph_error(401, 190, "An access token is required to request this resource.")
    options = meta_graph.options()
    if token in option_set(options, "revoked_tokens"):
        return graph_error(
            401,
            190,
            "Error validating access token: The session has been invalidated because the user changed their password or "
            "Facebook has changed the session for security reasons.",
            subcode=460,
        )
    if qps_exceeded(emulator=meta_graph.name, token=token, qps=options.get("qps")):
        return rate_limited(1)
    if not PIXEL_ID.fullmatch(pixel_id) or pixel_id in option_set(options, "unknown_pixels"):
        return graph_error(
            400,
            100,
            f"Unsupported post request. Object with ID '{pixel_id}' does not exist, cannot be loaded due to missing permissions, "
            "or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api",
            subcode=SUBCODE_OBJECT_MISSING,
        )
    test_event_code = params.get("test_event_code")
    if test_event_code is not None and not isinstance(test_event_code, str):
        return graph_error(400, 100, "(#100) test_event_code must be a string")
    try:
        data = events_param(params.get("data"), max_events=int(options.get("max_events") or 1000))
        now = time.time()
        max_age_days = float(options.get("max_age_days") or 7)
        for index, event in enumerate(data):
            validate_event(event, index, now=now, max_age_days=max_age_days)
    except InvalidEvent as exc:
        return graph_error(400, 100, str(exc), subcode=exc.subcode, user_title=exc.user_title, user_message=exc.user_message)
    trace = fbtrace_id()
    receipts_record(
        emulator=meta_graph.name,
        request_id=trace,
        rows=((pixel_id, event.get("event_id") or "", event["event_name"], test_event_code or "") for event in data),
    )
    return json_response({"events_received": len(data), "messages": [], "fbtrace_id": trace})


def events_param(raw, *, max_events: int) -> list:
    if raw is None or raw == "":
        raise InvalidEvent("(#100) The parameter data is required")
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise InvalidEvent("(#100) param data must be an array.") from None
    if not isinstance(raw, list):
        raise InvalidEvent("(#100) param data must be an array.")
    if not raw:
        raise InvalidEvent("(#100) param data must contain at least one event.")
    if len(raw) > max_events:
        raise InvalidEvent(f"(#100) data: at most {max_events} events per request (got {len(raw)})")
    return raw


def validate_event(event, index: int, *, now: float, max_age_days: float) -> None:
    where = f"data[{index}]"
    if not isinstance(event, dict):
        raise InvalidEvent(f"(#100) {where} must be an object")
    name = event.get("event_name")
    if not name:
        raise InvalidEvent(f"(#100) {where}.event_name is required")
    if not isinstance(name, str):
        raise InvalidEvent(f"(#100) {where}.event_name must be a string")
    event_time = event.get("event_time")
    if event_time is None:
        raise InvalidEvent(f"(#100) {where}.event_time is required")
    if (
        isinstance(event_time, bool)
        or not isinstance(event_time, int)
        or event_time < EVENT_TIME_FLOOR
        or event_time >= 10 * EVENT_TIME_FLOOR
    ):
        raise InvalidEvent(f"(#100) {where}.event_time must be a unix timestamp in seconds, got {event_time!r}")
    action_source = event.get("action_source")
    if action_source is None:
        raise InvalidEvent(f"(#100) {where}.action_source is required")
    if action_source not in ACTION_SOURCES:
        raise InvalidEvent(f"(#100) {where}.action_source must be one of {', '.join(ACTION_SOURCES)}")
    days = PHYSICAL_STORE_MAX_AGE_DAYS if action_source == "physical_store" else max_age_days
    if event_time < now - days * 86400:
        raise InvalidEvent(
            "Invalid parameter",
            subcode=SUBCODE_TOO_OLD,
            user_title="Event Timestamp Too Old",
            user_message=f"The timestamp for this event ({where}.event_time) is more than {days:g} days in the past; "
            "no event of this request was processed.",
        )
    if event_time > now + FUTURE_TOLERANCE_SECONDS:
        raise InvalidEvent(
            "Invalid parameter",
            subcode=SUBCODE_IN_FUTURE,
            user_title="Event Timestamp In Future",
            user_message=f"The timestamp for this event ({where}.event_time) is in the future.",
        )
    event_id = event.get("event_id")
    if event_id is not None and not isinstance(event_id, str):
        raise InvalidEvent(f"(#100) {where}.event_id must be a string")
    for key in ("event_source_url",):
        if event.get(key) is not None and not isinstance(event[key], str):
            raise InvalidEvent(f"(#100) {where}.{key} must be a string")
    user_data = event.get("user_data")
    if not isinstance(user_data, dict):
        raise InvalidEvent(f"(#100) {where}.user_data is required and must be an object")
    validate_user_data(user_data, f"{where}.user_data")
    if action_source == "website":
        for key, label in (("client_user_agent", "user_data.client_user_agent"), ("event_source_url", "event_source_url")):
            holder = user_data if key == "client_user_agent" else event
            if not holder.get(key):
                raise InvalidEvent(f"(#100) {where}.{label} is required for website events")
    custom_data = event.get("custom_data")
    if custom_data is not None:
        if not isinstance(custom_data, dict):
            raise InvalidEvent(f"(#100) {where}.custom_data must be an object")
        problem = money_problem(custom_data)
        if problem == "value":
            raise InvalidEvent(f"(#100) {where}.custom_data.value must be a number")
        if problem == "currency":
            raise InvalidEvent(f"(#100) {where}.custom_data.currency must be an ISO 4217 code such as usd")


def is_ip_address(value: str) -> bool:
    # IPv4 by regex first: ipaddress.ip_address costs more than all the event's other checks.
    if IPV4.fullmatch(value):
        return True
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def validate_user_data(user_data: dict, where: str) -> None:
    for key in HASHED_USER_FIELDS:
        if user_data.get(key) is not None:
            problem = hashed_values_problem(user_data[key])
            if problem:
                index = ""
                if isinstance(user_data[key], list):
                    index = next((f"[{i}]" for i, item in enumerate(user_data[key]) if not is_sha256_hex(item)), "")
                raise InvalidEvent(f"(#100) {where}.{key}{index}: {problem}")
    for key in NEVER_HASHED_FIELDS:
        value = user_data.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise InvalidEvent(f"(#100) {where}.{key} must be a string")
        if is_sha256_hex(value):
            raise InvalidEvent(f"(#100) {where}.{key} must not be hashed")
    ip = user_data.get("client_ip_address")
    if ip and not is_ip_address(ip):
        raise InvalidEvent(f"(#100) {where}.client_ip_address is not a valid IP address")
    if not any(user_data.get(key) for key in CUSTOMER_INFO_FIELDS):
        raise InvalidEvent(
            "Invalid parameter",
            subcode=SUBCODE_NO_CUSTOMER_INFO,
            user_title="Customer information parameters",
            user_message=f"This event ({where}) has insufficient customer information.",
        )
