"""Ingest and read API: validation (400/413, nothing stored), idempotency, roles, tenants."""

from __future__ import annotations

import pytest

from conversions.models import Delivery, DeliveryStatus, Event
from core.models import Role
from tests.conversions.conftest import event_payload

pytestmark = pytest.mark.django_db
URL = "/api/conversions/events"


def stored(tenant) -> int:
    return Event.objects.for_tenant(tenant).count()


def test_one_event_is_stored_once_and_a_repeat_returns_the_stored_one(tenant_a, tiktok_a, api_client_for, settings):
    settings.OUTBOUND_MODE = "mock"
    api = api_client_for(tenant_a, Role.ANALYST)
    first = api.post(URL, event_payload(1), format="json")
    assert first.status_code == 201
    body = first.json()
    assert body["event_id"] == "appt-1"
    assert body["eventName"] == "TRIAL_BOOKED"
    assert body["email"] == "U***@Example.com"
    assert body["phone"] == "***34"
    assert [(d["platform"], d["status"]) for d in body["deliveries"]] == [("TIKTOK", "PENDING")]

    again = api.post(URL, {**event_payload(1), "event_name": "APPOINTMENT_UPDATED"}, format="json")
    assert again.status_code == 200
    assert again.json()["id"] == body["id"]
    assert again.json()["eventName"] == "TRIAL_BOOKED"  # the stored event, unchanged
    assert stored(tenant_a) == 1
    assert Delivery.objects.for_tenant(tenant_a).count() == 1


