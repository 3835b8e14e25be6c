"""Walk every URL pattern as tenant B against tenant A's rows, and report every leak.

Routes come from ``django.urls.get_resolver()`` (includes followed), so a route added anywhere
is walked without a new test. Path parameters are filled with tenant A's values (ids, numbers,
uuids, sentinels; see ``factories``), each URL checked to resolve back to the route it came
from. Every response body is read in full (streamed exports too, zip containers such as XLSX
unpacked) and searched for A's sentinels and secrets.

A leak is: an A sentinel in any response; a 2xx for a URL holding an A value; a write (POST,
PUT, PATCH, DELETE) answered with anything but a refusal; or any change to A's rows.
"""

from __future__ import annotations

import gzip
import io
import itertools
import json
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern
from django.utils.regex_helper import normalize
from rest_framework.views import APIView

from tests.isolation.factories import TenantWorld, Value, snapshot

SKIPPED_PREFIXES = ("/sandbox/",)
SKIPPED_VIEWS = {"django.views.static.serve", "django.contrib.staticfiles.views.serve"}
MAX_URLS_PER_ROUTE = 100
MAX_REDIRECTS = 3

# GETs of parameterless pages: plain, as an htmx partial, as JSON, and as the usual exports.
PAGE_VARIANTS = (
    ("", {}),
    ("", {"HTTP_HX_REQUEST": "true"}),
    ("", {"HTTP_ACCEPT": "application/json"}),
    ("?export=csv", {}),
    ("?export=xlsx", {}),
    ("?format=csv", {}),
)
# The same on object URLs, minus the export query strings (the object lookup comes first).
OBJECT_PAGE_VARIANTS = PAGE_VARIANTS[:3]

_ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
_LITERAL_ALTERNATION = re.compile(r"^[\w-]+(\|[\w-]+)*$")


# --- Routes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    name: str
    converter: object | None = None  # path converter of a path() route
    literals: tuple[str, ...] = ()  # the alternatives of a regex group like (?P<app>auth|core)


@dataclass
class Route:
    display: str  # "/api/sync-runs/<int:pk>/"
    route: str  # as ResolverMatch.route reports it
    template: str  # "/api/sync-runs/{pk}/"
    params: list[Param]
    callback: Callable
    kind: str  # "admin" | "api" | "page"

    def urls(self, world: TenantWorld) -> list[tuple[str, list[str]]]:
        """Concrete URLs for this route with ``world``'s values: (path, the world's values in it).
        Parameters that only take literals (``(?P<app_label>auth|core)``) hold no value."""
        per_param = [_candidates(param, world) for param in self.params]
        if any(not options for options in per_param):
            return []
        combos = list(itertools.islice(itertools.product(*per_param), MAX_URLS_PER_ROUTE + 1))
        if len(combos) > MAX_URLS_PER_ROUTE:
            # Too many combinations: still use every value of every parameter once.
            longest = max(len(options) for options in per_param)
            combos = [tuple(options[i % len(options)] for options in per_param) for i in range(longest)]
        urls = []
        for combo in combos:
            path = self.template.format(**{p.name: value.text for p, value in zip(self.params, combo, strict=True)})
            if self._resolves_here(path):
                urls.append((path, [value.text for value in combo if value.origin != "literal"]))
        return urls

    def _resolves_here(self, path: str) -> bool:
        try:
            match = resolve(path)
        except Resolver404:
            return False
        return match.func is self.callback and match.route == self.route


def _candidates(param: Param, world: TenantWorld) -> list[Value]:
    if param.literals:
        return [Value(literal, "literal") for literal in param.literals]
    by_name = list(world.values_by_field.get(param.name, []))
    id_like = param.name in ("pk", "id", "object_id") or param.name.endswith(("_id", "_pk"))
    pool = by_name + (world.pks if id_like else [])
    if not pool:
        pool = world.all_values
    unique = list({value.text: value for value in pool}.values())
    if param.converter is None:
        return unique
    accepted = []
    for value in unique:
        if re.fullmatch(param.converter.regex, value.text):
            try:
                param.converter.to_python(value.text)
            except ValueError:
                continue
            accepted.append(value)
    return accepted


