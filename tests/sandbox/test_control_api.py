"""The JSON control API under /sandbox/_control/."""

import json

import pytest

from sandbox.models import EmulatorConfig, EmulatorCounter, ReceivedRequest

ECHO = "/sandbox/echo/ping"
CONTROL = "/sandbox/_control"


def put(client, url, data, **kwargs):
    return client.put(url, data=json.dumps(data) if not isinstance(data, str) else data, content_type="application/json", **kwargs)


@pytest.mark.django_db
def test_sandbox_index_lists_emulators(client):
    body = client.get("/sandbox/").json()
    assert {"name": "telegram", "title": "Telegram Bot API", "path": "/sandbox/telegram/"} in body["emulators"]
    assert body["control"] == "/sandbox/_control/"


@pytest.mark.django_db
def test_control_index_shows_every_emulators_config(client):
    put(client, f"{CONTROL}/echo/faults/", {"status": 503})
    by_name = {e["emulator"]: e for e in client.get(f"{CONTROL}/").json()["emulators"]}
    assert by_name["echo"]["faults"] == {"status": 503} and by_name["echo"]["active"] is True
    assert by_name["telegram"] == {
        "title": "Telegram Bot API",
        "emulator": "telegram",
        "faults": {},
        "remaining": None,
        "active": False,
        "latency_ms": 0,
        "options": {},
        "updated_at": None,
    }


@pytest.mark.django_db
def test_put_faults_for_the_next_n_requests_then_get_them(client):
    response = put(client, f"{CONTROL}/echo/faults/", {"status": 503, "times": 2})
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("emulator", "faults", "remaining", "active")} == {
        "emulator": "echo",
        "faults": {"status": 503},
        "remaining": 2,
        "active": True,
    }
    assert [client.get(ECHO).status_code for _ in range(3)] == [503, 503, 200]
    after = client.get(f"{CONTROL}/echo/faults").json()
    assert (after["faults"], after["remaining"], after["active"]) == ({"status": 503}, 0, False)


@pytest.mark.django_db
def test_delete_faults_keeps_latency_and_options(client):
    put(client, f"{CONTROL}/echo/config/", {"latency_ms": 5, "options": {"x": 1}})
    put(client, f"{CONTROL}/echo/faults/", {"expired_token": True})
    assert client.get(ECHO).status_code == 401
    cleared = client.delete(f"{CONTROL}/echo/faults/").json()
    assert (cleared["faults"], cleared["latency_ms"], cleared["options"]) == ({}, 5, {"x": 1})
    assert client.get(ECHO).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "payload,code,message",
    [
        ({"status": 404}, "invalid_faults", "status must be 429 or 5xx, not 404."),
        ({}, "invalid_faults", "No fault given; clear the faults instead."),
        ({"times": 2}, "invalid_faults", "No fault given; clear the faults instead."),
        ("[1]", "invalid_json", "The body must be a JSON object."),
        ("{oops", "invalid_json", None),
    ],
)
def test_invalid_faults_are_refused_and_change_nothing(client, payload, code, message):
    response = put(client, f"{CONTROL}/echo/faults/", payload)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
    if message:
        assert response.json()["error"]["message"] == message
    assert not EmulatorConfig.objects.exists()


@pytest.mark.django_db
def test_config_sets_latency_and_options(client):
    response = put(client, f"{CONTROL}/telegram/config/", {"options": {"missing_chats": [42]}})
    assert response.json()["options"] == {"missing_chats": [42]}
    sent = client.get("/sandbox/telegram/bot1:" + "A" * 35 + "/sendMessage", {"chat_id": 42, "text": "hi"})
    assert sent.json()["description"] == "Bad Request: chat not found"
    bad = put(client, f"{CONTROL}/telegram/config/", {"latency_ms": -1})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_latency"
    unknown = put(client, f"{CONTROL}/telegram/config/", {"faults": {}})
    assert unknown.status_code == 400 and unknown.json()["error"]["code"] == "invalid_config"
    assert client.get(f"{CONTROL}/telegram/").json()["options"] == {"missing_chats": [42]}


@pytest.mark.django_db
def test_received_requests(client):
    for n in range(3):
        client.get(f"{ECHO}?n={n}", headers={"Authorization": "Bearer secret-token-0042"})
    body = client.get(f"{CONTROL}/echo/requests/", {"limit": 2}).json()
    assert body["emulator"] == "echo"
    assert [(r["method"], r["path"], r["query"], r["status"]) for r in body["requests"]] == [
        ("GET", "/sandbox/echo/ping", "n=1", 200),
        ("GET", "/sandbox/echo/ping", "n=2", 200),
    ]
    assert body["requests"][0]["headers"]["Authorization"] == "••••••••0042"
    first_id = body["requests"][0]["id"]
    after = client.get(f"{CONTROL}/echo/requests/", {"after_id": first_id}).json()["requests"]
    assert [r["query"] for r in after] == ["n=2"]
    assert client.get(f"{CONTROL}/echo/requests/", {"limit": 0}).status_code == 400
    assert client.get(f"{CONTROL}/echo/requests/", {"after_id": "x"}).json()["error"]["code"] == "invalid_query"


