"""Conversions: every read a page, API or export shows. Each takes the tenant explicitly."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Case, Count, Exists, IntegerField, Max, Min, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone

from conversions import hashing, mapping
from conversions.clients import destination_breaker
from conversions.models import OPEN_STATUSES, Delivery, DeliveryStatus, Destination, DestinationState, Event
from conversions.platforms import breaker_name
from core.breaker import circuit_open_remaining
from core.formatting import current_zone, moment
from core.formatting import day as format_day
from core.models import Tenant
from core.registry import ChecklistStep, DailyFigure, Freshness, Overview, SearchResult, label


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


def destinations_held(tenant: Tenant) -> QuerySet[Destination]:
    """Destinations whose deliveries are held (not active: a token to replace, a setup to fix,
    or paused), with their state and last error."""
    return destinations_for_tenant(tenant).exclude(state=DestinationState.ACTIVE)


def destinations_needing_token(tenant: Tenant) -> QuerySet[Destination]:
    """Destinations whose credentials the platform refused: a new token is needed."""
    return destinations_for_tenant(tenant).filter(state=DestinationState.NEEDS_TOKEN)


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

    @property
    def error_resolved_at(self) -> datetime | None:
        """When the last error stopped being current: the destination is active and has sent
        successfully since (``last_success_at`` moves on with every success, so it's "since")."""
        destination = self.destination
        if not (destination.last_error and destination.last_error_at and destination.last_success_at):
            return None
        if destination.state != DestinationState.ACTIVE or destination.last_success_at <= destination.last_error_at:
            return None
        return destination.last_success_at

    @property
    def has_current_error(self) -> bool:
        return bool(self.destination.last_error) and self.error_resolved_at is None


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


def delivery_counts_per_day(tenant: Tenant, *, start: date | None = None, end: date | None = None, days: int = 14) -> dict:
    """Deliveries created per day (in the current time zone) and their status now: chart data."""
    end = end or timezone.localdate()
    start = start or end - timedelta(days=days - 1)
    days = (end - start).days + 1
    rows = (
        Delivery.objects.for_tenant(tenant)
        .filter(created_at__gte=_day_start(start), created_at__lt=_day_start(end + timedelta(days=1)))
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


# --- What a delivery really is, in words -------------------------------------------------------

# Skip reasons (the seed's exact texts, kept on the row) → a short code for the chip's label.
SKIP_CODES = (
    ("mock mode", "MOCK_MODE"),
    ("Missing env:", "MISSING_CREDENTIALS"),
    ("mapping for:", "NOT_MAPPED"),
    ("user identifiers", "NO_IDENTIFIERS"),
    ("older than 7 days", "TOO_OLD"),
    ("in the future", "IN_FUTURE"),
)
# Chip tone words (``|chip``) per state.
STATE_TONES = {"QUEUED": "processing", "SENDING": "running", "SENT": "sent", "SKIPPED": "skipped", "RETRYING": "retrying", "HELD": "held", "FAILED": "failed"}


def skip_code(reason: str) -> str:
    for needle, code in SKIP_CODES:
        if needle in (reason or ""):
            return code
    return "OTHER"


@dataclass(frozen=True)
class DeliveryState:
    """Where a delivery really stands: ``code`` (QUEUED, SENDING, SENT, SKIPPED, RETRYING, HELD,
    FAILED), the chip's words, and a sentence explaining it."""

    code: str
    text: str
    explanation: str

    @property
    def tone(self) -> str:
        return STATE_TONES[self.code]


def _clock(moment: datetime, now: datetime) -> str:
    """``14:05`` today, ``5 Dec, 14:05`` another day (in the tenant's zone)."""
    local = moment.astimezone(current_zone())
    if local.date() == now.astimezone(current_zone()).date():
        return local.strftime("%H:%M")
    return f"{format_day(local, fmt='short')}, {local.strftime('%H:%M')}"


def delivery_state(delivery: Delivery, *, destination_state: str | None = None, now: datetime | None = None) -> DeliveryState:
    """A PENDING row may be queued, held by its destination or waiting for a retry; a FAILED one
    is retrying; a DEAD one failed for good. The destination's state (current, not the row's
    copy of it) says whether it is held."""
    now = now or timezone.now()
    status = delivery.status
    reason = delivery.reason or ""
    state_now = destination_state or delivery.destination.state
    if status == DeliveryStatus.SENT:
        when = f" at {_clock(delivery.sent_at, now)}" if delivery.sent_at else ""
        return DeliveryState("SENT", "Sent", f"Accepted by the platform{when}.")
    if status == DeliveryStatus.SKIPPED:
        words = label(skip_code(reason), "skip_reason") or "not sent"
        return DeliveryState("SKIPPED", f"Skipped: {words}", f"Not sent: {reason}." if reason else "Not sent.")
    if status == DeliveryStatus.DEAD:
        short = reason if len(reason) <= 40 else reason[:39] + "…"
        return DeliveryState("FAILED", f"Failed: {short}" if short else "Failed", f"The platform refused it for good: {reason or 'no reason given'}. Fix the cause, then replay it.")
    if status == DeliveryStatus.SENDING:
        return DeliveryState("SENDING", "Sending", "A worker is sending it now.")
    if status in (DeliveryStatus.PENDING, DeliveryStatus.FAILED) and state_now != DestinationState.ACTIVE:
        words = label(state_now, "destination_state_held") or "destination not active"
        return DeliveryState("HELD", f"Held — {words}", f"Waiting for the destination to be fixed and resumed ({label(state_now, 'destination_state') or state_now}). It is sent as soon as an admin resumes it.")
    if delivery.next_attempt_at and delivery.next_attempt_at > now:
        at = _clock(delivery.next_attempt_at, now)
        why = reason.removeprefix("Held: ") or "the last attempt failed"
        return DeliveryState("RETRYING", f"Retrying at {at}", f"{why[:1].upper()}{why[1:]}; next attempt at {at} (attempt {delivery.attempts + 1}).")
    if status == DeliveryStatus.FAILED:
        return DeliveryState("RETRYING", "Retrying now", f"{reason or 'The last attempt failed'}; the next attempt is due now.")
    return DeliveryState("QUEUED", "Queued", "Waiting for the next delivery run (within a minute).")


# --- The events table, search and the business overview ----------------------------------------

# Worst first: sorting the deliveries column ascending puts events needing attention on top.
_STATUS_RANK = {DeliveryStatus.DEAD: 0, DeliveryStatus.FAILED: 1, DeliveryStatus.PENDING: 2, DeliveryStatus.SENDING: 3, DeliveryStatus.SKIPPED: 4, DeliveryStatus.SENT: 5}


def events_in_range(tenant: Tenant, filters: EventFilters, *, start: date, end: date) -> QuerySet[Event]:
    """The events list for a date range (event time, tenant's zone, end inclusive), each with
    ``worst_status`` (0 = a failed delivery … 5 = all sent) to sort on."""
    events = events_list(tenant, EventFilters(**{**filters.__dict__, "date_from": start, "date_to": end}))
    rank = Case(*[When(deliveries__status=status, then=Value(value)) for status, value in _STATUS_RANK.items()], output_field=IntegerField())
    return events.annotate(worst_status=Min(rank))


def events_search(tenant: Tenant, query: str, *, limit: int):
    """Events whose event id is ``query`` or starts with it (exact match first)."""
    query = (query or "").strip()
    if not query:
        return []
    events = list(Event.objects.for_tenant(tenant).filter(event_id__startswith=query).order_by("-received_at", "-id")[: limit + 1])
    exact = [event for event in events if event.event_id == query]
    if not exact:
        exact = list(Event.objects.for_tenant(tenant).filter(event_id=query)[:1])
    ordered = exact + [event for event in events if event not in exact]
    return [
        SearchResult("Conversion event", event.event_id, reverse("conversions:event-detail", args=[event.pk]), f"{event.name} · {moment(event.event_time)}")
        for event in ordered[:limit]
    ]


def delivered_per_day(tenant: Tenant, start: date, end: date) -> list[tuple[date, str, int]]:
    """Deliveries sent per day (of sending, tenant's zone) and destination name."""
    rows = (
        Delivery.objects.for_tenant(tenant)
        .filter(status=DeliveryStatus.SENT, sent_at__gte=_day_start(start), sent_at__lt=_day_start(end + timedelta(days=1)))
        .annotate(day=TruncDate("sent_at", tzinfo=timezone.get_current_timezone()))
        .values("day", "destination__name")
        .annotate(n=Count("id"))
        .order_by("day", "destination__name")
    )
    return [(row["day"], row["destination__name"], row["n"]) for row in rows]


def conversions_overview(tenant: Tenant, date_range):
    """Delivered conversions per day and destination for the range and its comparison span,
    when deliveries were last sent, and the onboarding step."""
    spans = [(date_range.start, date_range.end)]
    if date_range.compare_start is not None:
        spans.append((date_range.compare_start, date_range.compare_end))
    figures = [DailyFigure(day=day, source=name, conversions=count) for start, end in spans for day, name, count in delivered_per_day(tenant, start, end)]
    last_sent = Delivery.objects.for_tenant(tenant).filter(status=DeliveryStatus.SENT).aggregate(at=Max("sent_at"))["at"]
    has_destination = Destination.objects.for_tenant(tenant).exists()
    return Overview(
        figures=figures,
        freshness=[Freshness("Conversion deliveries", last_sent, reverse("conversions:health"))] if has_destination else [],
        checklist=[ChecklistStep(4, "Add a conversion destination", has_destination, reverse("conversions:destination-new"))],
    )


def success_rates(tenant: Tenant, start: date, end: date) -> tuple[list[date], dict[str, list[float | None]]]:
    """Per day (the delivery's creation, tenant's zone) and destination: sent ÷ (sent + failed
    for good), in percent. Skipped and still-open deliveries have no outcome yet and are left
    out; a day without outcomes is None (a gap, not 0 %)."""
    rows = (
        Delivery.objects.for_tenant(tenant)
        .filter(status__in=[DeliveryStatus.SENT, DeliveryStatus.DEAD], created_at__gte=_day_start(start), created_at__lt=_day_start(end + timedelta(days=1)))
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values("day", "destination_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    days = [start + timedelta(days=offset) for offset in range((end - start).days + 1)]
    tally: dict[tuple[int, date], dict[str, int]] = defaultdict(lambda: {DeliveryStatus.SENT: 0, DeliveryStatus.DEAD: 0})
    for row in rows:
        tally[(row["destination_id"], row["day"])][row["status"]] += row["n"]
    series = {}
    for destination in destinations_for_tenant(tenant):
        values: list[float | None] = []
        for day in days:
            counts = tally.get((destination.pk, day))
            decided = counts[DeliveryStatus.SENT] + counts[DeliveryStatus.DEAD] if counts else 0
            values.append(round(counts[DeliveryStatus.SENT] * 100 / decided, 1) if decided else None)
        series[destination.name] = values
    return days, series


# --- Event mapping --------------------------------------------------------------------------


@dataclass(frozen=True)
class MappingCell:
    target: str | None  # the platform event (Google Ads: conversion action id); None: not sent
    origin: str  # "default", "environment" or "destination"


def event_mapping_table(tenant: Tenant) -> tuple[list[str], list[tuple[Destination, dict[str, MappingCell]]]]:
    """Canonical events × destinations: what each event becomes and where that rule comes from."""
    destinations = list(destinations_for_tenant(tenant))
    names: list[str] = list(mapping.TIKTOK_DEFAULTS)
    for name in event_names(tenant):
        if name not in names:
            names.append(name)
    table = []
    for destination in destinations:
        env = mapping.env_overrides(destination.platform)
        cells = {}
        for name in names:
            target = mapping.resolve_event(destination, name)
            if name in (destination.event_mapping or {}):
                origin = "destination"
            elif name in env:
                origin = "environment"
            else:
                origin = "default"
            cells[name] = MappingCell(target, origin)
        table.append((destination, cells))
    return names, table


# --- Purchases, for ROI ---------------------------------------------------------------------

# Canonical names a purchase arrives under (compared case-insensitively): the product's own, and
# the TikTok / Meta standard names clients send as they are.
PURCHASE_EVENT_NAMES = ("PURCHASE", "COMPLETEPAYMENT", "COMPLETE_PAYMENT", "ORDER_PAID")


@dataclass(frozen=True)
class PurchaseEvent:
    """A purchase in a range, with what attributes it to a lead: the click id and the SHA-256 of
    the normalised email and phone (hashed here whether they arrived raw or hashed)."""

    event_id: str
    day: date  # event time's day in the tenant's zone
    value: Decimal | None
    currency: str
    ttclid: str
    email_hash: str | None
    phone_hash: str | None
    external_id: str


def identifier_hashes(*, email: str = "", phone: str = "") -> tuple[str | None, str | None]:
    """``(email hash, phone hash)`` as conversions hashes identifiers for every platform; another
    app matching its own contacts against events hashes with this."""
    return hashing.hash_email(email), hashing.hash_phone(phone)


def purchase_events(tenant: Tenant, *, start: date, end: date) -> list[PurchaseEvent]:
    """The tenant's purchase events whose event time falls in ``start``..``end`` (tenant's zone,
    inclusive), oldest first."""
    zone = current_zone()
    since = datetime.combine(start, time.min, tzinfo=zone)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone)
    names = Q()
    for name in PURCHASE_EVENT_NAMES:
        names |= Q(name__iexact=name)
    rows = (
        Event.objects.for_tenant(tenant)
        .filter(names, event_time__gte=since, event_time__lt=until)
        .order_by("event_time", "id")
        .values_list("event_id", "event_time", "value", "currency", "ttclid", "email", "phone", "external_id")
    )
    events = []
    for event_id, event_time, value, currency, ttclid, email, phone, external_id in rows:
        email_hash, phone_hash = identifier_hashes(email=email, phone=phone)
        events.append(
            PurchaseEvent(
                event_id=event_id,
                day=event_time.astimezone(zone).date(),
                value=value,
                currency=(currency or "").upper(),
                ttclid=ttclid,
                email_hash=email_hash,
                phone_hash=phone_hash,
                external_id=external_id,
            )
        )
    return events
