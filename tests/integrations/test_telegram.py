"""integrations.telegram against the sandbox's Bot API emulator: the token in the path, the
envelope, and the error table."""

from __future__ import annotations

import logging

import pytest
import responses
from django.conf import settings

from core.http import AuthExpired, BadRequest, Misconfigured, RateLimited
from core.models import ApiCallLog
from integrations.telegram import ChatMigrated, TelegramBotClient

BOT_TOKEN = "7001234567:AAHc0ffee0123456789abcdefABCDEF_-xy"
CHAT_ID = 424242


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.UPSTREAM_MAX_ATTEMPTS = 3
    settings.UPSTREAM_BREAKER_FAIL_MAX = 50


@pytest.fixture
def bot(sandbox, tenant_a, upstream_sleeps):
    return TelegramBotClient(tenant=tenant_a, bot_token=BOT_TOKEN, base_url=settings.TELEGRAM_API_BASE, sleep=upstream_sleeps)


def test_send_message_with_html_is_logged_by_method_never_by_token(bot, sandbox, tenant_a, caplog):
    with caplog.at_level(logging.INFO, logger="core.http"):
        message = bot.send_message(CHAT_ID, "<b>Daily GMV</b>: 1,204.50", parse_mode="HTML", disable_notification=True)

    assert message["chat"]["id"] == CHAT_ID
    assert message["text"] == "Daily GMV: 1,204.50"
    assert message["entities"] == [{"offset": 0, "length": 9, "type": "bold"}]
    row = ApiCallLog.objects.for_tenant(tenant_a).get()
    assert (row.provider, row.method, row.endpoint, row.outcome) == ("telegram", "POST", "/sendMessage", "ok")
    assert BOT_TOKEN not in caplog.text and BOT_TOKEN not in row.credential
    (received,) = sandbox.received("telegram")
    assert BOT_TOKEN not in received.path


def test_get_me(bot):
    me = bot.get_me()
    assert (me["id"], me["is_bot"]) == (7001234567, True)


def test_an_empty_text_is_a_bad_request(bot, sandbox):
    with pytest.raises(BadRequest) as caught:
        bot.send_message(CHAT_ID, "")

    assert type(caught.value) is BadRequest
    assert (caught.value.code, caught.value.message) == (400, "Bad Request: message text is empty")


def test_an_unknown_chat_is_misconfigured(bot, sandbox):
    sandbox.set_options("telegram", missing_chats=[str(CHAT_ID)])

    with pytest.raises(Misconfigured) as caught:
        bot.send_message(CHAT_ID, "hello")

    assert caught.value.message == "Bad Request: chat not found"


def test_a_blocked_bot_is_misconfigured(bot, sandbox):
    sandbox.set_options("telegram", blocked_chats=[str(CHAT_ID)])

    with pytest.raises(Misconfigured) as caught:
        bot.send_message(CHAT_ID, "hello")

    assert (caught.value.status, caught.value.message) == (403, "Forbidden: bot was blocked by the user")
    assert len(sandbox.received("telegram")) == 1


def test_a_revoked_token_is_auth_expired(bot, sandbox, settings):
    sandbox.set_options("telegram", revoked_tokens=[BOT_TOKEN])

    with pytest.raises(AuthExpired) as caught:
        bot.get_me()

    assert (caught.value.status, caught.value.message) == (401, "Unauthorized")


def test_a_malformed_token_has_no_route(sandbox, tenant_a):
    client = TelegramBotClient(tenant=tenant_a, bot_token="not-a-token", base_url=settings.TELEGRAM_API_BASE)

    with pytest.raises(Misconfigured) as caught:
        client.get_me()

    assert caught.value.status == 404


def test_429_waits_for_parameters_retry_after_and_resends_the_message(bot, sandbox, upstream_sleeps):
    message = bot.send_message(CHAT_ID, "hello", headers={"X-Sandbox-Fault": "status=429;retry_after=2;times=1"})

    assert message["text"] == "hello"
    assert upstream_sleeps == [2]


def test_429_beyond_the_attempts_raises_rate_limited(bot, sandbox):
    sandbox.set_faults("telegram", status=429, retry_after=1)

    with pytest.raises(RateLimited) as caught:
        bot.send_message(CHAT_ID, "hello")

    assert (caught.value.code, caught.value.retry_after) == (429, 1)


def test_a_migrated_group_names_its_new_chat(tenant_a, mock_upstream):
    mock_upstream.add(
        responses.POST,
        f"https://api.telegram.test/bot{BOT_TOKEN}/sendMessage",
        status=400,
        json={
            "ok": False,
            "error_code": 400,
            "description": "Bad Request: group chat was upgraded to a supergroup chat",
            "parameters": {"migrate_to_chat_id": -1001234567890},
        },
    )
    client = TelegramBotClient(tenant=tenant_a, bot_token=BOT_TOKEN, base_url="https://api.telegram.test")

    with pytest.raises(ChatMigrated) as caught:
        client.send_message(-4242, "hello")

    assert caught.value.migrate_to_chat_id == -1001234567890


def test_an_unknown_parse_mode_is_refused_before_sending(bot, sandbox):
    with pytest.raises(ValueError):
        bot.send_message(CHAT_ID, "hello", parse_mode="html5")

    assert sandbox.received("telegram") == []
