"""The Meta Conversions API emulator (``/{pixel_id}/events`` on the Graph API)."""

import hashlib
import json
import time
import uuid
from urllib.parse import urlencode

import pytest
import requests

from sandbox.emulators.tiktok_events import receipts
from sandbox.models import ConversionReceipt, ReceivedRequest

PIXEL = "1234567890123456"
URL = f"/sandbox/meta-graph/v21.0/{PIXEL}/events"
TOKEN = "EAAB-meta-token"
EMAIL_HASH = hashlib.sha256(b"user@example.com").hexdigest()
PHONE_HASH = hashlib.sha256(b"+14155551234").hexdigest()


def event(n: int = 1, **overrides) -> dict:
    body = {
        "event_name": "Lead",
        "event_time": int(time.time()) - 3600,
        "event_id": f"appt-{n}",
        "action_source": "website",
        "event_source_url": "https://virtu.academy/schedule",
        "user_data": {
            "em": [EMAIL_HASH],
            "ph": [PHONE_HASH],
            "external_id": [hashlib.sha256(f"user-{n}".encode()).hexdigest()],
            "client_ip_address": "203.0.113.5",
            "client_user_agent": "Mozilla/5.0",
            "fbc": "fb.1.1554763741205.AbCdEfGhIjKlMnOp",
            "fbp": "fb.1.1558571054389.1098115397",
        },
        "custom_data": {"currency": "usd", "value": 50.0},
    }
    body.update(overrides)
    return body


def send(client, events=None, *, url=URL, token=TOKEN, headers=None, **top):
    body = {"data": events if events is not None else [event()]}
    if token is not None:
        body["access_token"] = token
    body.update(top)
    return client.post(url, data=json.dumps(body), content_type="application/json", headers=headers or {})


def graph_error(response) -> dict:
    error = response.json()["error"]
    assert error["type"] == "OAuthException" and len(error["fbtrace_id"]) == 11
    return error


@pytest.mark.django_db
def test_a_documented_json_batch_is_received(client):
    response = send(client, [event(1), event(2, event_name="Schedule")], test_event_code="TEST12345")
    assert response.status_code == 200
    body = response.json()
    assert body == {"events_received": 2, "messages": [], "fbtrace_id": body["fbtrace_id"]}
    rows = list(ConversionReceipt.objects.values_list("emulator", "destination", "event_id", "event_name", "test_event_code", "request_id"))
    assert rows == [
        ("meta-graph", PIXEL, "appt-1", "Lead", "TEST12345", body["fbtrace_id"]),
        ("meta-graph", PIXEL, "appt-2", "Schedule", "TEST12345", body["fbtrace_id"]),
    ]


