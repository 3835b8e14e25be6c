"""core.http against the sandbox's Telegram Bot API emulator and its injected faults."""

from __future__ import annotations

import logging

import pytest
from django.conf import settings

from core.http import AuthExpired, BadRequest, CircuitOpen, RateLimited, Upstream5xx, UpstreamClient, UpstreamUnavailable
from core.models import ApiCallLog

BOT_TOKEN = "7001234567:AAHc0ffee0123456789abcdefABCDEF_-xy"
CHAT_ID = 424242


class TelegramClient(UpstreamClient):
    """The smallest real Telegram client: token in the path, errors in ``{"ok": false}``."""

    provider = "telegram"

    def __init__(self, *, tenant, bot_token: str, **kwargs):
        self.bot_token = bot_token
        super().__init__(tenant=tenant, base_url=settings.TELEGRAM_API_BASE, credential_key=bot_token, **kwargs)

    def prepare_request(self, request):
        base = self.base_url.rstrip("/")
        request.url = f"{base}/bot{self.bot_token}/{request.url[len(base) + 1 :]}"

    def raise_for_response(self, response, payload):
        if isinstance(payload, dict) and payload.get("ok") is False:
            code = payload.get("error_code") or response.status_code
            retry_after = (payload.get("parameters") or {}).get("retry_after")
            if code == 429:
                error_class = RateLimited
            elif code == 401:
                error_class = AuthExpired
            elif code >= 500:
                error_class = Upstream5xx
            else:
                error_class = BadRequest
            raise self.make_error(
                error_class, response, payload.get("description", ""), payload=payload, code=code, retry_after=retry_after
            )
        super().raise_for_response(response, payload)

    def get_me(self, **kwargs) -> dict:
        return self.get("getMe", **kwargs)["result"]

    def send_message(self, chat_id: int, text: str, **kwargs) -> dict:
        return self.post("sendMessage", json={"chat_id": chat_id, "text": text}, **kwargs)["result"]


@pytest.fixture(autouse=True)
def _fast_backoff(settings):
    settings.UPSTREAM_MAX_ATTEMPTS = 4
    settings.UPSTREAM_BACKOFF_BASE = 0.5
    settings.UPSTREAM_BREAKER_FAIL_MAX = 50


@pytest.fixture
def telegram(sandbox, tenant_a, upstream_sleeps):
    return TelegramClient(tenant=tenant_a, bot_token=BOT_TOKEN, sleep=upstream_sleeps)


def fault(spec: str) -> dict:
    return {"X-Sandbox-Fault": spec}


def test_send_message_logs_the_method_and_never_the_token(telegram, sandbox, tenant_a, caplog):
    with caplog.at_level(logging.INFO, logger="core.http"):
        message = telegram.send_message(CHAT_ID, "Daily GMV: 1,204.50")

    assert message["chat"]["id"] == CHAT_ID
    assert message["text"] == "Daily GMV: 1,204.50"
    (row,) = ApiCallLog.objects.for_tenant(tenant_a)
    assert (row.provider, row.method, row.endpoint, row.status_code, row.outcome, row.attempts) == (
        "telegram",
        "POST",
        "/sendMessage",
        200,
        "ok",
        1,
    )
    assert row.credential == "••••••••_-xy"
    assert BOT_TOKEN not in caplog.text
    (received,) = sandbox.received("telegram")
    assert BOT_TOKEN not in received.path


def test_gateway_503_pages_are_retried(telegram, sandbox, upstream_sleeps):
    bot = telegram.get_me(headers=fault("status=503;times=2"))

    assert bot["id"] == 7001234567
    assert telegram.last_call.attempts == 3
    assert len(upstream_sleeps) == 2
    assert [r.status for r in sandbox.received("telegram")] == [503, 503, 200]


def test_429_retry_after_is_honoured_and_a_post_is_resent(telegram, sandbox, upstream_sleeps):
    message = telegram.send_message(CHAT_ID, "hello", headers=fault("status=429;retry_after=1;times=1"))

    assert message["text"] == "hello"
    assert upstream_sleeps == [1.0]
    assert [r.status for r in sandbox.received("telegram")] == [429, 200]


def test_429_beyond_the_attempts_raises_rate_limited(telegram, sandbox, tenant_a, upstream_sleeps):
    sandbox.set_faults("telegram", status=429, retry_after=2)

    with pytest.raises(RateLimited) as caught:
        telegram.get_me()

    assert (caught.value.status, caught.value.code, caught.value.retry_after) == (429, 429, 2)
    assert caught.value.message == "Too Many Requests: retry after 2"
    assert upstream_sleeps == [2, 2, 2]
    row = ApiCallLog.objects.for_tenant(tenant_a).get()
    assert (row.outcome, row.status_code, row.attempts) == ("rate_limited", 429, 4)


def test_malformed_body_is_retried(telegram, sandbox):
    sandbox.set_faults("telegram", malformed=True, times=1)

    assert telegram.get_me()["is_bot"] is True
    assert telegram.last_call.attempts == 2


def test_read_timeout_retries_a_get(telegram, sandbox):
    telegram.timeout = (1.0, 0.5)

    assert telegram.get_me(headers=fault("slow_ms=2000;times=1"))["is_bot"] is True
    assert telegram.last_call.attempts == 2


def test_read_timeout_does_not_resend_a_post(telegram, sandbox, tenant_a):
    telegram.timeout = (1.0, 0.5)

    with pytest.raises(UpstreamUnavailable):
        telegram.send_message(CHAT_ID, "once only", headers=fault("slow_ms=2000;times=1"))

    # The emulator did the work; only the answer was late. Resending would post it twice.
    assert [r.status for r in sandbox.received("telegram")] == [200]
    assert ApiCallLog.objects.for_tenant(tenant_a).get().outcome == "unavailable"


def test_latency_below_the_timeout_is_just_slow(telegram, sandbox):
    assert telegram.get_me(headers=fault("latency_ms=30"))["is_bot"] is True
    assert telegram.last_call.attempts == 1


def test_expired_token_is_auth_expired(telegram, sandbox, tenant_a):
    with pytest.raises(AuthExpired) as caught:
        telegram.get_me(headers=fault("expired_token"))

    assert (caught.value.status, caught.value.message) == (401, "Unauthorized")
    assert ApiCallLog.objects.for_tenant(tenant_a).get().attempts == 1


def test_bad_request_is_not_retried(telegram, sandbox):
    with pytest.raises(BadRequest) as caught:
        telegram.send_message(CHAT_ID, "")

    assert caught.value.message == "Bad Request: message text is empty"
    assert len(sandbox.received("telegram")) == 1


def test_breaker_opens_on_a_failing_emulator(sandbox, tenant_a, upstream_sleeps, settings):
    settings.UPSTREAM_BREAKER_FAIL_MAX = 2
    client = TelegramClient(tenant=tenant_a, bot_token=BOT_TOKEN, sleep=upstream_sleeps, max_attempts=2)
    sandbox.set_faults("telegram", status=500)

    for _ in range(2):
        with pytest.raises(Upstream5xx):
            client.get_me()
    with pytest.raises(CircuitOpen):
        client.get_me()

    assert len(sandbox.received("telegram")) == 4