def test_batch_ingest_counts_new_and_existing(tenant_a, tiktok_a, meta_a, api_client_for):
    api = api_client_for(tenant_a, Role.ANALYST)
    api.post(URL, event_payload(1), format="json")
    response = api.post(URL, {"events": [event_payload(n) for n in (1, 2, 3, 2)]}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["created"], body["existing"]) == (2, 2)
    assert [(e["event_id"], e["created"]) for e in body["events"]] == [
        ("appt-1", False),
        ("appt-2", True),
        ("appt-3", True),
        ("appt-2", False),
    ]
    assert stored(tenant_a) == 3
    assert Delivery.objects.for_tenant(tenant_a).count() == 6
    assert api.post(URL, {"events": [event_payload(2)]}, format="json").status_code == 200


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({k: v for k, v in event_payload(1).items() if k != "event_id"}, {"event_id": ["This field is required."]}),
        ({k: v for k, v in event_payload(1).items() if k != "event_time"}, {"event_time": ["This field is required."]}),
        (
            event_payload(1, event_time="yesterday"),
            {"event_time": ["Expected an ISO 8601 datetime (2026-01-10T12:00:00Z) or unix seconds."]},
        ),
        (event_payload(1, event_id=42), {"event_id": ["Expected a string."]}),
        (event_payload(1, email=["a@b.co"]), {"email": ["Expected a string."]}),
        (event_payload(1, value="lots"), {"value": ["Expected a number."]}),
        (event_payload(1, value=True), {"value": ["Expected a number."]}),
        (event_payload(1, currency="dollars"), {"currency": ["Expected a 3-letter ISO 4217 code."]}),
        (event_payload(1, coupon={"x": 1}), {"coupon": ["Unknown field."]}),
    ],
)
def test_invalid_event_is_a_400_naming_the_field_and_stores_nothing(body, fields, tenant_a, tiktok_a, api_client_for):
    response = api_client_for(tenant_a, Role.ANALYST).post(URL, body, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["fields"] == fields
    assert stored(tenant_a) == 0


def test_one_bad_event_refuses_the_whole_batch(tenant_a, tiktok_a, api_client_for):
    events = [event_payload(1), {k: v for k, v in event_payload(2).items() if k != "event_time"}, event_payload(3, value="x")]
    response = api_client_for(tenant_a, Role.ANALYST).post(URL, {"events": events}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "events[1].event_time": ["This field is required."],
        "events[2].value": ["Expected a number."],
    }
    assert stored(tenant_a) == 0


def test_oversize_batch_is_413_and_stores_nothing(tenant_a, tiktok_a, api_client_for, settings):
    settings.CONVERSIONS_INGEST_MAX_BATCH = 5
    response = api_client_for(tenant_a, Role.ANALYST).post(URL, {"events": [event_payload(n) for n in range(6)]}, format="json")
    assert response.status_code == 413
    assert response.json()["error"] == {
        "code": "payload_too_large",
        "message": "At most 5 events per request; got 6. Split the batch.",
        "fields": {},
    }
    assert stored(tenant_a) == 0


def test_malformed_json_is_400(tenant_a, api_client_for):
    response = api_client_for(tenant_a, Role.ANALYST).post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_request"


def test_unix_seconds_and_milliseconds_are_accepted(tenant_a, api_client_for):
    api = api_client_for(tenant_a, Role.ANALYST)
    assert api.post(URL, event_payload(1, event_time=1704931200), format="json").json()["eventTime"] == "2024-01-11T00:00:00Z"
    assert api.post(URL, event_payload(2, event_time=1704931200000), format="json").json()["eventTime"] == "2024-01-11T00:00:00Z"


def test_unknown_event_name_is_stored_and_its_deliveries_skipped(
    tenant_a, tiktok_a, api_client_for, mock_upstream, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client_for(tenant_a, Role.ANALYST).post(URL, event_payload(1, event_name="WEBINAR_JOINED"), format="json")
    assert response.status_code == 201
    delivery = Delivery.objects.for_tenant(tenant_a).get()
    assert (delivery.status, delivery.reason) == (DeliveryStatus.SKIPPED, "No TikTok event mapping for: WEBINAR_JOINED")


def test_viewer_cannot_ingest_but_can_read(tenant_a, api_client_for):
    assert api_client_for(tenant_a, Role.VIEWER).post(URL, event_payload(1), format="json").status_code == 403
    assert api_client_for(tenant_a, Role.VIEWER).get(URL).status_code == 200
    assert stored(tenant_a) == 0


def test_list_shows_deliveries_with_request_and_response(tenant_a, tiktok_a, api_client_for, platforms, django_capture_on_commit_callbacks):
    api = api_client_for(tenant_a, Role.ANALYST)
    with django_capture_on_commit_callbacks(execute=True):
        api.post(URL, {"events": [event_payload(1, ip="203.0.113.5"), event_payload(2, event_name="TRIAL_CANCELED")]}, format="json")
    body = api.get(URL, {"status": "SENT"}).json()
    assert body["count"] == 1
    [event] = body["results"]
    [delivery] = event["deliveries"]
    assert delivery["status"] == "SENT"
    assert delivery["responseCode"] == 200
    assert delivery["requestBody"]["data"][0]["event_id"] == "appt-1"
    assert delivery["requestBody"]["data"][0]["user"]["ip"] == "203.0.113.x"
    assert "tt-token-123" not in str(body)
    assert (
        api.get(URL, {"status": "SKIPPED"}).json()["results"][0]["deliveries"][0]["reason"] == "No TikTok event mapping for: TRIAL_CANCELED"
    )
    assert api.get(URL, {"status": "NOPE"}).status_code == 400


def test_another_tenants_event_is_a_404(tenant_a, tenant_b, api_client_for):
    event_id = api_client_for(tenant_a, Role.ANALYST).post(URL, event_payload(1), format="json").json()["id"]
    assert api_client_for(tenant_a).get(f"{URL}/{event_id}").status_code == 200
    assert api_client_for(tenant_b).get(f"{URL}/{event_id}").status_code == 404
    # The same event id in another tenant is a different event.
    assert api_client_for(tenant_b, Role.ANALYST).post(URL, event_payload(1), format="json").status_code == 201


def test_replay_api_is_admin_only(tenant_a, tiktok_a, api_client_for):
    assert (
        api_client_for(tenant_a, Role.ANALYST)
        .post("/api/conversions/deliveries/replay", {"destination_id": tiktok_a.pk}, format="json")
        .status_code
        == 403
    )
    response = api_client_for(tenant_a, Role.ADMIN).post(
        "/api/conversions/deliveries/replay", {"destination_id": tiktok_a.pk}, format="json"
    )
    assert response.status_code == 202
    assert response.json() == {"replayed": 0}
