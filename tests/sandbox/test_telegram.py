import json
import time

import pytest

from sandbox.testing import Sandbox

TOKEN = "7012345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"
BOT = {"id": 7012345678, "is_bot": True, "first_name": "Orchid Reports", "username": "orchid_533_bot"}


@pytest.fixture(autouse=True)
def _pinned_seed(settings):
    settings.SANDBOX_SEED = 20260101


def url(method: str, token: str = TOKEN) -> str:
    return f"/sandbox/telegram/bot{token}/{method}"


def send(client, token: str = TOKEN, headers=None, **params):
    return client.post(url("sendMessage", token), data=json.dumps(params), content_type="application/json", headers=headers or {})


@pytest.mark.django_db
def test_get_me_by_get_and_post(client):
    expected = {
        "ok": True,
        "result": {
            **BOT,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        },
    }
    assert client.get(url("getMe")).json() == expected
    response = client.post(url("getme"))
    assert response.status_code == 200 and response.json() == expected
    assert response["Content-Type"] == "application/json"


@pytest.mark.django_db
def test_send_message_returns_the_sent_message(client):
    before = int(time.time())
    response = send(client, chat_id=42, text="<b>Daily GMV</b>: 1,250.00", parse_mode="HTML")
    assert response.status_code == 200
    body = response.json()
    date = body["result"].pop("date")
    assert before <= date <= int(time.time())
    assert body == {
        "ok": True,
        "result": {
            "message_id": 1325,
            "from": BOT,
            "chat": {"id": 42, "first_name": "Dung", "last_name": "Le", "username": "glow_tulip252", "type": "private"},
            "text": "Daily GMV: 1,250.00",
            "entities": [{"offset": 0, "length": 9, "type": "bold"}],
        },
    }


@pytest.mark.django_db
def test_message_ids_are_sequential_per_chat_and_repeat_after_reset(client):
    first_run = [send(client, chat_id=chat, text="hi").json()["result"]["message_id"] for chat in (42, 42, 43, 42)]
    assert first_run == [1325, 1326, 4518, 1327]
    Sandbox("/sandbox").reset("telegram")
    second_run = [send(client, chat_id=chat, text="hi").json()["result"]["message_id"] for chat in (42, 42, 43, 42)]
    assert second_run == first_run


@pytest.mark.django_db
def test_parameters_from_a_form_or_the_query_string(client):
    form = client.post(url("sendMessage"), data={"chat_id": "-1001234567890", "text": "form", "message_thread_id": "7"})
    assert form.json()["result"]["chat"] == {"id": -1001234567890, "title": "Ember Lotus Ops", "type": "supergroup"}
    assert form.json()["result"]["message_thread_id"] == 7
    query = client.get(url("sendMessage"), {"chat_id": "@shop_alerts", "text": "query"})
    assert query.json()["result"]["chat"] == {"id": -1008691573372, "title": "Zen Ember", "username": "shop_alerts", "type": "channel"}
    group = client.get(url("sendMessage"), {"chat_id": "-4012345", "text": "group"})
    assert group.json()["result"]["chat"] == {"id": -4012345, "title": "Ember Maple Team", "type": "group"}


@pytest.mark.django_db
def test_inline_keyboard_is_echoed(client):
    keyboard = {"inline_keyboard": [[{"text": "Open", "url": "https://example.com"}]]}
    as_json = send(client, chat_id=42, text="x", reply_markup=keyboard).json()["result"]
    as_form = client.post(url("sendMessage"), data={"chat_id": 42, "text": "x", "reply_markup": json.dumps(keyboard)}).json()["result"]
    assert as_json["reply_markup"] == as_form["reply_markup"] == keyboard


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params,status,description",
    [
        ({"text": "hi"}, 400, "Bad Request: chat_id is empty"),
        ({"chat_id": 42}, 400, "Bad Request: message text is empty"),
        ({"chat_id": 42, "text": ""}, 400, "Bad Request: message text is empty"),
        ({"chat_id": 42, "text": "   \n "}, 400, "Bad Request: message text is empty"),
        ({"chat_id": 42, "text": "<b></b>", "parse_mode": "HTML"}, 400, "Bad Request: message text is empty"),
        ({"chat_id": "not-a-chat", "text": "hi"}, 400, "Bad Request: chat not found"),
        ({"chat_id": 42, "text": "hi", "parse_mode": "BBCode"}, 400, "Bad Request: unsupported parse_mode"),
        ({"chat_id": 42, "text": "x" * 4097}, 400, "Bad Request: message is too long"),
        (
            {"chat_id": 42, "text": "<blink>hi</blink>", "parse_mode": "HTML"},
            400,
            'Bad Request: can\'t parse entities: Unsupported start tag "blink" at byte offset 0',
        ),
        (
            {"chat_id": 42, "text": "GMV up 3.5%", "parse_mode": "MarkdownV2"},
            400,
            "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'",
        ),
    ],
)
def test_send_message_errors(client, params, status, description):
    response = send(client, **params)
    assert response.status_code == status
    assert response.json() == {"ok": False, "error_code": status, "description": description}


