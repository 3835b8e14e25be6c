"""core.http: typed errors, retries and backoff, Retry-After, envelope mapping, call log."""

from __future__ import annotations

import logging
import pickle
import re
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
import requests
from responses import matchers

from core.correlation import correlation_scope
from core.http import (
    AuthExpired,
    BadRequest,
    MalformedResponse,
    RateLimited,
    Upstream5xx,
    UpstreamClient,
    UpstreamError,
    UpstreamUnavailable,
    parse_retry_after,
)
from core.models import ApiCallLog, TenantMismatch
from core.tenancy import tenant_scope

BASE = "https://api.shop.test"
TOKEN = "tok-live-7f3a9c1b2d4e5f60"


class ShopClient(UpstreamClient):
    provider = "testshop"
    base_url = BASE


class EnvelopeClient(UpstreamClient):
    """Reports errors TikTok-style: HTTP 200 with a non-zero ``code``."""

    provider = "envelope"
    base_url = BASE
    codes = {40100: RateLimited, 105002: AuthExpired, 50000: Upstream5xx}

    def raise_for_response(self, response, payload):
        if isinstance(payload, dict) and payload.get("code", 0) != 0:
            error_class = self.codes.get(payload["code"], BadRequest)
            raise self.make_error(error_class, response, payload.get("message", ""), payload=payload, code=payload["code"])
        super().raise_for_response(response, payload)


@pytest.fixture(autouse=True)
def _backoff(settings):
    settings.UPSTREAM_MAX_ATTEMPTS = 4
    settings.UPSTREAM_BACKOFF_BASE = 0.5
    settings.UPSTREAM_BACKOFF_MAX = 30.0
    settings.UPSTREAM_RETRY_AFTER_MAX = 60.0
    settings.UPSTREAM_BREAKER_FAIL_MAX = 50


@pytest.fixture
def shop(tenant_a, upstream_sleeps):
    with ShopClient(tenant=tenant_a, credential_key=TOKEN, sleep=upstream_sleeps) as client:
        yield client


def only_log(tenant) -> ApiCallLog:
    rows = list(ApiCallLog.objects.for_tenant(tenant))
    assert len(rows) == 1
    return rows[0]


# --- Success and the call log -------------------------------------------------------------


def test_returns_parsed_json_and_logs_one_row(shop, tenant_a, mock_upstream):
    mock_upstream.get(f"{BASE}/v1/orders", json={"orders": [1, 2]}, match=[matchers.query_param_matcher({"page": "2", "size": "50"})])

    with correlation_scope("corr-42"):
        assert shop.get("/v1/orders?page=2", params={"size": 50}) == {"orders": [1, 2]}

    assert mock_upstream.calls[0].request.headers["X-Correlation-ID"] == "corr-42"
    row = only_log(tenant_a)
    assert (row.provider, row.method, row.endpoint, row.status_code, row.outcome) == ("testshop", "GET", "/v1/orders", 200, "ok")
    assert (row.attempts, row.error_message, row.correlation_id) == (1, "", "corr-42")
    assert row.credential == "••••••••5f60"
    assert shop.last_call.waits == []


def test_correlation_id_minted_when_none_in_context(shop, tenant_a, mock_upstream):
    mock_upstream.get(f"{BASE}/v1/ping", json={})

    shop.get("/v1/ping")

    sent = mock_upstream.calls[0].request.headers["X-Correlation-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", sent)
    assert only_log(tenant_a).correlation_id == sent


def test_endpoint_label_replaces_path_in_log(shop, tenant_a, mock_upstream):
    mock_upstream.get(f"{BASE}/v1/buyers/jane@example.com", json={})

    shop.get("/v1/buyers/jane@example.com", endpoint="/v1/buyers/{email}?x=1")

    assert only_log(tenant_a).endpoint == "/v1/buyers/{email}"


def test_raw_returns_the_response(shop, mock_upstream):
    mock_upstream.get(f"{BASE}/export.csv", body="a,b\n1,2\n", content_type="text/csv")

    response = shop.get("/export.csv", raw=True)

    assert isinstance(response, requests.Response)
    assert response.text == "a,b\n1,2\n"