@pytest.mark.django_db
def test_reset_one_emulator(client):
    put(client, f"{CONTROL}/echo/faults/", {"status": 503, "times": 1})
    put(client, f"{CONTROL}/telegram/faults/", {"status": 500})
    client.get(ECHO, headers={"X-Sandbox-Fault": "latency_ms=0;status=502;times=1"})
    assert EmulatorCounter.objects.filter(emulator="echo").exists()
    response = client.post(f"{CONTROL}/echo/reset/")
    assert response.status_code == 200 and response.json()["faults"] == {}
    assert not ReceivedRequest.objects.filter(emulator="echo").exists()
    assert not EmulatorCounter.objects.filter(emulator="echo").exists()
    assert client.get(ECHO, headers={"X-Sandbox-Fault": "status=502;times=1"}).status_code == 502  # counter restarted
    assert client.get(f"{CONTROL}/telegram/").json()["faults"] == {"status": 500}


@pytest.mark.django_db
def test_reset_all(client):
    put(client, f"{CONTROL}/echo/faults/", {"status": 503})
    put(client, f"{CONTROL}/telegram/faults/", {"status": 500})
    assert client.post(f"{CONTROL}/reset/").json()["reset"] == [
        "echo",
        "google-ads",
        "google-oauth",
        "meta-graph",
        "openai",
        "shopee",
        "shopee-web",
        "telegram",
        "tiktok-business",
        "tiktok-events",
        "tiktok-shop",
        "tiktok-shop-auth",
    ]
    assert not EmulatorConfig.objects.exists()


@pytest.mark.django_db
def test_unknown_emulator_and_wrong_method(client):
    missing = client.get(f"{CONTROL}/nope/faults/")
    assert missing.status_code == 404
    assert missing.json() == {"error": {"code": "unknown_emulator", "message": "No emulator named 'nope'."}}
    wrong = client.post(f"{CONTROL}/echo/faults/")
    assert wrong.status_code == 405 and wrong["Allow"] == "GET, PUT, DELETE"


@pytest.mark.django_db
def test_control_token_guards_the_api_when_set(client, settings):
    settings.SANDBOX_CONTROL_TOKEN = "ctl-token"
    denied = client.get(f"{CONTROL}/echo/")
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "forbidden"
    assert client.get(f"{CONTROL}/echo/", headers={"X-Sandbox-Control-Token": "wrong"}).status_code == 403
    assert client.get(f"{CONTROL}/echo/", headers={"X-Sandbox-Control-Token": "ctl-token"}).status_code == 200
    assert client.get(ECHO).status_code == 200  # emulators themselves stay open


@pytest.mark.django_db
@pytest.mark.parametrize("url", [f"{CONTROL}/", f"{CONTROL}/echo/faults/", f"{CONTROL}/tiktok-shop/clock"])
def test_outside_debug_the_control_api_is_closed_without_a_configured_token(client, settings, url):
    settings.DEBUG, settings.SANDBOX_CONTROL_OPEN, settings.SANDBOX_CONTROL_TOKEN = False, False, ""
    refused = client.get(url)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "control_token_not_configured"
    assert "SANDBOX_CONTROL_TOKEN" in refused.json()["error"]["message"]
    # Even a caller that guesses a token gets nothing: there is none to match.
    assert client.get(url, headers={"X-Sandbox-Control-Token": ""}).status_code == 403
    assert client.get(url, headers={"X-Sandbox-Control-Token": "anything"}).status_code == 403
    assert client.get(ECHO).status_code == 200  # the emulators themselves stay open


@pytest.mark.django_db
def test_outside_debug_the_control_api_needs_the_right_token(client, settings):
    settings.DEBUG, settings.SANDBOX_CONTROL_OPEN, settings.SANDBOX_CONTROL_TOKEN = False, False, "ctl-token-0123456789"
    missing = client.put(f"{CONTROL}/echo/faults/", data=json.dumps({"status": 503}), content_type="application/json")
    wrong = client.put(
        f"{CONTROL}/echo/faults/",
        data=json.dumps({"status": 503}),
        content_type="application/json",
        headers={"X-Sandbox-Control-Token": "ctl-token-012345678X"},
    )
    for response, said in ((missing, "no token"), (wrong, "a wrong token")):
        assert response.status_code == 403 and response["Content-Type"] == "application/json"
        assert response.json()["error"]["code"] == "forbidden" and said in response.json()["error"]["message"]
    assert not EmulatorConfig.objects.filter(name="echo").exists()  # nothing changed
    right = client.get(f"{CONTROL}/echo/", headers={"X-Sandbox-Control-Token": "ctl-token-0123456789"})
    assert right.status_code == 200 and right.json()["emulator"] == "echo"


def test_only_a_debug_configuration_leaves_the_control_api_open(tmp_path):
    import os
    import subprocess
    import sys

    from django.conf import settings

    code = "import django; django.setup(); from django.conf import settings as s; print(s.SANDBOX_CONTROL_OPEN)"
    base = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SANDBOX_CONTROL_TOKEN", "ENV_FILE"}}
    production = {"DEBUG": "false", "SECRET_KEY": "c" * 50, "ALLOWED_HOSTS": "app.example.com", "FIELD_ENCRYPTION_KEYS": "Zm9yLXRlc3RzLW9ubHktMzItYnl0ZXMta2V5LTAwMDA="}
    shown = {}
    for label, env in {"debug": {"DEBUG": "true"}, "debug+token": {"DEBUG": "true", "SANDBOX_CONTROL_TOKEN": "t" * 30}, "production": production}.items():
        result = subprocess.run(
            [sys.executable, "-c", code],
            env={**base, **env, "DJANGO_SETTINGS_MODULE": "config.settings", "SANDBOX_ENABLED": "true", "VAR_DIR": str(tmp_path)},
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=60,
        )
        shown[label] = result.stdout.strip() or result.stderr
    assert shown == {"debug": "True", "debug+token": "False", "production": "False"}
