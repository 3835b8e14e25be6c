"""The emulator pipeline: faults per request and per emulator, delays, registry (sandbox.framework)."""

import json
import threading

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from sandbox import framework
from sandbox.framework import (
    IN_PROCESS_KEY,
    Emulator,
    MalformedBody,
    emulators,
    get_emulator,
    handle_request,
    json_response,
    register,
    request_params,
)
from sandbox.models import EmulatorConfig
from sandbox.selectors import emulator_state_cache_clear
from sandbox.services import emulator_config_update, emulator_faults_consume, emulator_faults_set

ECHO = "/sandbox/echo/v1/items"


class AcmeEmulator(Emulator):
    """Not registered: exercised through handle_request directly."""

    name = "acme"

    def expired_token_response(self, request):
        return json_response({"code": 105002, "message": "Expired credentials.", "data": None})


class Recorder:
    def __init__(self):
        self.events = []

    def view(self, request):
        self.events.append("handler")
        return json_response({"code": 0, "data": {"items": [1, 2, 3]}})

    def sleep(self, seconds):
        self.events.append(("sleep", seconds))


@pytest.fixture
def acme(monkeypatch):
    recorder = Recorder()
    monkeypatch.setattr(framework.time, "sleep", recorder.sleep)
    emulator = AcmeEmulator()
    factory = RequestFactory()

    def call(fault: str = "", *, method: str = "get", in_process: bool = False, allowed=("GET",)):
        headers = {"X-Sandbox-Fault": fault} if fault else {}
        extra = {IN_PROCESS_KEY: True} if in_process else {}
        request = getattr(factory, method)("/sandbox/acme/v1/items", headers=headers, **extra)
        return handle_request(emulator, recorder.view, allowed, request)

    call.recorder = recorder
    return call


@pytest.fixture
def slept(monkeypatch):
    calls = []
    monkeypatch.setattr(framework.time, "sleep", calls.append)
    return calls


# --- Each fault ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_no_fault_runs_the_handler(acme):
    response = acme()
    assert response.status_code == 200 and json.loads(response.content) == {"code": 0, "data": {"items": [1, 2, 3]}}
    assert "X-Sandbox-Fault-Applied" not in response
    assert acme.recorder.events == ["handler"]


@pytest.mark.django_db
@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_answer_instead_of_the_handler(acme, status):
    response = acme(f"status={status}")
    assert response.status_code == status
    assert response["X-Sandbox-Fault-Applied"] == f"status={status}"
    assert acme.recorder.events == []


@pytest.mark.django_db
def test_default_error_shapes(acme):
    internal = acme("status=500")
    assert json.loads(internal.content) == {"error": {"code": "internal_error", "message": "Internal server error."}}
    gateway = acme("status=503")
    assert gateway["Content-Type"] == "text/html"
    assert gateway.content.decode() == (
        "<html>\r\n<head><title>503 Service Unavailable</title></head>\r\n<body>\r\n"
        "<center><h1>503 Service Unavailable</h1></center>\r\n</body>\r\n</html>\r\n"
    )
    limited = acme("status=429")
    assert limited.status_code == 429 and limited["Retry-After"] == "1"
    assert json.loads(limited.content) == {"error": {"code": "rate_limited", "message": "Too many requests."}}
    assert acme("status=429;retry_after=7")["Retry-After"] == "7"


@pytest.mark.django_db
def test_expired_token_uses_the_emulators_hook(acme):
    response = acme("expired_token")
    assert response.status_code == 200  # TikTok Shop reports auth errors in a 200 envelope
    assert json.loads(response.content) == {"code": 105002, "message": "Expired credentials.", "data": None}
    assert acme.recorder.events == []


