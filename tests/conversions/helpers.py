from __future__ import annotations

from conversions.models import Delivery, Event
from conversions.serializers import EventIngestSerializer
from conversions.services import destination_deliver, events_ingest
from core.tenancy import tenant_scope


def validated(*payloads: dict) -> list[dict]:
    serializer = EventIngestSerializer(data={"events": list(payloads)})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data["events"]


def ingest(tenant, *payloads: dict, capture=None):
    """Store events; with ``capture`` (django_capture_on_commit_callbacks) the delivery tasks
    enqueued on commit run inline (Celery is eager in tests)."""
    if capture is None:
        return events_ingest(tenant=tenant, events=validated(*payloads))
    with capture(execute=True):
        return events_ingest(tenant=tenant, events=validated(*payloads))


def deliver(destination):
    with tenant_scope(destination.tenant):
        return destination_deliver(tenant_id=destination.tenant_id, destination_id=destination.pk, budget_seconds=float("inf"))


def delivery_of(destination, event_id: str) -> Delivery:
    return (
        Delivery.objects.for_tenant(destination.tenant_id)
        .select_related("event", "batch")
        .get(destination=destination, event__event_id=event_id)
    )


def event(tenant, event_id: str) -> Event:
    return Event.objects.for_tenant(tenant).get(event_id=event_id)