def test_empty_body_is_none(shop, mock_upstream):
    mock_upstream.delete(f"{BASE}/v1/hooks/9", status=204)

    assert shop.delete("/v1/hooks/9") is None


def test_client_refuses_other_tenants_context(tenant_a, tenant_b):
    with tenant_scope(tenant_b), pytest.raises(TenantMismatch):
        ShopClient(tenant=tenant_a)


def test_log_row_belongs_to_the_clients_tenant_only(shop, tenant_a, tenant_b, mock_upstream):
    mock_upstream.get(f"{BASE}/v1/ping", json={})

    with tenant_scope(tenant_a):
        shop.get("/v1/ping")

    assert ApiCallLog.objects.for_tenant(tenant_a).count() == 1
    assert ApiCallLog.objects.for_tenant(tenant_b).count() == 0


# --- Retries and backoff ------------------------------------------------------------------


def test_5xx_retried_until_success_with_jitter_bounded_waits(shop, tenant_a, mock_upstream, upstream_sleeps):
    mock_upstream.get(f"{BASE}/v1/orders", status=503)
    mock_upstream.get(f"{BASE}/v1/orders", status=502)
    mock_upstream.get(f"{BASE}/v1/orders", json={"ok": True})

    assert shop.get("/v1/orders") == {"ok": True}

    assert len(mock_upstream.calls) == 3
    assert shop.last_call.waits == upstream_sleeps
    assert len(upstream_sleeps) == 2
    # Full jitter: uniform in [0, base * 2**(retry - 1)].
    assert 0 <= upstream_sleeps[0] <= 0.5
    assert 0 <= upstream_sleeps[1] <= 1.0
    row = only_log(tenant_a)
    assert (row.status_code, row.outcome, row.attempts) == (200, "ok", 3)


def test_backoff_windows_double_up_to_the_cap(shop, tenant_a, mock_upstream, upstream_sleeps, monkeypatch, settings):
    settings.UPSTREAM_BACKOFF_MAX = 1.5
    monkeypatch.setattr("tenacity.wait.random.uniform", lambda low, high: high)  # the top of each window
    mock_upstream.get(f"{BASE}/v1/orders", status=500, json={"code": "internal", "message": "boom"})

    with pytest.raises(Upstream5xx) as caught:
        shop.get("/v1/orders")

    assert len(mock_upstream.calls) == 4
    assert upstream_sleeps == [0.5, 1.0, 1.5]
    assert (caught.value.status, caught.value.code, caught.value.message) == (500, "internal", "boom")
    assert (caught.value.provider, caught.value.endpoint) == ("testshop", "/v1/orders")
    row = only_log(tenant_a)
    assert (row.status_code, row.outcome, row.attempts, row.error_message) == (500, "upstream_5xx", 4, "boom")


def test_connection_errors_and_timeouts_retried(shop, tenant_a, mock_upstream, upstream_sleeps):
    mock_upstream.get(f"{BASE}/v1/orders", body=requests.ConnectionError("reset by peer"))
    mock_upstream.get(f"{BASE}/v1/orders", body=requests.exceptions.ReadTimeout("read timed out"))
    mock_upstream.get(f"{BASE}/v1/orders", json={"ok": 1})

    assert shop.get("/v1/orders") == {"ok": 1}

    assert shop.last_call.attempts == 3
    assert len(upstream_sleeps) == 2


def test_unavailable_after_all_attempts_without_leaking_the_url(tenant_a, mock_upstream, upstream_sleeps):
    client = ShopClient(tenant=tenant_a, sleep=upstream_sleeps)
    url = f"{BASE}/v1/orders?access_token=abc123secret"
    mock_upstream.get(url, body=requests.exceptions.ConnectTimeout(f"Max retries exceeded with url: {url}"))

    with pytest.raises(UpstreamUnavailable) as caught:
        client.get(url)

    assert caught.value.status is None
    assert str(caught.value) == "testshop /v1/orders: ConnectTimeout calling api.shop.test"
    assert len(upstream_sleeps) == 3
    row = only_log(tenant_a)
    assert (row.status_code, row.outcome, row.attempts) == (None, "unavailable", 4)
    assert "abc123secret" not in row.error_message


