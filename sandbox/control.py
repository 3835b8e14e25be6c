"""The JSON control API, under ``/sandbox/_control/``.

    GET    /sandbox/_control/                     emulators and their config
    POST   /sandbox/_control/reset/               reset every emulator
    GET    /sandbox/_control/<emulator>/          config: faults, remaining, latency_ms, options
    GET    /sandbox/_control/<emulator>/faults/   the faults
    PUT    /sandbox/_control/<emulator>/faults/   {"status": 503, "times": 2}  (see sandbox.faults)
    DELETE /sandbox/_control/<emulator>/faults/   clear the faults
    GET    /sandbox/_control/<emulator>/config/   the config
    PUT    /sandbox/_control/<emulator>/config/   {"latency_ms": 300, "options": {...}} (keys optional)
    GET    /sandbox/_control/<emulator>/requests/ ?limit=100&after_id=N: what it received, oldest first
    POST   /sandbox/_control/<emulator>/reset/    faults, options, record and counters back to nothing

Every call needs ``settings.SANDBOX_CONTROL_TOKEN`` in ``X-Sandbox-Control-Token`` (compared in
constant time): a missing or wrong token is a 403 ``forbidden``. Outside ``DEBUG`` the API fails
closed: with no token configured every call is a 403 ``control_token_not_configured``. Only a
``DEBUG`` configuration may leave the token empty, and then the API is open
(``settings.SANDBOX_CONTROL_OPEN``, decided with the settings). Errors use the product API's
shape: ``{"error": {"code", "message"}}``.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt

from core.exceptions import ApplicationError
from sandbox.framework import emulators, get_emulator, json_response
from sandbox.models import ReceivedRequest
from sandbox.selectors import emulator_config_describe, received_request_list
from sandbox.services import emulator_config_update, emulator_faults_clear, emulator_faults_set, emulator_reset

CONTROL_TOKEN_HEADER = "X-Sandbox-Control-Token"
MAX_LIST_LIMIT = 1000


def _error(code: str, message: str, status: int) -> HttpResponse:
    return json_response({"error": {"code": code, "message": message}}, status=status)


def control_token_refusal(request: HttpRequest) -> HttpResponse | None:
    """The 403 for a call without the right control token, or None when it may go on."""
    expected = settings.SANDBOX_CONTROL_TOKEN
    if not expected:
        if settings.SANDBOX_CONTROL_OPEN:
            return None
        return _error(
            "control_token_not_configured",
            "The sandbox control API is closed: outside DEBUG it needs SANDBOX_CONTROL_TOKEN to be set, "
            f"and every call to send it in {CONTROL_TOKEN_HEADER}.",
            403,
        )
    given = request.headers.get(CONTROL_TOKEN_HEADER, "")
    if not given or not constant_time_compare(given, expected):
        what = "a wrong" if given else "no"
        return _error("forbidden", f"The sandbox control API needs {CONTROL_TOKEN_HEADER}; this call sent {what} token.", 403)
    return None


def control_endpoint(*methods: str):
    """Method check, control token, known emulator, ApplicationError → JSON error."""

    def decorator(view):
        @csrf_exempt
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            refused = control_token_refusal(request)
            if refused is not None:
                return refused
            if request.method not in methods:
                response = _error("method_not_allowed", f"Use {', '.join(methods)}.", 405)
                response["Allow"] = ", ".join(methods)
                return response
            if "emulator" in kwargs:
                try:
                    get_emulator(kwargs["emulator"])
                except LookupError as exc:
                    return _error("unknown_emulator", str(exc), 404)
            try:
                return view(request, *args, **kwargs)
            except ApplicationError as exc:
                return _error(exc.code, exc.message, exc.status)

        return wrapped

    return decorator


def _json_object(request: HttpRequest) -> dict:
    try:
        data = json.loads(request.body or b"{}")
    except ValueError as exc:
        raise ApplicationError(f"The body must be JSON: {exc}", code="invalid_json")
    if not isinstance(data, dict):
        raise ApplicationError("The body must be a JSON object.", code="invalid_json")
    return data


def _clock_integer(data: dict, name: str, *, nullable: bool = False) -> int | None:
    value = data.get(name)
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApplicationError(f"{name} must be an integer{' or null' if nullable else ''}.", code="invalid_clock")
    return value


def emulator_clock_control(request: HttpRequest, *, emulator: str, now: Callable[[], int]) -> HttpResponse:
    """GET/POST body of an emulator's ``clock`` control route: the ``clock_frozen_at`` and
    ``clock_offset_seconds`` options, which that emulator's ``now`` reads after the update."""
    options = emulator_config_describe(emulator=emulator)["options"]
    if request.method == "POST":
        data = _json_object(request)
        unknown = sorted(set(data) - {"frozen_at", "offset_seconds", "advance_seconds"})
        if unknown:
            raise ApplicationError(
                f"Unknown clock key {', '.join(unknown)}; use frozen_at, offset_seconds, advance_seconds.", code="invalid_clock"
            )
        if "frozen_at" in data:
            options["clock_frozen_at"] = _clock_integer(data, "frozen_at", nullable=True)
        if "offset_seconds" in data:
            options["clock_offset_seconds"] = _clock_integer(data, "offset_seconds")
        if "advance_seconds" in data:
            step = _clock_integer(data, "advance_seconds")
            # A frozen clock moves its frozen instant; a running one moves its offset.
            if options.get("clock_frozen_at") is not None:
                options["clock_frozen_at"] += step
            else:
                options["clock_offset_seconds"] = int(options.get("clock_offset_seconds") or 0) + step
        emulator_config_update(emulator=emulator, options=options)
    return json_response(
        {"now": now(), "offset_seconds": options.get("clock_offset_seconds") or 0, "frozen_at": options.get("clock_frozen_at")}
    )


