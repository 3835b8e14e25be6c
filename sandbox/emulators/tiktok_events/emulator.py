"""TikTok Events API 2.0 at its real path: ``POST /sandbox/tiktok-events/open_api/v1.3/event/track/``.

``TIKTOK_EVENTS_API_BASE`` is ``https://business-api.tiktok.com`` in production (reference:
shared/reference/tiktok-apis.md §3). Header ``Access-Token``; JSON body ``event_source``,
``event_source_id`` (pixel code), ``partner_name``, ``test_event_code``, ``data[]``.

Every answer is HTTP 200 with ``{code, message, request_id, data}``, as the Business API answers:

- 40104 no ``Access-Token``; 40105 a revoked token (option ``revoked_tokens``) or the
  ``expired_token`` fault;
- 40100 over the per-token QPS (option ``qps``; also the ``status=429`` fault);
- 40002 invalid parameters, the message naming the field (unhashed email/phone/external_id,
  missing event or event_time, bad event_source, a batch over option ``max_events``, ...);
- 40001 a pixel this token can't use (option ``unknown_pixels``);
- 50000 "System error." for the ``status=500`` fault.

A request is accepted or rejected whole; accepted events get a ``ConversionReceipt`` each.
"""

from __future__ import annotations

import json
import secrets
import time

from django.http import HttpRequest, HttpResponse

from sandbox.emulators.tiktok_events.receipts import (
    ConversionDestination,
    hashed_values_problem,
    money_problem,
    option_set,
    qps_exceeded,
    receipts_record,
    register_conversion_controls,
)
from sandbox.framework import json_response, register

EVENT_SOURCES = ("web", "app", "offline", "crm")
HASHED_USER_FIELDS = ("email", "phone", "external_id")
PLAIN_USER_FIELDS = ("ttclid", "ttp", "ip", "user_agent", "locale")
# Unix seconds: 2001-09-09 .. 2286-11-20; milliseconds fall outside.
EVENT_TIME_RANGE = (1_000_000_000, 10_000_000_000)

OK = 0
NO_PERMISSION = 40001
INVALID_PARAMS = 40002
RATE_LIMITED = 40100
TOKEN_EMPTY = 40104
TOKEN_INVALID = 40105
SYSTEM_ERROR = 50000


def new_request_id() -> str:
    """Shaped like the Business API's: a UTC timestamp then hex."""
    return time.strftime("%Y%m%d%H%M%S", time.gmtime()) + secrets.token_hex(12).upper()


def envelope(code: int, message: str, *, request_id: str | None = None, headers: dict | None = None) -> HttpResponse:
    return json_response({"code": code, "message": message, "request_id": request_id or new_request_id(), "data": {}}, headers=headers)


class TikTokEventsEmulator(ConversionDestination):
    name = "tiktok-events"
    title = "TikTok Events API 2.0 (event/track)"

    def default_options(self):
        return {"max_events": 1000, "revoked_tokens": [], "unknown_pixels": [], "qps": 0}

    def expired_token_response(self, request):
        return envelope(TOKEN_INVALID, "Access token is invalid or has expired.")

    def rate_limited_response(self, request, *, retry_after):
        return envelope(RATE_LIMITED, "Too many requests. Request exceeds the QPS limit.", headers={"Retry-After": str(retry_after)})

    def server_error_response(self, request, *, status):
        if status in (502, 503, 504):
            return super().server_error_response(request, status=status)
        # The Business API reports its own failures as HTTP 200 with code 50000.
        return envelope(SYSTEM_ERROR, "System error.")


tiktok_events = register(TikTokEventsEmulator())
register_conversion_controls(tiktok_events, unknown_option="unknown_pixels")


class InvalidParams(ValueError):
    pass


