"""``UpstreamClient(backoff_schedule=...)``: fixed waits before each retry (as many retries as
entries), a longer ``Retry-After`` still honoured, and the default backoff unchanged without one."""

from __future__ import annotations

import pytest

from core.http import RateLimited, Upstream5xx, UpstreamClient

BASE = "https://api.shop.test"


class ShopClient(UpstreamClient):
    provider = "testshop"
    base_url = BASE


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.UPSTREAM_MAX_ATTEMPTS = 4
    settings.UPSTREAM_BACKOFF_BASE = 0.5
    settings.UPSTREAM_BACKOFF_MAX = 30.0
    settings.UPSTREAM_RETRY_AFTER_MAX = 60.0
    settings.UPSTREAM_BREAKER_FAIL_MAX = 50


def test_fixed_waits_then_the_error(tenant_a, mock_upstream):
    sleeps: list[float] = []
    mock_upstream.get(f"{BASE}/v1/report", status=503)
    client = ShopClient(tenant=tenant_a, sleep=sleeps.append, backoff_schedule=(2, 5, 10))
    with pytest.raises(Upstream5xx):
        client.get("/v1/report")
    assert sleeps == [2.0, 5.0, 10.0]
    assert len(mock_upstream.calls) == 4
    assert client.last_call.attempts == 4


def test_success_after_retries_waits_only_what_it_needed(tenant_a, mock_upstream):
    sleeps: list[float] = []
    mock_upstream.get(f"{BASE}/v1/report", status=502)
    mock_upstream.get(f"{BASE}/v1/report", json={"ok": True})
    client = ShopClient(tenant=tenant_a, sleep=sleeps.append, backoff_schedule=(2, 5, 10))
    assert client.get("/v1/report") == {"ok": True}
    assert sleeps == [2.0]


def test_a_longer_retry_after_wins_a_shorter_one_does_not(tenant_a, mock_upstream):
    sleeps: list[float] = []
    mock_upstream.get(f"{BASE}/v1/report", status=429, headers={"Retry-After": "7"})
    mock_upstream.get(f"{BASE}/v1/report", status=429, headers={"Retry-After": "1"})
    mock_upstream.get(f"{BASE}/v1/report", json={"ok": True})
    client = ShopClient(tenant=tenant_a, sleep=sleeps.append, backoff_schedule=(2, 5, 10))
    assert client.get("/v1/report") == {"ok": True}
    assert sleeps == [7.0, 5.0]


def test_max_attempts_still_caps_the_retries(tenant_a, mock_upstream):
    sleeps: list[float] = []
    mock_upstream.get(f"{BASE}/v1/report", status=429)
    client = ShopClient(tenant=tenant_a, sleep=sleeps.append, backoff_schedule=(2, 5, 10), max_attempts=2)
    with pytest.raises(RateLimited):
        client.get("/v1/report")
    assert sleeps == [2.0]


def test_without_a_schedule_the_default_backoff_applies(tenant_a, mock_upstream, monkeypatch):
    sleeps: list[float] = []
    monkeypatch.setattr("tenacity.wait.random.uniform", lambda low, high: high)
    mock_upstream.get(f"{BASE}/v1/report", status=500)
    client = ShopClient(tenant=tenant_a, sleep=sleeps.append)
    assert client.backoff_schedule is None
    with pytest.raises(Upstream5xx):
        client.get("/v1/report")
    assert sleeps == [0.5, 1.0, 2.0]