@pytest.mark.django_db
def test_longest_text_is_accepted(client):
    assert send(client, chat_id=42, text="x" * 4096).status_code == 200


@pytest.mark.django_db
def test_missing_and_blocked_chats_come_from_options(client):
    sandbox = Sandbox("/sandbox")
    sandbox.set_options("telegram", missing_chats=[43], blocked_chats=["-4012345"])
    assert send(client, chat_id=43, text="hi").json()["description"] == "Bad Request: chat not found"
    blocked = send(client, chat_id=-4012345, text="hi")
    assert blocked.status_code == 403
    assert blocked.json() == {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
    assert send(client, chat_id=42, text="hi").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["not-a-token", "7012345678:short", "abc:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"])
def test_malformed_tokens_are_not_found(client, token):
    response = client.get(url("getMe", token))
    assert response.status_code == 404
    assert response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}


@pytest.mark.django_db
def test_unknown_method_is_not_found(client):
    assert client.get(url("sendSticker")).json() == {"ok": False, "error_code": 404, "description": "Not Found"}


@pytest.mark.django_db
def test_revoked_tokens_from_settings_and_options(client, settings):
    other = "7012345679:BBHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw2"
    settings.SANDBOX_TELEGRAM_REVOKED_TOKENS = [TOKEN]
    unauthorized = {"ok": False, "error_code": 401, "description": "Unauthorized"}
    assert client.get(url("getMe")).status_code == 401
    assert client.get(url("getMe")).json() == unauthorized
    assert client.get(url("getMe", other)).status_code == 200
    Sandbox("/sandbox").set_options("telegram", revoked_tokens=[other])
    assert client.get(url("getMe", other)).json() == unauthorized
    assert client.get(url("getMe")).status_code == 200  # options replace the settings' list


@pytest.mark.django_db
def test_expired_token_fault_is_401(client):
    response = send(client, headers={"X-Sandbox-Fault": "expired_token"}, chat_id=42, text="hi")
    assert response.status_code == 401
    assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}


@pytest.mark.django_db
def test_rate_limit_fault_has_telegrams_shape(client):
    response = send(client, headers={"X-Sandbox-Fault": "status=429;retry_after=15"}, chat_id=42, text="hi")
    assert response.status_code == 429
    assert response["Retry-After"] == "15"
    assert response.json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 15",
        "parameters": {"retry_after": 15},
    }


@pytest.mark.django_db
def test_server_errors(client):
    internal = send(client, headers={"X-Sandbox-Fault": "status=500"}, chat_id=42, text="hi")
    assert internal.status_code == 500
    assert internal.json() == {"ok": False, "error_code": 500, "description": "Internal Server Error"}
    gateway = send(client, headers={"X-Sandbox-Fault": "status=502"}, chat_id=42, text="hi")
    assert gateway.status_code == 502 and gateway["Content-Type"] == "text/html"
    assert b"<h1>502 Bad Gateway</h1>" in gateway.content


@pytest.mark.django_db
def test_received_messages_are_recorded_with_the_token_masked(client):
    send(client, chat_id=42, text="Order #1 shipped")
    client.get(url("getMe"))
    received = Sandbox("/sandbox").received("telegram")
    assert [(r.method, r.status) for r in received] == [("POST", 200), ("GET", 200)]
    assert received[0].path == "/sandbox/telegram/bot••••••••saw1/sendMessage"
    assert TOKEN not in received[0].path and TOKEN.split(":")[1] not in json.dumps(received[0].headers)
    assert received[0].json() == {"chat_id": 42, "text": "Order #1 shipped"}
