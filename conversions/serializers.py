"""Input validation and output shapes of the conversions API.

``EventIngestSerializer`` takes one event or ``{"events": [...]}`` and validates every field in
plain Python (the bench posts 100,000 events; DRF's per-field machinery would cost more than
the database writes). Errors name the field (``events[3].event_time``); one bad event refuses
the whole request, and nothing is stored.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from rest_framework import serializers

from conversions.errors import ConversionsError
from conversions.models import Delivery, Event
from conversions.platforms import adapter_for
from core.exceptions import ApplicationError
from core.money import money_parse, money_quantize
from core.pii import mask_email, mask_ip, mask_phone

TEXT_FIELDS = {
    "email": 320,
    "phone": 64,
    "external_id": 200,
    "ttclid": 500,
    "ttp": 200,
    "gclid": 500,
    "gbraid": 500,
    "wbraid": 500,
    "fbc": 500,
    "fbp": 200,
    "ip": 64,
    "user_agent": 1000,
    "page_url": 2000,
    "page_referrer": 2000,
}
REQUIRED = ("event_id", "event_name", "event_time")
KNOWN_FIELDS = frozenset({*REQUIRED, *TEXT_FIELDS, "value", "currency", "properties"})
REQUIRED_MESSAGE = "This field is required."
# Event values are numeric(14, 2).
MAX_VALUE = Decimal("1e12")


class PayloadTooLarge(ApplicationError):
    status = 413
    code = ConversionsError.PAYLOAD_TOO_LARGE


def parse_event_time(value: Any) -> datetime:
    """ISO 8601 (a time without zone is UTC) or unix seconds (milliseconds when > 10^11)."""
    if isinstance(value, bool):
        raise ValueError("Expected an ISO 8601 datetime or unix seconds.")
    if isinstance(value, int | float):
        seconds = value / 1000 if value > 10**11 else value
        if not 0 < seconds < 4_102_444_800:
            raise ValueError("Unix time out of range.")
        return datetime.fromtimestamp(seconds, tz=UTC)
    if isinstance(value, str) and value.strip():
        text = value.strip()
        if text.isdigit():
            return parse_event_time(int(text))
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
        except ValueError:
            raise ValueError("Expected an ISO 8601 datetime (2026-01-10T12:00:00Z) or unix seconds.") from None
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    raise ValueError("Expected an ISO 8601 datetime or unix seconds.")


def clean_event(data: Any, prefix: str, errors: dict[str, list[str]]) -> dict | None:
    if not isinstance(data, dict):
        errors[prefix or "non_field_errors"] = ["Expected an event object."]
        return None
    dotted = f"{prefix}." if prefix else ""
    clean: dict[str, Any] = {}
    for name in sorted(set(data) - KNOWN_FIELDS):
        errors[f"{dotted}{name}"] = ["Unknown field."]
    for name in ("event_id", "event_name"):
        value = data.get(name)
        if value in (None, ""):
            errors[f"{dotted}{name}"] = [REQUIRED_MESSAGE]
        elif not isinstance(value, str):
            errors[f"{dotted}{name}"] = ["Expected a string."]
        elif len(value.strip()) > (200 if name == "event_id" else 64) or not value.strip():
            errors[f"{dotted}{name}"] = ["Must be 1 to 200 characters." if name == "event_id" else "Must be 1 to 64 characters."]
        else:
            clean[name] = value.strip()
    if data.get("event_time") in (None, ""):
        errors[f"{dotted}event_time"] = [REQUIRED_MESSAGE]
    else:
        try:
            clean["event_time"] = parse_event_time(data["event_time"])
        except ValueError as exc:
            errors[f"{dotted}event_time"] = [str(exc)]
    for name, limit in TEXT_FIELDS.items():
        value = data.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            errors[f"{dotted}{name}"] = ["Expected a string."]
        elif len(value) > limit:
            errors[f"{dotted}{name}"] = [f"At most {limit} characters."]
        else:
            clean[name] = value.strip()
    value = data.get("value")
    if value is not None:
        try:
            amount = money_parse(value)
            if abs(amount) >= MAX_VALUE:
                raise ValueError("does not fit the column")
            clean["value"] = amount
        except ValueError:
            errors[f"{dotted}value"] = ["Expected a number."]
    currency = data.get("currency")
    if currency is not None:
        if not isinstance(currency, str) or len(currency.strip()) != 3 or not currency.strip().isalpha():
            errors[f"{dotted}currency"] = ["Expected a 3-letter ISO 4217 code."]
        else:
            clean["currency"] = currency.strip().upper()
            if "value" in clean:  # whole rupiah, yen, won: no cents the platforms would refuse
                clean["value"] = money_quantize(clean["value"], clean["currency"])
    properties = data.get("properties")
    if properties is not None and not isinstance(properties, dict):
        errors[f"{dotted}properties"] = ["Expected an object."]
    if isinstance(properties, dict):
        clean["raw"] = {"properties": properties}  # kept with the event; the typed fields are columns
    return clean


class EventIngestSerializer(serializers.BaseSerializer):
    """One event, or ``{"events": [...]}`` (at most ``CONVERSIONS_INGEST_MAX_BATCH``)."""

    def to_internal_value(self, data):
        if isinstance(data, dict) and "events" in data:
            items = data["events"]
            if set(data) - {"events"}:
                raise serializers.ValidationError({"non_field_errors": ["A batch body holds only `events`."]})
            if not isinstance(items, list) or not items:
                raise serializers.ValidationError({"events": ["Expected a non-empty list of events."]})
            limit = settings.CONVERSIONS_INGEST_MAX_BATCH
            if len(items) > limit:
                raise PayloadTooLarge(f"At most {limit} events per request; got {len(items)}. Split the batch.")
            batch = True
        else:
            items, batch = [data], False
        errors: dict[str, list[str]] = {}
        cleaned = [clean_event(item, f"events[{index}]" if batch else "", errors) for index, item in enumerate(items)]
        if errors:
            raise serializers.ValidationError(errors)
        return {"events": cleaned, "batch": batch}

    def to_representation(self, instance):
        return instance


# --- Output ---------------------------------------------------------------------------------


class DeliverySerializer(serializers.ModelSerializer):
    """The seed's delivery fields: platform, status, requestBody, responseBody, responseCode."""

    destination = serializers.CharField(source="destination.name")
    requestBody = serializers.SerializerMethodField()
    responseBody = serializers.SerializerMethodField()
    responseCode = serializers.IntegerField(source="response_code", allow_null=True)
    nextAttemptAt = serializers.DateTimeField(source="next_attempt_at", allow_null=True)
    sentAt = serializers.DateTimeField(source="sent_at", allow_null=True)

    class Meta:
        model = Delivery
        fields = [
            "id",
            "platform",
            "destination",
            "status",
            "reason",
            "attempts",
            "nextAttemptAt",
            "sentAt",
            "requestBody",
            "responseBody",
            "responseCode",
        ]

    def get_requestBody(self, delivery) -> dict | None:
        return delivery_request_body(delivery)

    def get_responseBody(self, delivery) -> str | None:
        return delivery.batch.response_body if delivery.batch_id else None


