"""What emulators received: masking, bounds, opt-in (sandbox.services.received_request_record)."""

import json

import pytest
from django.test import RequestFactory

from sandbox.framework import Emulator, handle_request, json_response
from sandbox.models import ReceivedRequest
from sandbox.selectors import received_request_list

ECHO = "/sandbox/echo/v1/events"


@pytest.mark.django_db
def test_a_request_is_recorded_with_secrets_masked(client):
    body = {"event": "Purchase", "access_token": "EAAB-meta-token-1234", "data": [{"user": {"secret": "s3cr3t-value-9876"}, "value": 5}]}
    client.post(
        f"{ECHO}?access_token=query-token-abcd&pixel=77",
        data=json.dumps(body),
        content_type="application/json",
        headers={
            "Authorization": "Bearer live-secret-key-0001",
            "Access-Token": "tiktok-access-token-5555",
            "developer-token": "google-dev-token-4321",
            "X-Correlation-ID": "corr-1",
        },
    )
    [record] = ReceivedRequest.objects.filter(emulator="echo")
    assert (record.method, record.path, record.status, record.fault) == ("POST", ECHO, 200, "")
    assert record.query_params == {"access_token": "••••••••abcd", "pixel": "77"}
    assert record.headers["Authorization"] == "••••••••0001"
    assert record.headers["Access-Token"] == "••••••••5555"
    assert record.headers["Developer-Token"] == "••••••••4321"
    assert record.headers["X-Correlation-Id"] == "corr-1"
    assert record.json() == {
        "event": "Purchase",
        "access_token": "••••••••1234",
        "data": [{"user": {"secret": "••••••••9876"}, "value": 5}],
    }
    stored = json.dumps([record.query, record.headers, record.body])
    for secret in ("query-token", "live-secret-key", "tiktok-access-token", "google-dev-token", "EAAB-meta", "s3cr3t-value"):
        assert secret not in stored


@pytest.mark.django_db
def test_bodies_without_secrets_are_kept_verbatim(client):
    raw = '{ "event" : "Purchase",\n  "value": 5 }'
    client.post(ECHO, data=raw, content_type="application/json")
    assert ReceivedRequest.objects.get().body == raw


@pytest.mark.django_db
def test_form_bodies_are_masked(client):
    client.post(ECHO, data="client_secret=form-secret-7777&grant=code", content_type="application/x-www-form-urlencoded")
    assert (
        ReceivedRequest.objects.get().body
        == "client_secret=%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A27777&grant=code"
    )


@pytest.mark.django_db
def test_faulted_requests_are_recorded_with_the_fault(client):
    client.get(ECHO, headers={"X-Sandbox-Fault": "status=429;retry_after=2"})
    record = ReceivedRequest.objects.get()
    assert (record.status, record.fault) == (429, "status=429;retry_after=2")


@pytest.mark.django_db
def test_records_are_bounded_per_emulator(client, settings):
    settings.SANDBOX_RECEIVED_MAX = 3
    client.get("/sandbox/telegram/bot1:" + "A" * 35 + "/getMe")
    for n in range(5):
        client.get(f"{ECHO}?n={n}")
    kept = received_request_list(emulator="echo")
    assert [r.query for r in kept] == ["n=2", "n=3", "n=4"]
    assert ReceivedRequest.objects.filter(emulator="telegram").count() == 1


@pytest.mark.django_db
def test_list_is_oldest_first_with_limit_and_after_id(client):
    for n in range(4):
        client.get(f"{ECHO}?n={n}")
    all_ids = [r.id for r in received_request_list(emulator="echo")]
    assert [r.query for r in received_request_list(emulator="echo", limit=2)] == ["n=2", "n=3"]
    assert [r.query for r in received_request_list(emulator="echo", after_id=all_ids[0], limit=2)] == ["n=1", "n=2"]


@pytest.mark.django_db
def test_long_bodies_are_cut_after_masking(client, settings):
    settings.SANDBOX_RECEIVED_BODY_MAX = 40
    client.post(ECHO, data=json.dumps({"padding": "x" * 100, "access_token": "tail-secret-abcd"}), content_type="application/json")
    body = ReceivedRequest.objects.get().body
    assert body.startswith('{"padding": "xxxx') and body.endswith("…<truncated, 147 characters>")
    assert "tail-secret" not in body


@pytest.mark.django_db
def test_multipart_bodies_are_summarised(client):
    client.post(ECHO, data={"video_file": ("clip.mp4", b"\x00\x01binary")})
    assert ReceivedRequest.objects.get().body.startswith("<multipart body, ")


@pytest.mark.django_db
def test_emulators_that_do_not_opt_in_record_nothing():
    class Quiet(Emulator):
        name = "quiet"

    response = handle_request(Quiet(), lambda request: json_response({}), ("GET",), RequestFactory().get("/sandbox/quiet/x"))
    assert response.status_code == 200
    assert not ReceivedRequest.objects.exists()


@pytest.mark.django_db
def test_emulators_can_add_secret_headers_and_fields():
    class Custom(Emulator):
        name = "custom"
        record_requests = True
        secret_headers = ("X-Partner-Sign",)
        secret_fields = ("sign",)

    request = RequestFactory().post("/sandbox/custom/x?sign=abcdef123456", headers={"X-Partner-Sign": "hmac-value-9999"})
    handle_request(Custom(), lambda request: json_response({}), ("POST",), request)
    record = ReceivedRequest.objects.get(emulator="custom")
    assert record.headers["X-Partner-Sign"] == "••••••••9999"
    assert record.query_params == {"sign": "••••••••3456"}
