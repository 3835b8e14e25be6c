"""The signed booking webhook: signature, tolerance, replays, appointment mapping."""

from __future__ import annotations

import json
import time

import pytest

from conversions.models import Event
from conversions.services import inbound_source_create, inbound_source_secret_rotate, webhook_signature
from core.models import WebhookDelivery
from core.tenancy import tenant_scope

pytestmark = pytest.mark.django_db
SECRET = "whsec_test_secret"


@pytest.fixture
def source(tenant_a):
    with tenant_scope(tenant_a):
        return inbound_source_create(tenant=tenant_a, name="Acuity", secret=SECRET)[0]


def appointment(kind="appointment.scheduled", *, trial=True, appointment_id="12345", **extra) -> bytes:
    payload = {
        "type": kind,
        "occurred_at": "2026-01-10T12:00:00Z",
        "appointment": {
            "id": appointment_id,
            "is_trial": trial,
            "datetime": "2026-01-12T15:00:00Z",
            "email": "Parent@Example.com",
            "phone": "+14155551234",
            "ttclid": "E.C.P.abc",
            "price": "50.00",
            "currency": "USD",
            **extra,
        },
    }
    return json.dumps(payload).encode()


def post(client, source, body: bytes, *, delivery="dlv-1", secret=SECRET, timestamp=None, header=None):
    timestamp = int(time.time()) if timestamp is None else timestamp
    signature = header if header is not None else f"t={timestamp},v1={webhook_signature(secret, timestamp, body)}"
    return client.post(
        f"/api/conversions/webhooks/bookings?source={source.public_id}",
        data=body,
        content_type="application/json",
        HTTP_X_BOOKING_SIGNATURE=signature,
        HTTP_X_BOOKING_DELIVERY=delivery,
    )


def events(tenant):
    return list(Event.objects.for_tenant(tenant).order_by("id").values_list("event_id", "name"))


def test_signed_trial_booking_becomes_trial_booked(client, tenant_a, source):
    response = post(client, source, appointment())
    assert response.status_code == 200
    assert response.json() == {"ok": True, "duplicate": False, "event_id": "appt-12345"}
    event = Event.objects.for_tenant(tenant_a).get()
    assert (event.name, event.email, event.ttclid, str(event.value), event.source) == (
        "TRIAL_BOOKED",
        "Parent@Example.com",
        "E.C.P.abc",
        "50.00",
        "webhook",
    )
    assert event.event_time.isoformat() == "2026-01-10T12:00:00+00:00"


def test_replayed_delivery_is_an_idempotent_200_and_stores_nothing_twice(client, tenant_a, source):
    body = appointment()
    assert post(client, source, body).status_code == 200
    again = post(client, source, body)
    assert again.status_code == 200
    assert again.json() == {"ok": True, "duplicate": True, "event_id": "appt-12345"}
    assert events(tenant_a) == [("appt-12345", "TRIAL_BOOKED")]
    assert WebhookDelivery.objects.for_tenant(tenant_a).count() == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"secret": "wrong-secret"}, "Signature does not match."),
        ({"timestamp_offset": -400}, "Signature timestamp outside the tolerance window."),
        ({"timestamp_offset": 400}, "Signature timestamp outside the tolerance window."),
        ({"header": ""}, "Missing or malformed signature header."),
        ({"header": "v1=abc"}, "Missing or malformed signature header."),
    ],
)
def test_bad_or_stale_signature_is_401_and_stores_nothing(kwargs, message, client, tenant_a, source):
    # The offset is applied when the test runs, not when it is collected minutes earlier.
    if "timestamp_offset" in kwargs:
        kwargs = {"timestamp": int(time.time()) + kwargs["timestamp_offset"]}
    response = post(client, source, appointment(), **kwargs)
    assert response.status_code == 401
    assert response.json()["error"] == {"code": "invalid_signature", "message": message, "fields": {}}
    assert events(tenant_a) == []
    assert WebhookDelivery.objects.for_tenant(tenant_a).count() == 0