@pytest.mark.django_db
def test_malformed_runs_the_handler_and_cuts_the_body(acme):
    full = acme().content
    acme.recorder.events.clear()
    response = acme("malformed")
    assert response.status_code == 200
    assert response.content == full[: len(full) // 2] == b'{"code":0,"data":'
    with pytest.raises(ValueError):
        json.loads(response.content)
    assert acme.recorder.events == ["handler"]


@pytest.mark.django_db
def test_latency_waits_before_the_handler_and_slow_after(acme):
    acme("latency_ms=300")
    assert acme.recorder.events == [("sleep", 0.3), "handler"]
    acme.recorder.events.clear()
    acme("slow_ms=2000")
    assert acme.recorder.events == ["handler", ("sleep", 2.0)]


@pytest.mark.django_db
def test_in_process_delays_are_reported_not_slept(acme):
    response = acme("latency_ms=300;slow_ms=2000", in_process=True)
    assert response.sandbox_delay_ms == 2300
    assert acme.recorder.events == ["handler"]


@pytest.mark.django_db
def test_method_not_allowed(acme):
    response = acme(method="post")
    assert response.status_code == 405 and response["Allow"] == "GET"
    assert acme.recorder.events == []


@pytest.mark.django_db
def test_invalid_fault_header_is_a_sandbox_error(acme):
    response = acme("status=404")
    assert response.status_code == 400
    assert json.loads(response.content) == {"sandbox_error": "X-Sandbox-Fault: status must be 429 or 5xx, not 404."}
    assert response["X-Sandbox-Error"].startswith("X-Sandbox-Fault: status must be 429 or 5xx")
    assert acme.recorder.events == []


# --- Per request: times=N -----------------------------------------------------------------


@pytest.mark.django_db
def test_header_times_applies_to_the_first_n_requests_carrying_it(client):
    fault = {"X-Sandbox-Fault": "status=503;times=2"}
    assert [client.get(ECHO, headers=fault).status_code for _ in range(3)] == [503, 503, 200]
    # A different spec counts on its own; the same spec written differently shares the count.
    assert client.get(ECHO, headers={"X-Sandbox-Fault": "status=502;times=1"}).status_code == 502
    assert client.get(ECHO, headers={"X-Sandbox-Fault": " times=2 ; status=503 "}).status_code == 200


# --- Per emulator -------------------------------------------------------------------------


@pytest.mark.django_db
def test_emulator_faults_apply_until_cleared(client):
    sandbox_faults = {"status": 503}
    emulator_faults_set(emulator="echo", faults=sandbox_faults)
    assert [client.get(ECHO).status_code for _ in range(3)] == [503, 503, 503]
    assert client.get("/sandbox/telegram/bot1:" + "A" * 35 + "/getMe").status_code == 200  # other emulators unaffected
    from sandbox.services import emulator_faults_clear

    emulator_faults_clear(emulator="echo")
    assert client.get(ECHO).status_code == 200


@pytest.mark.django_db
def test_emulator_faults_for_the_next_n_requests(client):
    emulator_faults_set(emulator="echo", faults={"status": 429, "retry_after": 3, "times": 2})
    responses = [client.get(ECHO) for _ in range(3)]
    assert [r.status_code for r in responses] == [429, 429, 200]
    assert responses[0]["Retry-After"] == "3"
    assert EmulatorConfig.objects.get(name="echo").remaining == 0


@pytest.mark.django_db
def test_the_header_overrides_the_emulator_config_without_consuming_it(client):
    emulator_faults_set(emulator="echo", faults="status=503;times=1")
    assert client.get(ECHO, headers={"X-Sandbox-Fault": "expired_token"}).status_code == 401
    assert client.get(ECHO).status_code == 503
    assert client.get(ECHO).status_code == 200


@pytest.mark.django_db
def test_standing_latency_adds_to_the_faults(client, slept):
    emulator_config_update(emulator="echo", latency_ms=100)
    client.get(ECHO, headers={"X-Sandbox-Fault": "latency_ms=50"})
    client.get(ECHO)
    assert slept == [0.15, 0.1]


@pytest.mark.django_db
def test_config_is_cached_briefly_and_service_writes_clear_the_cache(client, settings):
    settings.SANDBOX_CONFIG_CACHE_SECONDS = 60
    assert client.get(ECHO).status_code == 200
    # A write behind the services' back (another process) is seen when the cache expires...
    EmulatorConfig.objects.create(name="echo", faults={"status": 500})
    assert client.get(ECHO).status_code == 200
    emulator_state_cache_clear()
    assert client.get(ECHO).status_code == 500
    # ...a write through the services is seen at once.
    emulator_faults_set(emulator="echo", faults={"status": 502})
    assert client.get(ECHO).status_code == 502


@pytest.mark.django_db
def test_exhausted_faults_stop_touching_the_config_row(client, settings):
    settings.SANDBOX_CONFIG_CACHE_SECONDS = 60
    emulator_faults_set(emulator="echo", faults={"status": 503, "times": 1})
    assert client.get(ECHO).status_code == 503
    assert client.get(ECHO).status_code == 200  # the conditional UPDATE finds nothing left
    with CaptureQueriesContext(connection) as queries:
        assert client.get(ECHO).status_code == 200
    assert not [q["sql"] for q in queries.captured_queries if "sandbox_emulatorconfig" in q["sql"]]


@pytest.mark.django_db(transaction=True)
def test_next_n_is_never_exceeded_by_concurrent_requests():
    if connection.vendor == "sqlite":
        pytest.skip("needs a database with concurrent writers (PostgreSQL)")
    emulator_faults_set(emulator="echo", faults={"status": 503, "times": 5})
    taken, barrier = [], threading.Barrier(12)

    def worker():
        from django.db import connections

        try:
            barrier.wait()
            taken.append(emulator_faults_consume(emulator="echo"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(taken) == [False] * 7 + [True] * 5
    assert EmulatorConfig.objects.get(name="echo").remaining == 0


# --- Registry and helpers -----------------------------------------------------------------


def test_registry_lists_the_built_in_emulators():
    names = [e.name for e in emulators()]
    assert {"echo", "telegram"} <= set(names) and names == sorted(names)
    assert get_emulator("telegram").title == "Telegram Bot API"
    with pytest.raises(LookupError):
        get_emulator("nope")


def test_registry_refuses_bad_and_duplicate_names():
    class Bad(Emulator):
        name = "Bad-Name"

    class Clash(Emulator):
        name = "telegram"

    with pytest.raises(ImproperlyConfigured):
        Bad()
    with pytest.raises(ImproperlyConfigured, match="Two emulators are named 'telegram'"):
        register(Clash())
    assert register(get_emulator("telegram")) is get_emulator("telegram")


def test_routes_are_mounted_under_the_emulator_name():
    from django.urls import reverse

    assert reverse("sandbox:telegram:bot-method", kwargs={"token": "1:x", "method": "getMe"}) == "/sandbox/telegram/bot1:x/getMe"
    assert reverse("sandbox:echo:echo", kwargs={"subpath": "a/b"}) == "/sandbox/echo/a/b"


def test_request_params_merge_query_and_body(rf):
    request = rf.post("/x?a=1&b=2", data=json.dumps({"b": 3, "c": [1]}), content_type="application/json")
    assert request_params(request) == {"a": "1", "b": 3, "c": [1]}
    form = rf.post("/x?a=1", data={"b": "2"})
    assert request_params(form) == {"a": "1", "b": "2"}
    for bad in ("[1, 2]", "{not json"):
        with pytest.raises(MalformedBody):
            request_params(rf.post("/x", data=bad, content_type="application/json"))


@pytest.mark.django_db
def test_an_invalid_stored_config_is_reported_not_applied(client):
    EmulatorConfig.objects.create(name="echo", faults={"status": 404})
    response = client.get(ECHO)
    assert response.status_code == 400
    assert response.json() == {"sandbox_error": "stored faults of 'echo': status must be 429 or 5xx, not 404."}
    described = client.get("/sandbox/_control/echo/").json()
    assert (described["faults"], described["active"]) == ({"status": 404}, False)
    assert described["error"] == "stored faults of 'echo': status must be 429 or 5xx, not 404."
    client.delete("/sandbox/_control/echo/faults/")
    assert client.get(ECHO).status_code == 200