def test_malformed_body_retried_then_raised(shop, tenant_a, mock_upstream, upstream_sleeps):
    mock_upstream.get(f"{BASE}/v1/orders", body="<html>oops</html>", status=200)

    with pytest.raises(MalformedResponse):
        shop.get("/v1/orders")

    assert len(mock_upstream.calls) == 4
    assert only_log(tenant_a).outcome == "malformed"


def test_unreadable_error_page_is_a_5xx_not_malformed(shop, mock_upstream):
    mock_upstream.get(f"{BASE}/v1/orders", body="<html>Bad gateway</html>", status=502)
    mock_upstream.get(f"{BASE}/v1/orders", json={"n": 1})

    assert shop.get("/v1/orders") == {"n": 1}
    assert shop.last_call.attempts == 2


@pytest.mark.parametrize("status", [400, 403, 404, 409, 422])
def test_4xx_never_retried(shop, tenant_a, mock_upstream, upstream_sleeps, status):
    mock_upstream.get(f"{BASE}/v1/orders", status=status, json={"code": 36009004, "message": "invalid app_key"})

    with pytest.raises(BadRequest) as caught:
        shop.get("/v1/orders")

    assert len(mock_upstream.calls) == 1
    assert upstream_sleeps == []
    assert (caught.value.status, caught.value.code) == (status, 36009004)
    row = only_log(tenant_a)
    assert (row.status_code, row.outcome, row.attempts, row.error_message) == (status, "bad_request", 1, "invalid app_key")


def test_401_is_auth_expired_and_not_retried_without_refresh(shop, tenant_a, mock_upstream):
    mock_upstream.get(f"{BASE}/v1/orders", status=401, json={"message": "token expired"})

    with pytest.raises(AuthExpired):
        shop.get("/v1/orders")

    assert len(mock_upstream.calls) == 1
    assert only_log(tenant_a).outcome == "auth_expired"


# --- Retry-After --------------------------------------------------------------------------


def test_retry_after_seconds_is_the_wait(shop, mock_upstream, upstream_sleeps):
    mock_upstream.get(f"{BASE}/v1/orders", status=429, headers={"Retry-After": "7"})
    mock_upstream.get(f"{BASE}/v1/orders", status=503, headers={"Retry-After": "2"})
    mock_upstream.get(f"{BASE}/v1/orders", json={"ok": True})

    assert shop.get("/v1/orders") == {"ok": True}

    assert upstream_sleeps == [7.0, 2.0]


def test_retry_after_http_date_is_the_wait(shop, mock_upstream, upstream_sleeps):
    when = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=10)
    mock_upstream.get(f"{BASE}/v1/orders", status=429, headers={"Retry-After": format_datetime(when, usegmt=True)})
    mock_upstream.get(f"{BASE}/v1/orders", json={"ok": True})

    shop.get("/v1/orders")

    assert len(upstream_sleeps) == 1
    assert 8.0 < upstream_sleeps[0] <= 10.0


def test_retry_after_beyond_the_cap_fails_at_once(shop, tenant_a, mock_upstream, upstream_sleeps):
    mock_upstream.get(f"{BASE}/v1/orders", status=429, headers={"Retry-After": "600"}, json={"message": "slow down"})

    with pytest.raises(RateLimited) as caught:
        shop.get("/v1/orders")

    assert caught.value.retry_after == 600.0
    assert upstream_sleeps == []
    row = only_log(tenant_a)
    assert (row.status_code, row.outcome, row.attempts) == (429, "rate_limited", 1)


def test_429_without_retry_after_uses_backoff(shop, mock_upstream, upstream_sleeps):
    mock_upstream.get(f"{BASE}/v1/orders", status=429)

    with pytest.raises(RateLimited) as caught:
        shop.get("/v1/orders")

    assert caught.value.retry_after is None
    assert len(upstream_sleeps) == 3
    assert all(0 <= wait <= bound for wait, bound in zip(upstream_sleeps, [0.5, 1.0, 2.0], strict=True))