def _pattern_parts(pattern) -> tuple[str, list[Param], str]:
    """(format template piece, its parameters, route string) of one pattern."""
    if isinstance(pattern, RoutePattern):
        route = str(pattern)
        params = [Param(m["name"], pattern.converters.get(m["name"])) for m in _ROUTE_PARAM.finditer(route)]
        escaped = route.replace("{", "{{").replace("}", "}}")
        return _ROUTE_PARAM.sub(lambda m: "{" + m["name"] + "}", escaped), params, route
    if isinstance(pattern, RegexPattern):
        regex = pattern._regex
        template, names = normalize(regex)[0]
        params = []
        for name in names:
            group = re.search(rf"\(\?P<{re.escape(name)}>([^()]*)\)", regex)
            literals = tuple(group[1].split("|")) if group and _LITERAL_ALTERNATION.match(group[1]) else ()
            params.append(Param(name, None, literals))
        escaped = template.replace("{", "{{").replace("}", "}}")
        return re.sub(r"%\((\w+)\)s", r"{\1}", escaped).replace("%%", "%"), params, str(pattern)
    if isinstance(pattern, LocalePrefixPattern):
        return pattern.language_prefix, [], str(pattern)
    raise TypeError(f"Unknown URL pattern type {type(pattern).__name__}")


def _join_route(route1: str, route2: str) -> str:
    # As django.urls.resolvers.URLResolver._join_route does when building ResolverMatch.route.
    if not route1:
        return route2
    return route1 + route2.removeprefix("^")


def _route_kind(chain, callback) -> str:
    if any(isinstance(p, URLResolver) and p.app_name == "admin" for p in chain):
        return "admin"
    view_class = getattr(callback, "cls", None)
    if view_class is not None and issubclass(view_class, APIView):
        return "api"
    return "page"


def collect_routes() -> list[Route]:
    """Every route of the active URLconf, except the sandbox, static files and media."""
    routes: list[Route] = []

    def walk(patterns, chain, template, route, params, display):
        for entry in patterns:
            piece, piece_params, piece_route = _pattern_parts(entry.pattern)
            shown = display + (piece_route.lstrip("^").rstrip("$") if isinstance(entry.pattern, RegexPattern) else piece_route)
            if shown.startswith(SKIPPED_PREFIXES) or _is_static(shown):
                continue
            joined = _join_route(route, piece_route)
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, (*chain, entry), template + piece, joined, params + piece_params, shown)
            elif isinstance(entry, URLPattern):
                if f"{entry.callback.__module__}.{entry.callback.__name__}" in SKIPPED_VIEWS:
                    continue
                routes.append(
                    Route(
                        shown, joined, template + piece, params + piece_params, entry.callback, _route_kind((*chain, entry), entry.callback)
                    )
                )

    walk(get_resolver().url_patterns, (), "/", "", [], "/")
    return routes


def _is_static(path: str) -> bool:
    prefixes = [settings.STATIC_URL, getattr(settings, "MEDIA_URL", "")]
    return any(prefix and path.startswith("/" + prefix.lstrip("/")) for prefix in prefixes if prefix and prefix != "/")


# --- Responses ------------------------------------------------------------------------------


