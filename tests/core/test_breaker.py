"""core.http: the circuit breaker per destination (provider + host)."""

from __future__ import annotations

import time
import uuid

import pytest
import requests

from core.breaker import circuit_breaker, circuit_open_remaining
from core.http import BadRequest, CircuitOpen, RateLimited, Upstream5xx, UpstreamClient, UpstreamUnavailable
from core.locks import redis_key, shared_redis
from core.models import ApiCallLog

FAIL_MAX = 3


class DestClient(UpstreamClient):
    base_url = "https://api.dest.test"
    max_attempts = 2
    breaker_fail_max = FAIL_MAX


@pytest.fixture
def reset_seconds(settings):
    # pybreaker's Redis storage keeps the opening time in whole seconds, so a reset shorter
    # than 2 s could already be over when the test looks right after opening.
    return 2.0 if settings.REDIS_URL else 0.5


@pytest.fixture
def client_class(reset_seconds):
    # A provider name per test: on Redis, breaker state outlives the client objects.
    return type("Client", (DestClient,), {"provider": f"dest-{uuid.uuid4().hex[:8]}", "breaker_reset_seconds": reset_seconds})


@pytest.fixture
def make_client(client_class, tenant_a, upstream_sleeps):
    def make(**kwargs):
        return client_class(tenant=tenant_a, sleep=upstream_sleeps, **kwargs)

    return make


URL = "https://api.dest.test/v1/orders"


def fail_calls(client, count, error=Upstream5xx):
    for _ in range(count):
        with pytest.raises(error):
            client.get("/v1/orders")


def test_opens_after_n_failed_calls_and_then_fails_fast(make_client, tenant_a, mock_upstream, reset_seconds):
    client = make_client()
    mock_upstream.get(URL, status=503)

    fail_calls(client, FAIL_MAX)
    assert len(mock_upstream.calls) == FAIL_MAX * 2  # each call retried once

    with pytest.raises(CircuitOpen) as caught:
        client.get("/v1/orders")

    assert len(mock_upstream.calls) == FAIL_MAX * 2  # no network
    assert 0 < caught.value.retry_after <= reset_seconds
    assert caught.value.endpoint == "/v1/orders"
    row = ApiCallLog.objects.for_tenant(tenant_a).first()
    assert (row.outcome, row.attempts, row.status_code) == ("circuit_open", 0, None)
    assert [r.outcome for r in ApiCallLog.objects.for_tenant(tenant_a)] == ["circuit_open"] + ["upstream_5xx"] * FAIL_MAX


def test_transport_failures_count(make_client, mock_upstream):
    client = make_client()
    mock_upstream.get(URL, body=requests.ConnectionError("refused"))

    fail_calls(client, FAIL_MAX, UpstreamUnavailable)

    with pytest.raises(CircuitOpen):
        client.get("/v1/orders")


def test_4xx_and_429_do_not_count_and_break_the_streak(make_client, mock_upstream):
    client = make_client()
    mock_upstream.get(URL, status=503)
    mock_upstream.get(URL, status=503)
    mock_upstream.get(URL, status=503)
    mock_upstream.get(URL, status=503)
    mock_upstream.get(URL, status=404)
    mock_upstream.get(URL, status=429)
    mock_upstream.get(URL, status=429)
    mock_upstream.get(URL, status=503)
    mock_upstream.get(URL, status=503)
    mock_upstream.get(URL, status=503)
    mock_upstream.get(URL, status=503)
    mock_upstream.get(URL, json={"ok": True})

    fail_calls(client, 2)
    fail_calls(client, 1, BadRequest)
    fail_calls(client, 1, RateLimited)
    fail_calls(client, 2)

    assert client.get("/v1/orders") == {"ok": True}


def test_half_opens_after_the_reset_and_closes_on_success(make_client, mock_upstream, reset_seconds):
    client = make_client()
    mock_upstream.get(URL, status=500)
    fail_calls(client, FAIL_MAX)
    with pytest.raises(CircuitOpen):
        client.get("/v1/orders")

    time.sleep(reset_seconds + 0.1)
    mock_upstream.replace("GET", URL, json={"ok": True})

    assert client.get("/v1/orders") == {"ok": True}  # the trial call
    # Closed again: the failure count starts from zero.
    mock_upstream.replace("GET", URL, status=500)
    fail_calls(client, FAIL_MAX - 1)
    mock_upstream.replace("GET", URL, json={"ok": True})
    assert client.get("/v1/orders") == {"ok": True}


def test_failed_trial_call_opens_again(make_client, mock_upstream, reset_seconds):
    client = make_client()
    mock_upstream.get(URL, status=500)
    fail_calls(client, FAIL_MAX)

    time.sleep(reset_seconds + 0.1)
    calls_before = len(mock_upstream.calls)
    fail_calls(client, 1)  # half-open: the trial reaches the network and fails
    assert len(mock_upstream.calls) == calls_before + 2

    with pytest.raises(CircuitOpen):
        client.get("/v1/orders")
    assert len(mock_upstream.calls) == calls_before + 2


def test_state_is_shared_by_clients_of_one_destination_only(make_client, client_class, tenant_b, mock_upstream):
    mock_upstream.get(URL, status=502)
    mock_upstream.get("https://other.dest.test/v1/orders", json={"ok": True})
    fail_calls(make_client(), FAIL_MAX)

    with pytest.raises(CircuitOpen):
        make_client().get("/v1/orders")
    with pytest.raises(CircuitOpen):
        client_class(tenant=tenant_b).get("/v1/orders")
    assert make_client().get("https://other.dest.test/v1/orders") == {"ok": True}


def test_failing_fast_spends_no_rate_limit_slot(client_class, tenant_a, mock_upstream, reset_seconds):
    client = client_class(tenant=tenant_a, rate_limit="2/minute", rate_limit_max_wait=0, max_attempts=1)
    client.breaker_fail_max = 1
    mock_upstream.get(URL, status=503)
    fail_calls(client, 1)  # slot 1; opens the circuit
    for _ in range(3):
        with pytest.raises(CircuitOpen):
            client.get("/v1/orders")

    time.sleep(reset_seconds + 0.1)
    mock_upstream.replace("GET", URL, json={"ok": True})
    assert client.get("/v1/orders") == {"ok": True}  # slot 2, still free

    with pytest.raises(RateLimited):
        client.get("/v1/orders")
    assert len(mock_upstream.calls) == 2


def test_state_lives_in_redis(requires_redis, make_client, client_class, mock_upstream):
    client = make_client()
    mock_upstream.get(URL, status=503)
    fail_calls(client, FAIL_MAX)

    state = shared_redis().get(redis_key("breaker", f"{client_class.provider}:api.dest.test", "pybreaker", "state"))

    assert state == b"open"


def test_circuit_open_remaining_counts_down(settings, reset_seconds):
    breaker = circuit_breaker(f"unit-{uuid.uuid4().hex[:8]}", fail_max=1, reset_seconds=reset_seconds)
    assert circuit_open_remaining(breaker) == 0.0

    with pytest.raises(ZeroDivisionError):
        breaker.call(lambda: 1 / 0)

    assert 0 < circuit_open_remaining(breaker) <= reset_seconds