def test_parse_retry_after_formats():
    now = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("120", now=now) == 120.0
    assert parse_retry_after("Sun, 01 Mar 2026 12:02:00 GMT", now=now) == 120.0
    assert parse_retry_after("Sun, 01 Mar 2026 11:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon", now=now) is None
    assert parse_retry_after(None) is None


# --- Methods that may not be repeated -----------------------------------------------------


def test_post_not_retried_after_a_5xx(shop, mock_upstream, upstream_sleeps):
    mock_upstream.post(f"{BASE}/v1/campaigns", status=500)

    with pytest.raises(Upstream5xx):
        shop.post("/v1/campaigns", json={"name": "Spring"})

    assert len(mock_upstream.calls) == 1
    assert upstream_sleeps == []


def test_post_declared_idempotent_is_retried(shop, mock_upstream):
    mock_upstream.post(f"{BASE}/v1/orders/search", status=500)
    mock_upstream.post(f"{BASE}/v1/orders/search", json={"orders": []}, match=[matchers.json_params_matcher({"page_size": 50})])

    assert shop.post("/v1/orders/search", json={"page_size": 50}, idempotent=True) == {"orders": []}
    assert len(mock_upstream.calls) == 2


def test_post_retried_when_the_upstream_surely_did_not_act(shop, mock_upstream):
    mock_upstream.post(f"{BASE}/v1/campaigns", status=429)
    mock_upstream.post(f"{BASE}/v1/campaigns", body=requests.exceptions.ConnectTimeout("connect timed out"))
    mock_upstream.post(f"{BASE}/v1/campaigns", json={"id": 7})

    assert shop.post("/v1/campaigns", json={"name": "Spring"}) == {"id": 7}
    assert len(mock_upstream.calls) == 3


def test_post_not_retried_after_a_read_timeout(shop, mock_upstream):
    mock_upstream.post(f"{BASE}/v1/campaigns", body=requests.exceptions.ReadTimeout("read timed out"))

    with pytest.raises(UpstreamUnavailable):
        shop.post("/v1/campaigns", json={"name": "Spring"})

    assert len(mock_upstream.calls) == 1


def test_file_upload_retry_sends_the_whole_file_again(shop, mock_upstream, tmp_path):
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"0123456789")
    mock_upstream.post(f"{BASE}/v1/video/upload", status=503)
    mock_upstream.post(f"{BASE}/v1/video/upload", json={"video_id": "v1"})

    with video.open("rb") as handle:
        shop.post("/v1/video/upload", files={"video_file": ("clip.mp4", handle)}, idempotent=True)

    bodies = [call.request.body for call in mock_upstream.calls]
    assert all(b"0123456789" in body for body in bodies)


# --- Errors inside HTTP 200 envelopes -----------------------------------------------------


def test_envelope_rate_limit_code_retried_like_a_429(tenant_a, mock_upstream, upstream_sleeps):
    client = EnvelopeClient(tenant=tenant_a, sleep=upstream_sleeps)
    mock_upstream.get(f"{BASE}/open_api/v1.3/report", json={"code": 40100, "message": "Too many requests", "request_id": "r-1"})
    mock_upstream.get(f"{BASE}/open_api/v1.3/report", json={"code": 50000, "message": "System error."})
    mock_upstream.get(f"{BASE}/open_api/v1.3/report", json={"code": 0, "data": {"list": []}})

    assert client.get("/open_api/v1.3/report") == {"code": 0, "data": {"list": []}}

    assert len(mock_upstream.calls) == 3
    assert len(upstream_sleeps) == 2
    row = only_log(tenant_a)
    assert (row.status_code, row.outcome, row.attempts) == (200, "ok", 3)


def test_envelope_permanent_code_not_retried(tenant_a, mock_upstream, upstream_sleeps):
    client = EnvelopeClient(tenant=tenant_a, sleep=upstream_sleeps)
    mock_upstream.get(f"{BASE}/open_api/v1.3/report", json={"code": 40002, "message": "Invalid params", "request_id": "r-9"})

    with pytest.raises(BadRequest) as caught:
        client.get("/open_api/v1.3/report")

    assert (caught.value.status, caught.value.code, caught.value.request_id) == (200, 40002, "r-9")
    assert len(mock_upstream.calls) == 1
    row = only_log(tenant_a)
    assert (row.status_code, row.outcome, row.error_message) == (200, "bad_request", "Invalid params")