@pytest.mark.django_db
def test_form_body_with_data_as_a_json_string_and_token_in_the_query(client):
    form = urlencode({"data": json.dumps([event(1)]), "test_event_code": "T1"})
    response = client.post(
        f"/sandbox/meta-graph/v19.0/{PIXEL}/events?access_token={TOKEN}", data=form, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200 and response.json()["events_received"] == 1
    json_string = send(client, json.dumps([event(2)]), url=f"/sandbox/meta-graph/v21.0/{PIXEL}/events/")
    assert json_string.status_code == 200
    assert list(ConversionReceipt.objects.values_list("event_id", "test_event_code")) == [("appt-1", "T1"), ("appt-2", "")]


@pytest.mark.django_db
def test_access_token_is_masked_in_the_record(client):
    send(client)
    client.post(
        f"{URL}?access_token={TOKEN}", data=urlencode({"data": json.dumps([event(1)])}), content_type="application/x-www-form-urlencoded"
    )
    records = list(ReceivedRequest.objects.filter(emulator="meta-graph"))
    assert len(records) == 2
    assert all(TOKEN not in record.body and TOKEN not in record.query for record in records)


@pytest.mark.django_db
def test_a_token_in_the_json_body_is_masked_even_with_an_escaped_key(client):
    plain = json.dumps({"data": [event(1)], "access_token": TOKEN})
    escaped = plain.replace('"access_token"', '"access\\u005ftoken"')
    for body in (plain, escaped):
        response = client.post(URL, data=body, content_type="application/json")
        assert response.status_code == 200 and response.json()["events_received"] == 1
    records = list(ReceivedRequest.objects.filter(emulator="meta-graph"))
    assert [record.json()["access_token"] for record in records] == ["••••••••" + TOKEN[-4:]] * 2


@pytest.mark.django_db
def test_server_side_events_without_browser_fields(client):
    booking = event(1, action_source="system_generated", event_source_url=None, user_data={"em": EMAIL_HASH})
    assert send(client, [booking]).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda e: e.pop("event_name"), "(#100) data[0].event_name is required"),
        (lambda e: e.pop("event_time"), "(#100) data[0].event_time is required"),
        (lambda e: e.update(event_time=str(int(time.time()))), "(#100) data[0].event_time must be a unix timestamp in seconds"),
        (lambda e: e.update(event_time=int(time.time() * 1000)), "(#100) data[0].event_time must be a unix timestamp in seconds"),
        (lambda e: e.pop("action_source"), "(#100) data[0].action_source is required"),
        (lambda e: e.update(action_source="web"), "(#100) data[0].action_source must be one of website, app, email"),
        (lambda e: e["user_data"].update(em=["user@example.com"]), "(#100) data[0].user_data.em[0]: must be a SHA-256 hex digest"),
        (lambda e: e["user_data"].update(ph="+14155551234"), "(#100) data[0].user_data.ph: must be a SHA-256 hex digest"),
        (lambda e: e["user_data"].update(external_id=[EMAIL_HASH, "user-1"]), "(#100) data[0].user_data.external_id[1]: must be a SHA-256"),
        (lambda e: e["user_data"].update(fbc=EMAIL_HASH), "(#100) data[0].user_data.fbc must not be hashed"),
        (lambda e: e["user_data"].update(client_ip_address=EMAIL_HASH), "(#100) data[0].user_data.client_ip_address must not be hashed"),
        (lambda e: e["user_data"].update(client_ip_address="999.1.1.1"), "(#100) data[0].user_data.client_ip_address is not a valid IP"),
        (lambda e: e.pop("user_data"), "(#100) data[0].user_data is required and must be an object"),
        (lambda e: e["user_data"].pop("client_user_agent"), "(#100) data[0].user_data.client_user_agent is required for website events"),
        (lambda e: e.pop("event_source_url"), "(#100) data[0].event_source_url is required for website events"),
        (lambda e: e["custom_data"].update(value="50"), "(#100) data[0].custom_data.value must be a number"),
        (lambda e: e["custom_data"].update(currency="dollar"), "(#100) data[0].custom_data.currency must be an ISO 4217 code"),
        (lambda e: e.update(event_id=42), "(#100) data[0].event_id must be a string"),
    ],
)
def test_param_errors_are_code_100_naming_the_field(client, change, message):
    bad = event(1)
    change(bad)
    response = send(client, [bad])
    assert response.status_code == 400
    error = graph_error(response)
    assert error["code"] == 100 and "error_subcode" not in error and error["is_transient"] is False
    assert error["message"].startswith(message)
    assert ConversionReceipt.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        (None, "(#100) The parameter data is required"),
        ({"a": 1}, "(#100) param data must be an array."),
        ("[not json", "(#100) param data must be an array."),
    ],
)
def test_data_must_be_an_array(client, data, message):
    body = {"access_token": TOKEN}
    if data is not None:
        body["data"] = data
    response = client.post(URL, data=json.dumps(body), content_type="application/json")
    assert response.status_code == 400 and graph_error(response)["message"] == message


@pytest.mark.django_db
def test_one_event_older_than_7_days_rejects_the_whole_batch(client):
    now = int(time.time())
    fresh, stale = event(1), event(2, event_time=now - 7 * 86400 - 60)
    response = send(client, [fresh, stale])
    assert response.status_code == 400
    error = graph_error(response)
    assert (error["code"], error["error_subcode"], error["message"]) == (100, 2804003, "Invalid parameter")
    assert error["error_user_title"] == "Event Timestamp Too Old"
    assert "data[1].event_time" in error["error_user_msg"] and "more than 7 days in the past" in error["error_user_msg"]
    assert ConversionReceipt.objects.count() == 0
    assert send(client, [fresh, event(2, event_time=now - 7 * 86400 + 600)]).status_code == 200


@pytest.mark.django_db
def test_physical_store_events_may_be_62_days_old(client):
    now = int(time.time())
    store = {"action_source": "physical_store", "event_source_url": None}
    assert send(client, [event(1, event_time=now - 60 * 86400, **store)]).status_code == 200
    assert graph_error(send(client, [event(2, event_time=now - 63 * 86400, **store)]))["error_subcode"] == 2804003


@pytest.mark.django_db
def test_future_events_are_refused(client):
    response = send(client, [event(1, event_time=int(time.time()) + 3600)])
    error = graph_error(response)
    assert response.status_code == 400 and (error["code"], error["error_subcode"]) == (100, 2804004)


@pytest.mark.django_db
def test_events_without_customer_information_are_refused(client):
    response = send(client, [event(1, action_source="other", user_data={})])
    error = graph_error(response)
    assert (error["code"], error["error_subcode"], error["error_user_title"]) == (100, 2804050, "Customer information parameters")


