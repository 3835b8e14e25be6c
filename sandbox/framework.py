"""The emulator framework: a registry of emulators and the request pipeline every emulator view
runs through.

An emulator is a subclass of ``Emulator`` registered once; its views are declared with
``@emulator.route(...)`` at the platform's real paths and are mounted at ``/sandbox/<name>/``::

    class AcmeEmulator(Emulator):
        name = "acme"
        record_requests = True

        def expired_token_response(self, request):
            return json_response({"code": 40105, "message": "Access token expired"}, status=401)

    acme = register(AcmeEmulator())

    @acme.route("v1/items/", methods=("GET",))
    def items(request):
        ...

Modules in ``sandbox/emulators/`` are imported at start-up, so adding a platform is adding a
module there. Every routed view gets, before the handler runs: the method check, faults (the
``X-Sandbox-Fault`` header, else the emulator's stored config, see ``sandbox.faults``), standing
latency; and after: the fault header on the response and the request record when the emulator
opts in.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import json
import pkgutil
import re
import time
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, path, re_path
from django.views.decorators.csrf import csrf_exempt

from sandbox.faults import APPLIED_HEADER, FAULT_HEADER, RATE_LIMITED, FaultSet, FaultSpecError
from sandbox.selectors import emulator_state_get
from sandbox.services import counter_increment, emulator_faults_consume, received_request_record

# Set in the WSGI environ by the in-process test bridge (never reachable from HTTP headers):
# delays are then reported on the response instead of slept, and the bridge applies the
# client's timeout to them.
IN_PROCESS_KEY = "sandbox.in_process"
SANDBOX_ERROR_HEADER = "X-Sandbox-Error"

ViewFunc = Callable[..., HttpResponse]
# Emulator names are URL segments (``/sandbox/tiktok-shop/``), so hyphens are allowed.
NAME = re.compile(r"[a-z][a-z0-9_-]*")
E = TypeVar("E", bound="Emulator")


# --- Responses ----------------------------------------------------------------------------


def json_response(data: Any, *, status: int = 200, headers: dict[str, str] | None = None) -> HttpResponse:
    """Compact JSON, UTF-8, as upstream APIs send it."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return HttpResponse(body, status=status, content_type="application/json", headers=headers)


def sandbox_error_response(message: str, *, status: int = 400) -> HttpResponse:
    """An error of the sandbox itself (a bad fault spec), never shaped like a platform's."""
    return json_response({"sandbox_error": message}, status=status, headers={SANDBOX_ERROR_HEADER: message[:200]})


class MalformedBody(ValueError):
    """The request body doesn't parse (invalid JSON, or JSON that isn't an object)."""


def request_params(request: HttpRequest) -> dict[str, Any]:
    """Query parameters merged with the body's (JSON object, urlencoded form or multipart).

    Many upstream APIs accept a parameter in either place (Telegram takes all of them); body
    values win. Raises ``MalformedBody`` for a JSON body that isn't an object.
    """
    params: dict[str, Any] = dict(request.GET.items())
    content_type = request.content_type or ""
    if content_type == "application/json" or content_type.endswith("+json"):
        raw = request.body
        if raw.strip():
            try:
                data = json.loads(raw)
            except ValueError as exc:
                raise MalformedBody(f"invalid JSON: {exc}") from exc
            if not isinstance(data, dict):
                raise MalformedBody("the JSON body must be an object")
            params.update(data)
    elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        params.update(request.POST.items())
    return params


# --- Emulators ----------------------------------------------------------------------------