@tiktok_events.route("open_api/v1.3/event/track/", methods=("POST",), name="event-track")
@tiktok_events.route("open_api/v1.3/event/track", methods=("POST",), name="event-track-no-slash")
def event_track(request: HttpRequest) -> HttpResponse:
    token = request.headers.get("Access-Token", "").strip()
    if not token:
        return envelope(TOKEN_EMPTY, "Access token is null, please check the Access-Token header.")
    options = tiktok_events.options()
    if token in option_set(options, "revoked_tokens"):
        return envelope(TOKEN_INVALID, "Access token is invalid or has expired.")
    if qps_exceeded(emulator=tiktok_events.name, token=token, qps=options.get("qps")):
        return envelope(RATE_LIMITED, "Too many requests. Request exceeds the QPS limit.", headers={"Retry-After": "1"})
    try:
        body = json.loads(request.body or b"null")
    except ValueError:
        return envelope(INVALID_PARAMS, "Invalid JSON in the request body.")
    try:
        events = validate_track_body(body, max_events=int(options.get("max_events") or 1000))
    except InvalidParams as exc:
        return envelope(INVALID_PARAMS, str(exc))
    pixel = body["event_source_id"]
    if pixel in option_set(options, "unknown_pixels"):
        return envelope(NO_PERMISSION, f"No permission to operate pixel {pixel}. Check the pixel code and the access token's pixel access.")
    request_id = new_request_id()
    test_event_code = body.get("test_event_code") or ""
    receipts_record(
        emulator=tiktok_events.name,
        request_id=request_id,
        rows=((pixel, event.get("event_id") or "", event["event"], test_event_code) for event in events),
    )
    return envelope(OK, "OK", request_id=request_id)


def _optional_string(container: dict, key: str, where: str) -> None:
    value = container.get(key)
    if value is not None and not isinstance(value, str):
        raise InvalidParams(f"{where}{key}: must be a string")


def validate_track_body(body, *, max_events: int) -> list[dict]:
    """The body's events when it is valid; raises ``InvalidParams`` naming the first bad field."""
    if not isinstance(body, dict):
        raise InvalidParams("The request body must be a JSON object.")
    source = body.get("event_source")
    if source is None:
        raise InvalidParams("event_source: required")
    if source not in EVENT_SOURCES:
        raise InvalidParams(f"event_source: must be one of {', '.join(EVENT_SOURCES)} (got {source!r})")
    pixel = body.get("event_source_id")
    if not isinstance(pixel, str) or not pixel.strip():
        raise InvalidParams("event_source_id: required, the pixel code")
    for key in ("partner_name", "test_event_code"):
        _optional_string(body, key, "")
    events = body.get("data")
    if not isinstance(events, list) or not events:
        raise InvalidParams("data: required, a non-empty list of events")
    if len(events) > max_events:
        raise InvalidParams(f"data: at most {max_events} events per request (got {len(events)})")
    for index, event in enumerate(events):
        validate_event(event, f"data[{index}].")
    return events


def validate_event(event, where: str) -> None:
    if not isinstance(event, dict):
        raise InvalidParams(f"{where[:-1]}: must be an object")
    name = event.get("event")
    if name is None or name == "":
        raise InvalidParams(f"{where}event: required")
    if not isinstance(name, str):
        raise InvalidParams(f"{where}event: must be a string")
    event_time = event.get("event_time")
    if event_time is None:
        raise InvalidParams(f"{where}event_time: required")
    if isinstance(event_time, bool) or not isinstance(event_time, int) or not EVENT_TIME_RANGE[0] <= event_time < EVENT_TIME_RANGE[1]:
        raise InvalidParams(f"{where}event_time: must be unix seconds (integer), got {event_time!r}")
    _optional_string(event, "event_id", where)
    user = event.get("user")
    if user is not None:
        if not isinstance(user, dict):
            raise InvalidParams(f"{where}user: must be an object")
        for key in HASHED_USER_FIELDS:
            if key in user and user[key] is not None:
                problem = hashed_values_problem(user[key])
                if problem:
                    raise InvalidParams(f"{where}user.{key}: {problem}")
        for key in PLAIN_USER_FIELDS:
            _optional_string(user, key, f"{where}user.")
    page = event.get("page")
    if page is not None:
        if not isinstance(page, dict):
            raise InvalidParams(f"{where}page: must be an object")
        for key in ("url", "referrer"):
            _optional_string(page, key, f"{where}page.")
    properties = event.get("properties")
    if properties is not None:
        if not isinstance(properties, dict):
            raise InvalidParams(f"{where}properties: must be an object")
        problem = money_problem(properties)
        if problem == "value":
            raise InvalidParams(f"{where}properties.value: must be a number")
        if problem == "currency":
            raise InvalidParams(f"{where}properties.currency: must be an ISO 4217 code such as USD")