def read_body(response) -> str:
    """The whole body as text: streams consumed, gzip inflated, zip members (XLSX) unpacked."""
    if getattr(response, "streaming", False):
        chunks = [chunk if isinstance(chunk, bytes) else str(chunk).encode() for chunk in response.streaming_content]
        raw = b"".join(chunks)  # the test client closes the response once the stream is drained
    else:
        raw = response.content
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    if raw[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            raw = b"\n".join(archive.read(name) for name in archive.namelist())
    return raw.decode("utf-8", errors="replace")


class LeakDetector:
    """Finds the victim world's sentinels and secrets in text, case-insensitively."""

    def __init__(self, victim: TenantWorld):
        self.marker = victim.marker.lower()
        self.marker_pattern = re.compile(re.escape(victim.marker) + r"[\w.@-]*", re.IGNORECASE)
        self.short = {s.lower() for s in victim.sentinels if s.startswith(f"LC{victim.tag}")}
        self.short_pattern = re.compile(rf"lc{victim.tag.lower()}\d{{5}}")
        self.verbatim = sorted({s.lower() for s in victim.secrets if s})  # key material, uuids

    def find(self, text: str) -> list[str]:
        lowered = text.lower()
        found = list(dict.fromkeys(self.marker_pattern.findall(text)))
        found += [m for m in self.short_pattern.findall(lowered) if m in self.short]
        found += [secret for secret in self.verbatim if secret in lowered]
        return found


# --- The walk -------------------------------------------------------------------------------


@dataclass
class Principal:
    name: str
    client: Client
    kinds: tuple[str, ...]  # the route kinds this principal walks
    headers: dict = field(default_factory=dict)
    login: Callable[[], None] | None = None  # re-establishes the session if a route ended it

    def ensure_logged_in(self) -> None:
        if self.login is not None and "_auth_user_id" not in self.client.session:
            self.login()


@dataclass
class RouteReport:
    route: Route
    requests: int = 0
    statuses: Counter = field(default_factory=Counter)
    victim_urls: int = 0
    own_hits: int = 0


@dataclass
class WalkReport:
    routes: list[RouteReport] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return sum(r.requests for r in self.routes)

    @property
    def parameterized_routes(self) -> int:
        """Routes walked with the victim's values in their path."""
        return sum(1 for r in self.routes if r.victim_urls)

    @property
    def own_object_routes(self) -> int:
        """Parameterized routes that answered 200 for the actor's own object: the control that
        proves the substitution reaches real views."""
        return sum(1 for r in self.routes if r.own_hits)

    def summary(self) -> str:
        lines = [
            f"isolation walk: {len(self.routes)} routes, {self.parameterized_routes} parameterized with the victim's values, "
            f"{self.own_object_routes} answered 200 for the actor's own objects, {self.requests} requests, {len(self.failures)} failures"
        ]
        for r in self.routes:
            statuses = " ".join(f"{status}×{n}" for status, n in sorted(r.statuses.items(), key=lambda item: str(item[0])))
            extra = f" victim-urls={r.victim_urls} own-200={r.own_hits}" if r.route.params else ""
            lines.append(f"  [{r.route.kind:5}] {r.route.display:70} {statuses}{extra}")
        return "\n".join(lines)


class Walker:
    def __init__(self, *, victim: TenantWorld, actor: TenantWorld, principals: Iterable[Principal]):
        self.victim = victim
        self.actor = actor
        self.principals = list(principals)
        self.detector = LeakDetector(victim)
        self.report = WalkReport()

    def run(self, routes: list[Route] | None = None) -> WalkReport:
        before = snapshot(self.victim)
        for route in routes if routes is not None else collect_routes():
            principals = [p for p in self.principals if route.kind in p.kinds]
            if not principals:
                continue
            entry = RouteReport(route)
            self.report.routes.append(entry)
            for principal in principals:
                principal.ensure_logged_in()  # in case the previous route ended the session
            if route.params:
                self._walk_parameterized(route, principals, entry)
                after = snapshot(self.victim)
                if after != before:
                    self.report.failures.append(f"{route.display}: tenant {self.victim.tag}'s rows changed: {_diff(before, after)}")
                    before = after
            else:
                for principal in principals:
                    for query, headers in _variants(route, principal, PAGE_VARIANTS):
                        self._request(entry, principal, "get", route.template + query, headers)
        return self.report

    def _walk_parameterized(self, route: Route, principals: list[Principal], entry: RouteReport) -> None:
        urls = route.urls(self.victim)
        victim_urls = [(url, values) for url, values in urls if values]
        entry.victim_urls = len(victim_urls)
        for url in (url for url, values in urls if not values):  # literal-only parameters
            for principal in principals:
                for query, headers in _variants(route, principal, OBJECT_PAGE_VARIANTS):
                    self._request(entry, principal, "get", url + query, headers)
        for url, values in victim_urls:
            for principal in principals:
                for query, headers in _variants(route, principal, OBJECT_PAGE_VARIANTS):
                    response = self._request(entry, principal, "get", url + query, headers)
                    final = self._follow(entry, principal, response, values)
                    if final is not None and 200 <= final.status_code < 300 and final.walked_body:
                        self._fail(principal, "GET", url + query, f"answered {final.status_code} for tenant {self.victim.tag}'s value")
                for method in _write_methods(route.kind, principal):
                    response = self._request(entry, principal, method, url, {})
                    if response is not None and not _refused(route.kind, response, self._follow(entry, principal, response, values)):
                        self._fail(principal, method.upper(), url, f"answered {response.status_code} instead of refusing")
        # Control: the same route with the actor's own values must reach a view that answers.
        for url, values in route.urls(self.actor):
            response = self._request(entry, principals[0], "get", url, {}) if values else None
            if response is not None and response.status_code == 200:
                entry.own_hits += 1
                break

    def _follow(self, entry: RouteReport, principal: Principal, response, values: list[str]):
        """Follow redirects that carry one of the victim's values (the admin's ``<id>/`` →
        ``<id>/change/``): where they lead decides. Other redirects are answers in themselves."""
        for _ in range(MAX_REDIRECTS):
            if response is None or not 300 <= response.status_code < 400:
                return response
            location = urlsplit(response.headers.get("Location", ""))
            if location.netloc not in ("", "testserver") or not any(value in location.path for value in values):
                return response
            response = self._request(entry, principal, "get", location.path + (f"?{location.query}" if location.query else ""), {})
        return response

    def _request(self, entry: RouteReport, principal: Principal, method: str, url: str, headers: dict):
        kwargs = {**principal.headers, **headers}
        if method in ("put", "patch", "delete") or (method == "post" and entry.route.kind == "api"):
            kwargs.update(data="{}", content_type="application/json")
        elif method == "post":
            kwargs["data"] = {"post": "yes"} if entry.route.kind == "admin" else {}
        entry.requests += 1
        try:
            # A savepoint per request: a database error in one view can't poison the rest.
            with transaction.atomic():
                response = getattr(principal.client, method)(url, **kwargs)
                body = read_body(response)
                response.walked_body = body
        except Exception as exc:  # a crash is a finding, the walk goes on
            entry.statuses["exc"] += 1
            self._fail(principal, method.upper(), url, f"raised {type(exc).__name__}: {exc}")
            return None
        entry.statuses[response.status_code] += 1
        headers_text = " ".join(f"{k}: {v}" for k, v in response.headers.items())
        leaks = self.detector.find(body + "\n" + headers_text)
        if leaks:
            self._fail(principal, method.upper(), url, f"{response.status_code} shows tenant {self.victim.tag}'s data: {leaks[:3]}")
        return response

    def _fail(self, principal: Principal, method: str, url: str, what: str) -> None:
        self.report.failures.append(f"{method} {url} as {principal.name}: {what}")


def _variants(route: Route, principal: Principal, page_variants):
    """Pages are requested in every variant by sessions; API routes, admin pages and pages
    requested with an API key (which pages don't accept) once, plainly."""
    if route.kind == "page" and principal.login is not None:
        return page_variants
    return (("", {}),)


def _write_methods(kind: str, principal: Principal) -> tuple[str, ...]:
    if kind == "api":
        return ("post", "put", "patch", "delete")
    if kind == "admin":
        return ("post",)
    return ("post",) if principal.login is not None else ()  # pages take writes from sessions only


def _refused(kind: str, response, final) -> bool:
    """Whether a write was refused. ``final`` is where its redirects carrying the victim's value
    led (``response`` itself when there were none)."""
    status = response.status_code
    if status in (403, 404, 405):
        return True
    if status == 400:
        if kind != "api":
            return True  # a form refused before the lookup; the row snapshot proves nothing changed
        # Input validated before the lookup: refused without touching the object.
        try:
            code = json.loads(response.walked_body)["error"]["code"]
        except (ValueError, KeyError, TypeError):
            return False
        return code in ("invalid", "malformed_request")
    if 300 <= status < 400:
        # The admin answers a missing object with a redirect to its index; a redirect to the
        # object is fine only if the object page refuses in turn.
        return final is not None and not 200 <= final.status_code < 300
    return False


def _diff(before: dict, after: dict) -> str:
    changed = []
    for label in before:
        if before[label] != after.get(label):
            changed.append(f"{label}: {len(before[label])} row(s) before, {len(after.get(label, []))} after")
    return "; ".join(changed)