class Emulator:
    """Base of every emulator. Subclasses set ``name`` and override the hooks whose shape is
    platform-specific (at least ``expired_token_response``)."""

    name: str = ""
    title: str = ""
    # Keep a ReceivedRequest per request (outbound destinations need it in tests).
    record_requests: bool = False
    # Added to sandbox.services.SECRET_HEADERS / SECRET_FIELDS when recording.
    secret_headers: tuple[str, ...] = ()
    secret_fields: tuple[str, ...] = ()

    def __init__(self) -> None:
        if not NAME.fullmatch(self.name or ""):
            raise ImproperlyConfigured(f"{type(self).__name__}.name must be lowercase letters, digits, '_' or '-', not {self.name!r}.")
        self._patterns: list[URLPattern] = []
        self._control_patterns: list[URLPattern] = []

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"

    # --- routes ---

    def route(self, route: str, *, methods: Iterable[str] | None = ("GET",), name: str | None = None, regex: bool = False):
        """Declare a view at ``route`` (relative to ``/sandbox/<name>/``; ``regex`` for re_path).
        ``methods=None`` accepts any method. Returns the view undecorated, for direct tests."""
        allowed = None if methods is None else tuple(method.upper() for method in methods)

        def decorator(view: ViewFunc) -> ViewFunc:
            @functools.wraps(view)
            def wrapped(request, *args, **kwargs):
                return handle_request(self, view, allowed, request, *args, **kwargs)

            make = re_path if regex else path
            self._patterns.append(make(route, csrf_exempt(wrapped), name=name or view.__name__))
            return view

        return decorator

    @property
    def urlpatterns(self) -> list[URLPattern]:
        return list(self._patterns)

    def control_route(self, route: str, *, methods: Iterable[str] = ("POST",), name: str | None = None):
        """Declare an emulator-specific control view at ``/sandbox/_control/<name>/<route>`` (a
        clock, data changes, pushes), behind the control API's token check and error shape."""

        def decorator(view: ViewFunc) -> ViewFunc:
            from sandbox.control import control_endpoint  # the control module imports this one

            self._control_patterns.append(path(route, control_endpoint(*methods)(view), name=name or view.__name__))
            return view

        return decorator

    @property
    def control_urlpatterns(self) -> list[URLPattern]:
        return list(self._control_patterns)

    # --- configuration ---

    def default_options(self) -> dict[str, Any]:
        """Options in effect when the stored config doesn't set them."""
        return {}

    def options(self) -> dict[str, Any]:
        return {**self.default_options(), **emulator_state_get(emulator=self.name).options}

    def reset(self) -> None:
        """Drop emulator-specific state kept outside the sandbox tables (none by default)."""

    def mask_path(self, request_path: str) -> str:
        """The path as recorded; emulators whose paths carry secrets mask them here."""
        return request_path

    # --- platform-shaped errors (override to match the platform) ---

    def expired_token_response(self, request: HttpRequest) -> HttpResponse:
        return json_response({"error": {"code": "token_expired", "message": "The access token has expired."}}, status=401)

    def rate_limited_response(self, request: HttpRequest, *, retry_after: int) -> HttpResponse:
        return json_response(
            {"error": {"code": "rate_limited", "message": "Too many requests."}},
            status=RATE_LIMITED,
            headers={"Retry-After": str(retry_after)},
        )

    def server_error_response(self, request: HttpRequest, *, status: int) -> HttpResponse:
        """500 is the platform failing (JSON); 502/503/504 come from a gateway in front of it,
        which answers with an HTML page: clients must not assume error bodies are JSON."""
        if status in (502, 503, 504):
            return gateway_error_response(status)
        return json_response({"error": {"code": "internal_error", "message": "Internal server error."}}, status=status)

    def method_not_allowed_response(self, request: HttpRequest, *, allowed: tuple[str, ...]) -> HttpResponse:
        return HttpResponseNotAllowed(allowed)


def gateway_error_response(status: int) -> HttpResponse:
    phrase = f"{status} {HTTPStatus(status).phrase}"
    page = f"<html>\r\n<head><title>{phrase}</title></head>\r\n<body>\r\n<center><h1>{phrase}</h1></center>\r\n</body>\r\n</html>\r\n"
    return HttpResponse(page, status=status, content_type="text/html")


# --- Registry -----------------------------------------------------------------------------

_registry: dict[str, Emulator] = {}


def register(emulator: E) -> E:
    existing = _registry.get(emulator.name)
    if existing is not None and existing is not emulator:
        raise ImproperlyConfigured(f"Two emulators are named {emulator.name!r}: {existing!r} and {emulator!r}.")
    _registry[emulator.name] = emulator
    return emulator


def get_emulator(name: str) -> Emulator:
    try:
        return _registry[name]
    except KeyError:
        raise LookupError(f"No emulator named {name!r}.") from None


def emulators() -> list[Emulator]:
    return [_registry[name] for name in sorted(_registry)]


def autodiscover() -> None:
    """Import every module of ``sandbox.emulators`` so their emulators register."""
    import sandbox.emulators as package

    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{module.name}")


# --- The pipeline -------------------------------------------------------------------------