def delivery_request_body(delivery: Delivery) -> dict | None:
    """What was sent for this delivery: its batch's body cut down to its own event, IPs masked."""
    if not delivery.batch_id:
        return None
    adapter = adapter_for(delivery.platform)
    body = adapter.single_request_body(delivery.batch.request_body, delivery.platform_event_id or delivery.event.event_id)
    return _mask_body(body)


def _mask_body(value):
    if isinstance(value, dict):
        return {
            key: (mask_ip(item) if key in ("ip", "client_ip_address") and isinstance(item, str) else _mask_body(item))
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_mask_body(item) for item in value]
    return value


class EventSerializer(serializers.ModelSerializer):
    """An event as the API shows it: identifiers masked, deliveries nested."""

    eventName = serializers.CharField(source="name")
    eventTime = serializers.DateTimeField(source="event_time")
    email = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    ip = serializers.SerializerMethodField()
    deliveries = DeliverySerializer(many=True, read_only=True)

    class Meta:
        model = Event
        fields = [
            "id",
            "event_id",
            "eventName",
            "eventTime",
            "email",
            "phone",
            "external_id",
            "ttclid",
            "ttp",
            "gclid",
            "gbraid",
            "wbraid",
            "fbc",
            "fbp",
            "ip",
            "page_url",
            "page_referrer",
            "value",
            "currency",
            "source",
            "received_at",
            "deliveries",
        ]

    def get_email(self, event) -> str:
        return mask_email(event.email)

    def get_phone(self, event) -> str:
        return mask_phone(event.phone)

    def get_ip(self, event) -> str:
        return mask_ip(event.ip)


class EventCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    event_id = serializers.CharField()
    created = serializers.BooleanField()


class BatchIngestResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    existing = serializers.IntegerField()
    events = EventCreatedSerializer(many=True)


class EventFilterSerializer(serializers.Serializer):
    """Filters of the events list (API and page)."""

    event_id = serializers.CharField(required=False, allow_blank=True, max_length=200)
    name = serializers.CharField(required=False, allow_blank=True, max_length=64)
    status = serializers.ChoiceField(required=False, allow_blank=True, choices=[c[0] for c in Delivery._meta.get_field("status").choices])
    platform = serializers.ChoiceField(
        required=False, allow_blank=True, choices=[c[0] for c in Delivery._meta.get_field("platform").choices]
    )
    date_from = serializers.DateField(required=False, allow_null=True)
    date_to = serializers.DateField(required=False, allow_null=True)

    def validate(self, attrs):
        if attrs.get("date_from") and attrs.get("date_to") and attrs["date_from"] > attrs["date_to"]:
            raise serializers.ValidationError({"date_to": ["Must be on or after date_from."]})
        return attrs


class TestEventSerializer(serializers.Serializer):
    """The seed's test endpoint body (camelCase)."""

    eventId = serializers.CharField(max_length=200)
    eventName = serializers.CharField(max_length=64)
    eventTime = serializers.CharField()
    ttclid = serializers.CharField(required=False, allow_blank=True)
    ttp = serializers.CharField(required=False, allow_blank=True)
    gclid = serializers.CharField(required=False, allow_blank=True)
    gbraid = serializers.CharField(required=False, allow_blank=True)
    wbraid = serializers.CharField(required=False, allow_blank=True)
    fbc = serializers.CharField(required=False, allow_blank=True)
    fbp = serializers.CharField(required=False, allow_blank=True)
    email = serializers.CharField(required=False, allow_blank=True)
    phone = serializers.CharField(required=False, allow_blank=True)
    externalId = serializers.CharField(required=False, allow_blank=True)
    ip = serializers.CharField(required=False, allow_blank=True)
    userAgent = serializers.CharField(required=False, allow_blank=True)
    pageUrl = serializers.CharField(required=False, allow_blank=True)
    pageReferrer = serializers.CharField(required=False, allow_blank=True)
    value = serializers.DecimalField(required=False, allow_null=True, max_digits=14, decimal_places=2)
    currency = serializers.CharField(required=False, allow_blank=True, max_length=3)

    def validate_eventTime(self, value):
        try:
            return parse_event_time(value)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None

    def event_data(self) -> dict:
        data = self.validated_data
        renamed = {"externalId": "external_id", "userAgent": "user_agent", "pageUrl": "page_url", "pageReferrer": "page_referrer"}
        event = {renamed.get(key, key): value for key, value in data.items() if key not in ("eventId", "eventName", "eventTime")}
        event.update(event_id=data["eventId"], event_name=data["eventName"], event_time=data["eventTime"])
        if event.get("currency"):
            event["currency"] = event["currency"].upper()
        return event


class TestEventResultSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    status = serializers.IntegerField(allow_null=True)
    body = serializers.CharField(allow_null=True)
    requestBody = serializers.CharField(allow_null=True)
    skipped = serializers.BooleanField(required=False)
    reason = serializers.CharField(required=False)
