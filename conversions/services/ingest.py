"""Ingest: events and one delivery per destination in one transaction, delivery tasks enqueued on commit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from conversions.models import Delivery, DeliveryStatus, Destination, Event, EventSource, InboundSource
from core.jobs import enqueue
from core.models import Tenant

# Registered task name (conversions.tasks), enqueued through core.jobs.
DELIVER_TASK = "conversions.tasks.destination_deliver_task"
EVENT_FIELDS = (
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
    "user_agent",
    "page_url",
    "page_referrer",
    "currency",
)


# --- Ingest -----------------------------------------------------------------------------------


@dataclass
class IngestResult:
    created: list[Event] = field(default_factory=list)
    existing: list[Event] = field(default_factory=list)
    # event_id → created?, in the order the events came in
    order: list[tuple[str, bool]] = field(default_factory=list)

    def event(self, event_id: str) -> Event | None:
        return next((event for event in (*self.created, *self.existing) if event.event_id == event_id), None)


def events_ingest(
    *,
    tenant: Tenant,
    events: list[dict],
    source: str = EventSource.API,
    inbound_source: InboundSource | None = None,
) -> IngestResult:
    """Store validated events (dicts from ``EventIngestSerializer``) and their deliveries.

    Idempotent by ``event_id``: an id already stored (or repeated in the same call) is not
    written again and comes back in ``existing``.
    """
    for attempt in range(3):
        try:
            with transaction.atomic():
                result = _events_write(tenant=tenant, events=events, source=source, inbound_source=inbound_source)
            return result
        except IntegrityError:
            # Another request stored one of these event ids between our read and our insert:
            # read again, the second pass finds them.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _events_write(*, tenant: Tenant, events: list[dict], source: str, inbound_source: InboundSource | None) -> IngestResult:
    result = IngestResult()
    wanted: dict[str, dict] = {}
    for data in events:
        wanted.setdefault(data["event_id"], data)
    existing = {event.event_id: event for event in Event.objects.for_tenant(tenant).filter(event_id__in=list(wanted))}
    now = timezone.now()
    new_events = [
        Event(
            tenant=tenant,
            event_id=event_id,
            name=data["event_name"],
            event_time=data["event_time"],
            value=data.get("value"),
            source=source,
            inbound_source=inbound_source,
            raw=data.get("raw") or {},
            received_at=now,
            **{name: data.get(name) or "" for name in EVENT_FIELDS},
        )
        for event_id, data in wanted.items()
        if event_id not in existing
    ]
    created = Event.objects.bulk_create(new_events, batch_size=1000) if new_events else []
    destinations = list(Destination.objects.for_tenant(tenant).only("id", "platform"))
    if created and destinations:
        _deliveries_create(tenant=tenant, events=created, destinations=destinations, now=now)
        destination_ids = [destination.pk for destination in destinations]
        transaction.on_commit(lambda: deliveries_enqueue(tenant_id=tenant.pk, destination_ids=destination_ids))
    result.created = created
    result.existing = list(existing.values())
    created_ids = {event.event_id for event in created}
    seen: set[str] = set()
    for data in events:
        event_id = data["event_id"]
        result.order.append((event_id, event_id in created_ids and event_id not in seen))
        seen.add(event_id)
    return result


def _deliveries_create(*, tenant: Tenant, events: list[Event], destinations: list[Destination], now: datetime) -> None:
    """One PENDING delivery per event and destination. On PostgreSQL one INSERT … SELECT (the
    rows never pass through Python); elsewhere a bulk insert."""
    if connection.vendor == "postgresql":
        # The new events' ids and event ids come in as arrays (unnest), crossed with the
        # destinations: no read of the event table, no per-row round trip.
        table = Delivery._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {table} (tenant_id, event_id, destination_id, platform, status, reason, attempts,
                                     platform_event_id, created_at, updated_at)
                SELECT %s, e.id, d.id, d.platform, %s, '', 0, e.event_id, %s, %s
                FROM unnest(%s::bigint[], %s::text[]) AS e(id, event_id)
                CROSS JOIN {Destination._meta.db_table} d
                WHERE d.tenant_id = %s AND d.id = ANY(%s)
                """,
                [
                    tenant.pk,
                    DeliveryStatus.PENDING,
                    now,
                    now,
                    [event.pk for event in events],
                    [event.event_id for event in events],
                    tenant.pk,
                    [d.pk for d in destinations],
                ],
            )
        return
    Delivery.objects.bulk_create(
        [
            Delivery(
                tenant=tenant,
                event=event,
                destination=destination,
                platform=destination.platform,
                platform_event_id=event.event_id,
                created_at=now,
                updated_at=now,
            )
            for event in events
            for destination in destinations
        ],
        batch_size=3000,
    )


def deliveries_enqueue(*, tenant_id: int, destination_ids: Iterable[int], countdown: float | None = None) -> None:
    """One delivery run per destination, sent when the caller's transaction commits."""
    for destination_id in destination_ids:
        enqueue(DELIVER_TASK, countdown=countdown, tenant_id=tenant_id, destination_id=destination_id)