class _Delay:
    """Sleeps on a real server; in-process (test bridge) only adds up, for the bridge to judge
    against the client's timeout."""

    def __init__(self, request: HttpRequest):
        self.in_process = bool(request.META.get(IN_PROCESS_KEY))
        self.total_ms = 0

    def wait(self, ms: int) -> None:
        if ms <= 0:
            return
        ms = min(ms, int(settings.SANDBOX_MAX_DELAY_MS))
        self.total_ms += ms
        if not self.in_process:
            time.sleep(ms / 1000)

    def report(self, response: HttpResponse) -> None:
        if self.in_process:
            response.sandbox_delay_ms = self.total_ms


def handle_request(emulator: Emulator, view: ViewFunc, allowed: tuple[str, ...] | None, request: HttpRequest, *args, **kwargs):
    if allowed is not None and request.method not in allowed:
        return emulator.method_not_allowed_response(request, allowed=allowed)
    # Read the body before the handler: a multipart body can't be re-read after request.POST.
    body = _body_text(request) if emulator.record_requests else ""
    try:
        faults, standing_latency_ms = _faults_for(emulator, request)
    except FaultSpecError as exc:
        return sandbox_error_response(str(exc))

    delay = _Delay(request)
    delay.wait(standing_latency_ms + (faults.latency_ms if faults else 0))
    response = _respond(emulator, view, faults, request, args, kwargs)
    applied = faults.without_times().describe() if faults else ""
    if applied:
        response[APPLIED_HEADER] = applied
    if emulator.record_requests:
        received_request_record(emulator=emulator, request=request, body=body, status=response.status_code, fault=applied)
    if faults and faults.slow_ms:
        delay.wait(faults.slow_ms)
    delay.report(response)
    if not response.streaming and not response.has_header("Content-Length"):
        # Without it Django's server closes the connection after each response: a client
        # paging through thousands of calls would pay a new connection (and thread) each time.
        response["Content-Length"] = str(len(response.content))
    # An emulated 4xx/5xx is the sandbox working as asked, not this server failing: keep it out
    # of django.request's error log (the flag is how Django marks a response already logged).
    response._has_been_logged = True
    return response


def _faults_for(emulator: Emulator, request: HttpRequest) -> tuple[FaultSet | None, int]:
    """The faults for this request: the header's when present, else the emulator's config."""
    state = emulator_state_get(emulator=emulator.name)
    spec = request.headers.get(FAULT_HEADER, "").strip()
    if spec:
        try:
            faults = FaultSet.parse(spec)
        except FaultSpecError as exc:
            raise FaultSpecError(f"{FAULT_HEADER}: {exc}") from exc
        if faults.is_empty:
            return None, state.latency_ms
        if faults.times is not None:
            # The first N requests carrying this spec get it, so a client resending the same
            # header on its retries sees N failures and then success.
            key = "fault-header:" + hashlib.sha256(faults.describe().encode()).hexdigest()[:40]
            if counter_increment(emulator=emulator.name, key=key, limit=faults.times) is None:
                return None, state.latency_ms
        return faults, state.latency_ms
    if state.faults_active and (state.remaining is None or emulator_faults_consume(emulator=emulator.name)):
        return state.faults, state.latency_ms
    return None, state.latency_ms


def _respond(emulator: Emulator, view: ViewFunc, faults: FaultSet | None, request: HttpRequest, args, kwargs) -> HttpResponse:
    if faults is not None and faults.status == RATE_LIMITED:
        retry_after = faults.effective_retry_after
        response = emulator.rate_limited_response(request, retry_after=retry_after)
        response.setdefault("Retry-After", str(retry_after))
        return response
    if faults is not None and faults.status:
        return emulator.server_error_response(request, status=faults.status)
    if faults is not None and faults.expired_token:
        return emulator.expired_token_response(request)
    response = view(request, *args, **kwargs)
    if faults is not None and faults.malformed:
        return _truncated(response)
    return response


def _truncated(response: HttpResponse) -> HttpResponse:
    """The handler's answer cut in half, as 200: a body that starts right and doesn't parse."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    cut = content[: len(content) // 2] if len(content) > 1 else b"{"
    return HttpResponse(cut, status=200, content_type=response.get("Content-Type", "application/json"))


def _body_text(request: HttpRequest) -> str:
    content_type = request.content_type or ""
    if content_type.startswith("multipart/"):
        length = request.META.get("CONTENT_LENGTH") or "?"
        return f"<multipart body, {length} bytes>"
    try:
        raw = request.body
    except RequestDataTooBig:
        return f"<body over DATA_UPLOAD_MAX_MEMORY_SIZE, {request.META.get('CONTENT_LENGTH', '?')} bytes>"
    return raw.decode("utf-8", errors="replace")
