"""The ``sandbox`` (in-process, through responses) and ``sandbox_live`` (real server) fixtures."""

import pytest
import requests
from django.conf import settings

from sandbox import testing
from sandbox.testing import SandboxBridge

TOKEN = "7012345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"


def telegram_url(method: str) -> str:
    # Read at call time, as product clients do: sandbox_live repoints the setting.
    return f"{settings.TELEGRAM_API_BASE}/bot{TOKEN}/{method}"


def test_requests_reach_the_emulators_in_process(sandbox):
    response = requests.post(telegram_url("sendMessage"), json={"chat_id": 42, "text": "hello"}, timeout=5)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.json()["result"]["text"] == "hello"
    assert sandbox.base_url == settings.SANDBOX_BASE_URL
    [record] = sandbox.received("telegram")
    assert record.json() == {"chat_id": 42, "text": "hello"}
    assert len(sandbox.calls) == 1


def test_faults_set_through_the_handle(sandbox):
    sandbox.set_faults("telegram", status=429, retry_after=2, times=1)
    limited = requests.get(telegram_url("getMe"), timeout=5)
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "2"
    assert limited.json()["parameters"] == {"retry_after": 2}
    assert requests.get(telegram_url("getMe"), timeout=5).status_code == 200
    sandbox.set_faults("telegram", malformed=True)
    with pytest.raises(requests.JSONDecodeError):
        requests.get(telegram_url("getMe"), timeout=5).json()
    sandbox.clear_faults()
    assert requests.get(telegram_url("getMe"), timeout=5).json()["ok"] is True


def test_per_request_header_goes_through(sandbox):
    response = requests.get(telegram_url("getMe"), headers={"X-Sandbox-Fault": "status=503"}, timeout=5)
    assert response.status_code == 503 and "503 Service Unavailable" in response.text


def test_slow_answers_beyond_the_read_timeout_raise_read_timeout(sandbox):
    sandbox.set_faults("telegram", slow_ms=5000)
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.post(telegram_url("sendMessage"), json={"chat_id": 42, "text": "late"}, timeout=(1, 2))
    # The upstream did the work; only the answer was lost.
    assert [r.status for r in sandbox.received("telegram")] == [200]


def test_latency_under_the_timeout_is_waited_out(sandbox, monkeypatch):
    slept = []
    monkeypatch.setattr(testing.time, "sleep", slept.append)
    sandbox.set_latency("telegram", 300)
    assert requests.get(telegram_url("getMe"), timeout=5).status_code == 200
    assert slept == [0.3]


def test_urls_outside_the_sandbox_are_not_reachable(sandbox):
    with pytest.raises(requests.ConnectionError):
        requests.get("https://api.telegram.org/bot1/getMe", timeout=5)


def test_joins_mock_upstream_when_both_are_used(mock_upstream, sandbox):
    mock_upstream.get("https://example.test/ping", json={"pong": True})
    assert requests.get("https://example.test/ping", timeout=5).json() == {"pong": True}
    assert requests.get(telegram_url("getMe"), timeout=5).json()["ok"] is True


@pytest.mark.django_db
def test_a_bridge_for_another_base_url():
    with SandboxBridge("https://upstreams.example/api/") as bridge:
        response = requests.get("https://upstreams.example/api/echo/v2/items?page=3", timeout=5)
        assert response.json()["path"] == "v2/items" and response.json()["query"] == {"page": ["3"]}
        assert bridge.url("echo", "/v2/items") == "https://upstreams.example/api/echo/v2/items"


def test_live_server_serves_the_emulators_over_sockets(sandbox_live, live_server):
    assert settings.SANDBOX_BASE_URL == f"{live_server.url}/sandbox"
    assert settings.TELEGRAM_API_BASE == f"{live_server.url}/sandbox/telegram"
    response = requests.post(telegram_url("sendMessage"), json={"chat_id": 42, "text": "over tcp"}, timeout=5)
    assert response.status_code == 200 and response.json()["result"]["text"] == "over tcp"
    assert [r.json()["text"] for r in sandbox_live.received("telegram")] == ["over tcp"]


def test_live_server_slow_fault_trips_a_real_read_timeout(sandbox_live):
    sandbox_live.set_faults("echo", slow_ms=1500, times=1)
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.get(sandbox_live.url("echo", "slow"), timeout=(2, 0.3))
    assert requests.get(sandbox_live.url("echo", "fast"), timeout=5).status_code == 200
