"""The inbound booking webhook: signature, canonical event, idempotent receive; inbound sources."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction

from conversions.models import Event, EventSource, InboundDelivery, InboundSource
from conversions.services.ingest import events_ingest
from core.exceptions import ApplicationError
from core.models import Tenant

# --- Inbound booking webhook --------------------------------------------------------------------

SIGNATURE_HEADER = "X-Booking-Signature"
DELIVERY_HEADER = "X-Booking-Delivery"
SOURCE_HEADER = "X-Booking-Source"


class WebhookRejected(ApplicationError):
    status = 401
    code = "invalid_signature"


def webhook_signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def webhook_verify(*, secret: str, header: str, body: bytes, now: float | None = None) -> int:
    """Check a ``t=<unix>,v1=<hex>`` header; returns the timestamp or raises ``WebhookRejected``."""
    parts: dict[str, list[str]] = defaultdict(list)
    for item in (header or "").split(","):
        key, _, value = item.strip().partition("=")
        if key and value:
            parts[key].append(value)
    try:
        timestamp = int(parts["t"][0])
    except (IndexError, ValueError):
        raise WebhookRejected("Missing or malformed signature header.") from None
    now = time.time() if now is None else now
    if abs(now - timestamp) > settings.CONVERSIONS_WEBHOOK_TOLERANCE_SECONDS:
        raise WebhookRejected("Signature timestamp outside the tolerance window.")
    expected = webhook_signature(secret, timestamp, body)
    if not any(hmac.compare_digest(expected, candidate) for candidate in parts.get("v1", [])):
        raise WebhookRejected("Signature does not match.")
    return timestamp


APPOINTMENT_TYPES = {"appointment.scheduled", "appointment.rescheduled", "appointment.canceled", "appointment.changed"}


def appointment_event(payload: dict, *, delivery_id: str) -> dict:
    """The canonical event of a booking webhook (shape in the README): trial bookings,
    reschedules and cancellations map to TRIAL_*, anything else to APPOINTMENT_UPDATED."""
    from conversions.serializers import EventIngestSerializer

    kind = payload.get("type")
    appointment = payload.get("appointment")
    if kind not in APPOINTMENT_TYPES or not isinstance(appointment, dict) or not appointment.get("id"):
        raise ApplicationError(
            "Expected {type: appointment.scheduled|rescheduled|canceled|changed, appointment: {id, ...}}.", code="invalid_payload"
        )
    appointment_id = str(appointment["id"])
    is_trial = bool(appointment.get("is_trial"))
    if is_trial and kind == "appointment.scheduled":
        name, event_id = "TRIAL_BOOKED", f"appt-{appointment_id}"
    elif is_trial and kind == "appointment.rescheduled":
        name, event_id = "TRIAL_RESCHEDULED", f"appt-{appointment_id}-rescheduled-{appointment.get('datetime') or delivery_id}"
    elif is_trial and kind == "appointment.canceled":
        name, event_id = "TRIAL_CANCELED", f"appt-{appointment_id}-canceled"
    else:
        name, event_id = "APPOINTMENT_UPDATED", f"appt-{appointment_id}-updated-{delivery_id}"
    raw_event = {
        "event_id": event_id[:200],
        "event_name": name,
        "event_time": payload.get("occurred_at") or int(time.time()),
        "email": appointment.get("email"),
        "phone": appointment.get("phone"),
        "external_id": appointment.get("client_id"),
        "ttclid": appointment.get("ttclid"),
        "ttp": appointment.get("ttp"),
        "gclid": appointment.get("gclid"),
        "gbraid": appointment.get("gbraid"),
        "wbraid": appointment.get("wbraid"),
        "fbc": appointment.get("fbc"),
        "fbp": appointment.get("fbp"),
        "ip": appointment.get("ip"),
        "user_agent": appointment.get("user_agent"),
        "page_url": appointment.get("page_url"),
        "page_referrer": appointment.get("referrer"),
        "value": appointment.get("price"),
        "currency": appointment.get("currency"),
    }
    serializer = EventIngestSerializer(data={key: value for key, value in raw_event.items() if value not in (None, "")})
    serializer.is_valid(raise_exception=True)
    event = serializer.validated_data["events"][0]
    event["raw"] = {"webhook_type": kind, "appointment_id": appointment_id, "delivery_id": delivery_id}
    return event


@dataclass
class WebhookResult:
    duplicate: bool
    event: Event | None


def booking_webhook_receive(*, public_id: str, body: bytes, signature: str, delivery_id: str) -> WebhookResult:
    try:
        public_id = uuid.UUID(str(public_id))
    except ValueError:
        raise WebhookRejected("Unknown webhook source.") from None
    source = InboundSource.all_tenants.filter(public_id=public_id, is_active=True).select_related("tenant").first()
    if source is None:
        raise WebhookRejected("Unknown webhook source.")
    webhook_verify(secret=source.secret, header=signature, body=body)
    delivery_id = (delivery_id or "").strip()[:200]
    if not delivery_id:
        raise ApplicationError(f"The {DELIVERY_HEADER} header is required.", code="missing_delivery_id")
    previous = InboundDelivery.objects.for_tenant(source.tenant_id).filter(source=source, delivery_id=delivery_id).first()
    if previous is not None:
        return WebhookResult(duplicate=True, event=previous.event)
    try:
        payload = json.loads(body)
    except ValueError:
        raise ApplicationError("The body is not JSON.", code="malformed_request") from None
    if not isinstance(payload, dict):
        raise ApplicationError("The body must be a JSON object.", code="malformed_request")
    event_data = appointment_event(payload, delivery_id=delivery_id)
    try:
        with transaction.atomic():
            InboundDelivery.objects.create(tenant=source.tenant, source=source, delivery_id=delivery_id)
            result = events_ingest(tenant=source.tenant, events=[event_data], source=EventSource.WEBHOOK, inbound_source=source)
            event = result.event(event_data["event_id"])
            InboundDelivery.objects.for_tenant(source.tenant_id).filter(source=source, delivery_id=delivery_id).update(event=event)
    except IntegrityError:
        # The same delivery raced in on another connection: it is stored once, by the other one.
        return WebhookResult(duplicate=True, event=None)
    return WebhookResult(duplicate=False, event=event)


def inbound_source_create(*, tenant: Tenant, name: str, secret: str | None = None) -> tuple[InboundSource, str]:
    secret = secret or "whsec_" + base64.urlsafe_b64encode(uuid.uuid4().bytes + uuid.uuid4().bytes).decode().rstrip("=")
    source = InboundSource.objects.create(tenant=tenant, name=name, secret=secret)
    return source, secret