def test_envelope_auth_code_is_auth_expired(tenant_a, mock_upstream):
    client = EnvelopeClient(tenant=tenant_a)
    mock_upstream.get(f"{BASE}/api/orders", json={"code": 105002, "message": "Expired credentials."})

    with pytest.raises(AuthExpired) as caught:
        client.get("/api/orders")

    assert caught.value.code == 105002
    assert len(mock_upstream.calls) == 1


def test_error_details_of_common_shapes(shop, mock_upstream):
    mock_upstream.get(f"{BASE}/meta", status=400, json={"error": {"message": "Invalid parameter", "code": 100, "fbtrace_id": "x"}})
    mock_upstream.get(f"{BASE}/shopee", status=403, json={"error": "error_auth", "message": "Invalid partner_id", "request_id": "rq"})
    mock_upstream.get(f"{BASE}/telegram", status=400, json={"ok": False, "error_code": 400, "description": "Bad Request: chat not found"})

    found = []
    for path in ("/meta", "/shopee", "/telegram"):
        with pytest.raises(BadRequest) as caught:
            shop.get(path)
        found.append((caught.value.code, caught.value.message))

    assert found == [(100, "Invalid parameter"), ("error_auth", "Invalid partner_id"), (400, "Bad Request: chat not found")]


# --- Secrets and PII ----------------------------------------------------------------------


def test_no_secrets_or_pii_in_log_row_or_log_lines(tenant_a, mock_upstream, upstream_sleeps, caplog):
    client = ShopClient(tenant=tenant_a, credential_key=TOKEN, sleep=upstream_sleeps)
    message = (
        f"buyer jane.doe@example.com (+1 415 555 1234) not found for token {TOKEN}; "
        "retry with access_token=zz-other-secret or Bearer abc.def.ghi"
    )
    mock_upstream.get(f"{BASE}/v1/buyers", status=404, json={"message": message})

    with caplog.at_level(logging.INFO, logger="core.http"), pytest.raises(BadRequest) as caught:
        client.get("/v1/buyers", params={"access_token": TOKEN})

    row = only_log(tenant_a)
    logged = " ".join(record.getMessage() for record in caplog.records if record.name == "core.http")
    for text in (row.error_message, logged, str(caught.value), row.credential):
        for leak in (TOKEN, "jane.doe", "555 1234", "zz-other-secret", "abc.def.ghi"):
            assert leak not in text
    assert row.error_message == (
        "buyer j***@example.com (***34) not found for token ••••••••5f60; retry with access_token=•••• or Bearer ••••"
    )
    assert "/v1/buyers -> 404" in logged


def test_structured_log_line_fields(shop, mock_upstream, caplog):
    mock_upstream.get(f"{BASE}/v1/orders", json={})

    with caplog.at_level(logging.INFO, logger="core.http"):
        shop.get("/v1/orders")

    (record,) = [record for record in caplog.records if record.name == "core.http"]
    assert (record.provider, record.method, record.endpoint, record.status_code, record.outcome, record.attempts) == (
        "testshop",
        "GET",
        "/v1/orders",
        200,
        "ok",
        1,
    )
    assert record.credential == "••••••••5f60"


def test_upstream_errors_survive_pickling():
    error = RateLimited("slow down", provider="p", endpoint="/x", status=429, code=40100, retry_after=3.0, request_id="r")

    copy = pickle.loads(pickle.dumps(error))

    assert type(copy) is RateLimited
    assert (copy.message, copy.provider, copy.status, copy.code, copy.retry_after, copy.request_id) == (
        "slow down",
        "p",
        429,
        40100,
        3.0,
        "r",
    )
    assert str(copy) == str(error) == "p /x: slow down (status=429, code=40100, retry_after=3.0)"
    assert isinstance(copy, UpstreamError)
