"""Conversions: every read a page, API or export shows. Each takes the tenant explicitly."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from conversions.clients import destination_breaker
from conversions.models import OPEN_STATUSES, Delivery, DeliveryStatus, Destination, DestinationState, Event
from conversions.platforms import breaker_name
from core.breaker import circuit_open_remaining
from core.models import Tenant

EVENTS_PAGE_SIZE = 50


@dataclass
class EventFilters:
    event_id: str = ""
    name: str = ""
    status: str = ""
    platform: str = ""
    date_from: date | None = None
    date_to: date | None = None

    @classmethod
    def from_validated(cls, data: dict) -> EventFilters:
        return cls(**{key: value for key, value in data.items() if key in cls.__dataclass_fields__ and value is not None})


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def destinations_for_tenant(tenant: Tenant) -> QuerySet[Destination]:
    return Destination.objects.for_tenant(tenant).order_by("platform", "name", "id")


def events_list(tenant: Tenant, filters: EventFilters | None = None) -> QuerySet[Event]:
    """Newest first, with deliveries (and their destination and batch) prefetched."""
    filters = filters or EventFilters()
    events = Event.objects.for_tenant(tenant)
    if filters.event_id:
        events = events.filter(event_id__icontains=filters.event_id)
    if filters.name:
        events = events.filter(name=filters.name)
    if filters.status or filters.platform:
        matching = Delivery.objects.for_tenant(tenant).filter(event=OuterRef("pk"))
        if filters.status:
            matching = matching.filter(status=filters.status)
        if filters.platform:
            matching = matching.filter(platform=filters.platform)
        events = events.filter(Exists(matching))
    if filters.date_from:
        events = events.filter(event_time__gte=_day_start(filters.date_from))
    if filters.date_to:
        events = events.filter(event_time__lt=_day_start(filters.date_to + timedelta(days=1)))
    deliveries = (
        Delivery.objects.for_tenant(tenant).select_related("destination", "batch").order_by("destination__platform", "destination__name")
    )
    return events.order_by("-received_at", "-id").prefetch_related(Prefetch("deliveries", queryset=deliveries))


def event_get(tenant: Tenant, *, pk: int) -> Event | None:
    return events_list(tenant).filter(pk=pk).first()


def event_names(tenant: Tenant) -> list[str]:
    return list(Event.objects.for_tenant(tenant).order_by("name").values_list("name", flat=True).distinct())


def events_export_rows(tenant: Tenant, filters: EventFilters):
    destinations = list(destinations_for_tenant(tenant))
    header = ["event_id", "name", "event_time", "received_at", "source", "value", "currency", *[f"{d.name} status" for d in destinations]]

    def rows():
        events = events_list(tenant, filters)
        for start in range(0, events.count(), 2000):
            for event in events[start : start + 2000]:
                by_destination = {delivery.destination_id: delivery for delivery in event.deliveries.all()}
                statuses = []
                for destination in destinations:
                    delivery = by_destination.get(destination.pk)
                    statuses.append(
                        f"{delivery.status}: {delivery.reason}" if delivery and delivery.reason else (delivery.status if delivery else "")
                    )
                yield (
                    event.event_id,
                    event.name,
                    event.event_time.isoformat(),
                    event.received_at.isoformat(),
                    event.source,
                    event.value,
                    event.currency,
                    *statuses,
                )

    return header, rows()


@dataclass
class DestinationHealth:
    destination: Destination
    breaker_state: str
    breaker_retry_in: float
    counts: dict[str, int]
    held: int
    due: int


def destination_health(tenant: Tenant) -> list[DestinationHealth]:
    """Per destination: breaker state, deliveries per status, and how many are held (waiting on
    the destination: not active, or its breaker open)."""
    destinations = list(destinations_for_tenant(tenant))
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for row in Delivery.objects.for_tenant(tenant).values("destination_id", "status").annotate(n=Count("id")).order_by():
        counts[row["destination_id"]][row["status"]] = row["n"]
    now = timezone.now()
    due = dict(
        Delivery.objects.for_tenant(tenant)
        .filter(status__in=OPEN_STATUSES)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .values("destination_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("destination_id", "n")
    )
    health = []
    for destination in destinations:
        breaker = destination_breaker(breaker_name(destination))
        remaining = circuit_open_remaining(breaker)
        state = breaker.current_state
        if state == "open" and remaining <= 0:
            state = "half-open"
        per_status = {status: counts[destination.pk].get(status, 0) for status in DeliveryStatus.values}
        open_rows = sum(per_status[status] for status in OPEN_STATUSES)
        waiting = destination.state != DestinationState.ACTIVE or remaining > 0
        health.append(
            DestinationHealth(
                destination=destination,
                breaker_state=state,
                breaker_retry_in=round(remaining, 1),
                counts=per_status,
                held=open_rows if waiting else 0,
                due=due.get(destination.pk, 0),
            )
        )
    return health


def delivery_counts_per_day(tenant: Tenant, *, days: int = 14) -> dict:
    """Deliveries created per day (in the current time zone) and their status now: chart data."""
    today = timezone.localdate()
    start = today - timedelta(days=days - 1)
    rows = (
        Delivery.objects.for_tenant(tenant)
        .filter(created_at__gte=_day_start(start))
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values("day", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    labels = [(start + timedelta(days=offset)) for offset in range(days)]
    series = {status: [0] * days for status in DeliveryStatus.values}
    for row in rows:
        index = (row["day"] - start).days
        if 0 <= index < days:
            series[row["status"]][index] += row["n"]
    return {"labels": [day.isoformat() for day in labels], "series": series}


def replayable_deliveries(tenant: Tenant, *, destination: Destination | None = None) -> QuerySet[Delivery]:
    deliveries = Delivery.objects.for_tenant(tenant).filter(status__in=[DeliveryStatus.DEAD, DeliveryStatus.PENDING, DeliveryStatus.FAILED])
    return deliveries.filter(destination=destination) if destination is not None else deliveries