def test_tampered_body_fails_the_signature(client, tenant_a, source):
    timestamp = int(time.time())
    header = f"t={timestamp},v1={webhook_signature(SECRET, timestamp, appointment())}"
    assert post(client, source, appointment(price="0.01"), header=header).status_code == 401
    assert events(tenant_a) == []


def test_a_rotated_secret_can_sign_next_to_the_old_one(client, tenant_a, source):
    timestamp = int(time.time())
    body = appointment()
    header = f"t={timestamp},v1={webhook_signature('old', timestamp, body)},v1={webhook_signature(SECRET, timestamp, body)}"
    assert post(client, source, body, header=header).status_code == 200


def test_unknown_source_is_401(client, tenant_a, source):
    source.public_id = "00000000-0000-0000-0000-000000000000"
    assert post(client, source, appointment()).status_code == 401
    source.public_id = "not-a-uuid"
    assert post(client, source, appointment()).status_code == 401


@pytest.mark.parametrize(
    ("kind", "trial", "name", "event_id"),
    [
        ("appointment.scheduled", True, "TRIAL_BOOKED", "appt-12345"),
        ("appointment.rescheduled", True, "TRIAL_RESCHEDULED", "appt-12345-rescheduled-2026-01-12T15:00:00Z"),
        ("appointment.canceled", True, "TRIAL_CANCELED", "appt-12345-canceled"),
        ("appointment.scheduled", False, "APPOINTMENT_UPDATED", "appt-12345-updated-dlv-1"),
        ("appointment.changed", False, "APPOINTMENT_UPDATED", "appt-12345-updated-dlv-1"),
    ],
)
def test_appointment_types_map_to_canonical_events(kind, trial, name, event_id, client, tenant_a, source):
    assert post(client, source, appointment(kind, trial=trial)).status_code == 200
    assert events(tenant_a) == [(event_id, name)]


def test_unusable_payload_is_400_and_stores_nothing(client, tenant_a, source):
    assert post(client, source, json.dumps({"type": "invoice.paid"}).encode()).status_code == 400
    assert post(client, source, b"not json", delivery="dlv-2").status_code == 400
    assert events(tenant_a) == []
    assert WebhookDelivery.objects.for_tenant(tenant_a).count() == 0


def test_after_a_rotation_both_secrets_are_accepted_until_the_old_one_is_cleared(client, tenant_a, source):
    with tenant_scope(tenant_a):
        new_secret = inbound_source_secret_rotate(source=source)

    assert new_secret.startswith("whsec_") and new_secret != SECRET
    assert post(client, source, appointment(appointment_id="1"), delivery="dlv-old", secret=SECRET).status_code == 200
    assert post(client, source, appointment(appointment_id="2"), delivery="dlv-new", secret=new_secret).status_code == 200
    third = post(client, source, appointment(appointment_id="3"), delivery="dlv-3", secret="whsec_someone_else")
    assert third.status_code == 401 and third.json()["error"]["message"] == "Signature does not match."

    with tenant_scope(tenant_a):
        source.previous_secret = ""
        source.save(update_fields=["previous_secret"])
    assert post(client, source, appointment(appointment_id="4"), delivery="dlv-4", secret=SECRET).status_code == 401
    assert events(tenant_a) == [("appt-1", "TRIAL_BOOKED"), ("appt-2", "TRIAL_BOOKED")]


def test_deliveries_are_deduplicated_per_source(client, tenant_a, source):
    with tenant_scope(tenant_a):
        other = inbound_source_create(tenant=tenant_a, name="Calendly", secret=SECRET)[0]

    assert post(client, source, appointment(appointment_id="1")).json()["duplicate"] is False
    assert post(client, other, appointment(appointment_id="2")).json()["duplicate"] is False  # same delivery id, other source
    assert WebhookDelivery.objects.for_tenant(tenant_a).filter(provider="booking").count() == 2
