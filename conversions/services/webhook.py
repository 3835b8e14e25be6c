"""The inbound booking webhook: signature, canonical event, idempotent receive; inbound sources.

Verification and replay detection are ``core.webhooks``'s: the signature is
``t=<unix>,v1=<hex>`` over ``f"{t}.{body}"`` with the source's secret (or the previous one while
it is rotated), within ``CONVERSIONS_WEBHOOK_TOLERANCE_SECONDS``; a processed delivery is a
``WebhookDelivery`` of provider ``booking`` keyed by the source's public id and the
``X-Booking-Delivery`` header, holding the event id a replay answers with.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from rest_framework import serializers

from conversions.models import EventSource, InboundSource
from conversions.services.ingest import events_ingest
from core.exceptions import ApplicationError
from core.models import Tenant
from core.webhooks import WebhookRejected, signature_header_parse, webhook_delivery_claim, webhook_delivery_find
from core.webhooks import webhook_verify as signature_verify

# --- Inbound booking webhook --------------------------------------------------------------------

BOOKING_PROVIDER = "booking"
SIGNATURE_HEADER = "X-Booking-Signature"
DELIVERY_HEADER = "X-Booking-Delivery"
SOURCE_HEADER = "X-Booking-Source"



def webhook_signature(secret: str, timestamp: int, body: bytes) -> str:
    """What a booking system sends in ``v1=``: hex HMAC-SHA256 of ``f"{timestamp}.{body}"``."""
    signed = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def webhook_verify(*, secrets: list[str], header: str, body: bytes, now: float | None = None) -> int:
    """Check a ``t=<unix>,v1=<hex>`` header against any of ``secrets``; returns the timestamp or
    raises ``WebhookRejected``."""
    timestamp, signatures = signature_header_parse(header)
    signature_verify(
        secrets=secrets,
        message=f"{timestamp}.".encode() + body,
        signatures=signatures,
        timestamp=timestamp,
        tolerance=settings.CONVERSIONS_WEBHOOK_TOLERANCE_SECONDS,
        now=now,
    )
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
    event_id: str | None


def booking_webhook_receive(*, public_id: str, body: bytes, signature: str, delivery_id: str) -> WebhookResult:
    """Verify, dedupe and ingest one booking delivery. Refusals (401 bad or stale signature,
    unknown source; 400 missing delivery id or unusable body) store nothing; a replay answers
    200 with the event of the first delivery."""
    try:
        public_id = uuid.UUID(str(public_id))
    except ValueError:
        raise WebhookRejected("Unknown webhook source.") from None
    source = InboundSource.all_tenants.filter(public_id=public_id, is_active=True).select_related("tenant").first()
    if source is None:
        raise WebhookRejected("Unknown webhook source.")
    webhook_verify(secrets=source.signing_secrets(), header=signature, body=body)
    delivery_id = (delivery_id or "").strip()[:200]
    if not delivery_id:
        raise ApplicationError(f"The {DELIVERY_HEADER} header is required.", code="missing_delivery_id")
    key = {"tenant": source.tenant_id, "provider": BOOKING_PROVIDER, "source": source.public_id.hex, "delivery_id": delivery_id}
    previous = webhook_delivery_find(**key)
    if previous is not None:
        return WebhookResult(duplicate=True, event_id=previous.result.get("event_id"))
    try:
        payload = json.loads(body)
    except ValueError:
        raise ApplicationError("The body is not JSON.", code="malformed_request") from None
    if not isinstance(payload, dict):
        raise ApplicationError("The body must be a JSON object.", code="malformed_request")
    try:
        event_data = appointment_event(payload, delivery_id=delivery_id)
    except serializers.ValidationError as exc:
        fields = {key: [str(item) for item in value] for key, value in exc.detail.items()} if isinstance(exc.detail, dict) else {}
        raise ApplicationError("The appointment could not be turned into an event.", code="invalid", extra={"fields": fields}) from None
    with transaction.atomic():
        delivery = webhook_delivery_claim(**key)
        if delivery is None:
            # The same delivery raced in on another connection: it is stored once, by the other one.
            return WebhookResult(duplicate=True, event_id=None)
        result = events_ingest(tenant=source.tenant, events=[event_data], source=EventSource.WEBHOOK, inbound_source=source)
        event = result.event(event_data["event_id"])
        delivery.result = {"event_id": event.event_id if event else None}
        delivery.save(update_fields=["result"])
    return WebhookResult(duplicate=False, event_id=delivery.result["event_id"])


def _new_secret() -> str:
    return "whsec_" + base64.urlsafe_b64encode(uuid.uuid4().bytes + uuid.uuid4().bytes).decode().rstrip("=")


def inbound_source_create(*, tenant: Tenant, name: str, secret: str | None = None) -> tuple[InboundSource, str]:
    secret = secret or _new_secret()
    source = InboundSource.objects.create(tenant=tenant, name=name, secret=secret)
    return source, secret


def inbound_source_secret_rotate(*, source: InboundSource, secret: str | None = None) -> str:
    """A new signing secret for ``source``; the current one stays accepted (``previous_secret``)
    until the booking system signs with the new one and an admin clears it."""
    new_secret = secret or _new_secret()
    source.previous_secret, source.secret = source.secret, new_secret
    source.save(update_fields=["secret", "previous_secret"])
    return new_secret