def serialize_received(record: ReceivedRequest) -> dict:
    return {
        "id": record.id,
        "emulator": record.emulator,
        "method": record.method,
        "path": record.path,
        "query": record.query,
        "headers": record.headers,
        "body": record.body,
        "status": record.status,
        "fault": record.fault,
        "created_at": record.created_at.isoformat(),
    }


def index(request: HttpRequest) -> HttpResponse:
    """``/sandbox/``: what is emulated here, and where."""
    root = reverse("sandbox:index")
    return json_response(
        {
            "emulators": [{"name": e.name, "title": e.title, "path": f"{root}{e.name}/"} for e in emulators()],
            "control": reverse("sandbox:control-index"),
        }
    )


@control_endpoint("GET")
def control_index(request: HttpRequest) -> HttpResponse:
    return json_response({"emulators": [{"title": e.title, **emulator_config_describe(emulator=e.name)} for e in emulators()]})


@control_endpoint("POST")
def reset_all(request: HttpRequest) -> HttpResponse:
    emulator_reset()
    return json_response({"reset": [e.name for e in emulators()]})


@control_endpoint("GET")
def emulator_detail(request: HttpRequest, emulator: str) -> HttpResponse:
    return json_response(emulator_config_describe(emulator=emulator))


@control_endpoint("GET", "PUT", "DELETE")
def faults(request: HttpRequest, emulator: str) -> HttpResponse:
    if request.method == "PUT":
        emulator_faults_set(emulator=emulator, faults=_json_object(request))
    elif request.method == "DELETE":
        emulator_faults_clear(emulator=emulator)
    return json_response(emulator_config_describe(emulator=emulator))


@control_endpoint("GET", "PUT")
def config(request: HttpRequest, emulator: str) -> HttpResponse:
    if request.method == "PUT":
        data = _json_object(request)
        unknown = sorted(set(data) - {"latency_ms", "options"})
        if unknown:
            raise ApplicationError(f"Unknown config key {', '.join(unknown)}; use latency_ms and options.", code="invalid_config")
        emulator_config_update(emulator=emulator, latency_ms=data.get("latency_ms"), options=data.get("options"))
    return json_response(emulator_config_describe(emulator=emulator))


@control_endpoint("GET")
def received(request: HttpRequest, emulator: str) -> HttpResponse:
    try:
        limit = int(request.GET.get("limit", 100))
        after_id = int(request.GET["after_id"]) if request.GET.get("after_id") else None
    except ValueError:
        raise ApplicationError("limit and after_id must be integers.", code="invalid_query")
    if not 1 <= limit <= MAX_LIST_LIMIT:
        raise ApplicationError(f"limit must be between 1 and {MAX_LIST_LIMIT}.", code="invalid_query")
    records = received_request_list(emulator=emulator, limit=limit, after_id=after_id)
    return json_response({"emulator": emulator, "requests": [serialize_received(r) for r in records]})


@control_endpoint("POST")
def reset(request: HttpRequest, emulator: str) -> HttpResponse:
    emulator_reset(emulator=emulator)
    return json_response(emulator_config_describe(emulator=emulator))