@pytest.mark.django_db
def test_at_most_1000_events_by_default(client, sandbox):
    assert send(client, [event(n) for n in range(1000)]).json()["events_received"] == 1000
    response = send(client, [event(n) for n in range(1001)])
    assert response.status_code == 400 and graph_error(response)["message"] == "(#100) data: at most 1000 events per request (got 1001)"
    sandbox.set_options("meta-graph", max_events=5)
    assert send(client, [event(n) for n in range(6)]).status_code == 400
    assert ConversionReceipt.objects.count() == 1000


@pytest.mark.django_db
def test_tokens_missing_revoked_and_restored(client):
    missing = send(client, token=None)
    assert missing.status_code == 401
    assert (
        graph_error(missing)["code"] == 190 and graph_error(missing)["message"] == "An access token is required to request this resource."
    )
    client.post("/sandbox/_control/meta-graph/tokens", data=json.dumps({"revoke": [TOKEN]}), content_type="application/json")
    revoked = send(client)
    assert revoked.status_code == 401 and (graph_error(revoked)["code"], graph_error(revoked)["error_subcode"]) == (190, 460)
    assert send(client, token="EAAB-other").status_code == 200
    client.post("/sandbox/_control/meta-graph/tokens", data=json.dumps({"restore": [TOKEN]}), content_type="application/json")
    assert send(client).status_code == 200
    assert ConversionReceipt.objects.count() == 2


@pytest.mark.django_db
def test_unknown_or_malformed_pixel_is_code_100_subcode_33(client):
    client.post("/sandbox/_control/meta-graph/destinations", data=json.dumps({"break": [PIXEL]}), content_type="application/json")
    response = send(client)
    error = graph_error(response)
    assert response.status_code == 400 and (error["code"], error["error_subcode"]) == (100, 33)
    assert f"Object with ID '{PIXEL}' does not exist" in error["message"]
    client.post("/sandbox/_control/meta-graph/destinations", data=json.dumps({"fix": [PIXEL]}), content_type="application/json")
    assert send(client).status_code == 200
    assert graph_error(send(client, url="/sandbox/meta-graph/v21.0/my-pixel/events"))["error_subcode"] == 33


@pytest.mark.django_db
def test_qps_limit_is_code_4(client, sandbox, monkeypatch):
    monkeypatch.setattr(receipts, "clock", lambda: 1_900_000_000.25)
    sandbox.set_options("meta-graph", qps=1)
    token = f"EAAB-{uuid.uuid4()}"
    assert send(client, token=token).status_code == 200
    limited = send(client, token=token)
    error = graph_error(limited)
    assert limited.status_code == 400 and limited["Retry-After"] == "1"
    assert (error["code"], error["message"], error["is_transient"]) == (4, "(#4) Application request limit reached", True)


@pytest.mark.django_db
def test_faults_in_metas_shape(client):
    expired = send(client, headers={"X-Sandbox-Fault": "expired_token"})
    assert expired.status_code == 401 and (graph_error(expired)["code"], graph_error(expired)["error_subcode"]) == (190, 463)
    limited = send(client, headers={"X-Sandbox-Fault": "status=429;retry_after=5"})
    assert limited.status_code == 400 and limited["Retry-After"] == "5" and graph_error(limited)["code"] == 4
    failed = send(client, headers={"X-Sandbox-Fault": "status=500"})
    assert failed.status_code == 500 and (graph_error(failed)["code"], graph_error(failed)["is_transient"]) == (1, True)
    assert ConversionReceipt.objects.count() == 0


@pytest.mark.django_db
def test_receipts_summary_counts_resends(client):
    send(client, [event(1), event(2)])
    send(client, [event(2)])
    send(client, [event(1)], url="/sandbox/meta-graph/v21.0/999/events")
    summary = client.get("/sandbox/_control/meta-graph/receipts/summary").json()
    assert summary == {
        "emulator": "meta-graph",
        "total": 4,
        "distinct_event_ids": 2,
        "duplicates": 1,
        "without_event_id": 0,
        "by_destination": {
            "1234567890123456": {"total": 3, "distinct_event_ids": 2, "duplicates": 1, "without_event_id": 0},
            "999": {"total": 1, "distinct_event_ids": 1, "duplicates": 0, "without_event_id": 0},
        },
    }
    rows = client.get("/sandbox/_control/meta-graph/receipts?event_id=appt-2").json()["receipts"]
    assert [row["destination"] for row in rows] == [PIXEL, PIXEL]


@pytest.mark.django_db
def test_the_setting_points_requests_at_the_emulator(sandbox, settings):
    response = requests.post(
        f"{settings.META_GRAPH_API_BASE}/v21.0/{PIXEL}/events", params={"access_token": TOKEN}, json={"data": [event(1)]}, timeout=5
    )
    assert response.status_code == 200 and response.json()["events_received"] == 1
    assert TOKEN not in sandbox.received("meta-graph")[0].query
