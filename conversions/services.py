"""Conversions: every write and workflow.

Ingest (``events_ingest``) writes events and one delivery per destination in one transaction
(set-based: one query for existing ids, bulk inserts) and enqueues one delivery task per
destination when it commits. A delivery task (``destination_deliver``) repeatedly claims a batch
of due deliveries with ``SELECT … FOR UPDATE SKIP LOCKED`` (marking them SENDING with a claim
token in the same transaction), sends them in one request, and marks each row in one
transaction per outcome. A worker killed between sending and marking leaves SENDING rows; once
their claim is stale another run claims and sends them again with the same ``event_id``, which
every platform deduplicates on. The beat sweeper re-enqueues destinations whose due rows lost
their message.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import logging
import random
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from conversions.clients import Misconfigured, destination_breaker
from conversions.models import (
    OPEN_STATUSES,
    Delivery,
    DeliveryBatch,
    DeliveryStatus,
    Destination,
    DestinationState,
    Event,
    EventSource,
    InboundDelivery,
    InboundSource,
    Platform,
)
from conversions.platforms import RowResult, adapter_for, breaker_name
from core.breaker import circuit_open_remaining
from core.exceptions import ApplicationError
from core.http import AuthExpired, BadRequest, CircuitOpen, RateLimited, UpstreamError
from core.models import Tenant

logger = logging.getLogger(__name__)

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
RESPONSE_BODY_LIMIT = 20_000


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
    from conversions.tasks import destination_deliver_task

    for destination_id in destination_ids:
        if countdown:
            destination_deliver_task.apply_async(kwargs={"tenant_id": tenant_id, "destination_id": destination_id}, countdown=countdown)
        else:
            destination_deliver_task.delay(tenant_id=tenant_id, destination_id=destination_id)


# --- Delivery ---------------------------------------------------------------------------------


class Outcome:
    INVALID = "invalid"
    AUTH = "auth"
    MISCONFIGURED = "misconfigured"
    RATE_LIMITED = "rate_limited"
    RETRYABLE = "retryable"
    CIRCUIT_OPEN = "circuit_open"


def classify_error(error: UpstreamError) -> str:
    if isinstance(error, CircuitOpen):
        return Outcome.CIRCUIT_OPEN
    if isinstance(error, AuthExpired):
        return Outcome.AUTH
    if isinstance(error, Misconfigured):
        return Outcome.MISCONFIGURED
    if isinstance(error, RateLimited):
        return Outcome.RATE_LIMITED
    if isinstance(error, BadRequest):
        return Outcome.INVALID
    return Outcome.RETRYABLE


def retry_delay(attempts: int) -> float:
    """Exponential backoff with jitter: ~10 s, 20 s, 40 s … capped at one hour."""
    base = min(10 * 2 ** max(attempts - 1, 0), 3600)
    return base * random.uniform(0.8, 1.2)


@dataclass
class DeliverRun:
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    dead: int = 0
    held: int = 0
    batches: int = 0
    more: bool = False  # stopped by the time budget with due rows left
    retry_in: float | None = None  # rows come due (or stale) in this many seconds


def _due_filter(now: datetime) -> Q:
    stale = now - timedelta(seconds=settings.CONVERSIONS_CLAIM_STALE_SECONDS)
    waiting = Q(status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED]) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    return waiting | Q(status=DeliveryStatus.SENDING, claimed_at__lt=stale)


def deliveries_claim(*, destination: Destination, limit: int) -> tuple[uuid.UUID, list[Delivery]]:
    """Claim up to ``limit`` due deliveries of ``destination`` for this worker: rows locked by
    another claim are skipped, never waited for."""
    token = uuid.uuid4()
    now = timezone.now()
    due = (
        Delivery.objects.for_tenant(destination.tenant_id)
        .filter(destination=destination)
        .filter(_due_filter(now))
        .order_by("id")
        .select_for_update(skip_locked=True)
    )
    if connection.vendor == "postgresql":
        # One statement. Each status is read on its own (index on destination, status, id), in id
        # order with a LIMIT, so a claim touches ~limit index entries however long the backlog;
        # one OR-ed scan would read every open row of the destination and sort them.
        table = Delivery._meta.db_table
        stale = now - timedelta(seconds=settings.CONVERSIONS_CLAIM_STALE_SECONDS)
        part = f"SELECT id FROM {table} WHERE tenant_id = %s AND destination_id = %s AND status = %s AND {{}} ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED"
        sql = (
            f"WITH stale AS ({part.format('claimed_at < %s')}), retry AS ({part.format('next_attempt_at <= %s')}), "
            f"fresh AS ({part.format('(next_attempt_at IS NULL OR next_attempt_at <= %s)')}) "
            f"UPDATE {table} SET status = %s, claim_token = %s, claimed_at = %s, updated_at = %s WHERE id IN ("
            f"SELECT id FROM (SELECT id FROM stale UNION ALL SELECT id FROM retry UNION ALL SELECT id FROM fresh) AS due LIMIT %s) "
            f"RETURNING id"
        )
        scope = [destination.tenant_id, destination.pk]
        params = [*scope, DeliveryStatus.SENDING, stale, limit]
        params += [*scope, DeliveryStatus.FAILED, now, limit]
        params += [*scope, DeliveryStatus.PENDING, now, limit]
        params += [DeliveryStatus.SENDING, token, now, now, limit]
        with outbox_transaction(), connection.cursor() as cursor:
            cursor.execute(sql, params)
            ids = [row[0] for row in cursor.fetchall()]
    else:
        with transaction.atomic():
            ids = list(due.values_list("id", flat=True)[:limit])
            Delivery.objects.for_tenant(destination.tenant_id).filter(pk__in=ids).update(
                status=DeliveryStatus.SENDING, claim_token=token, claimed_at=now, updated_at=now
            )
    if not ids:
        return token, []
    # By primary key: claim_token has no index (it is only ever compared on rows found by id).
    rows = list(
        Delivery.objects.for_tenant(destination.tenant_id).filter(pk__in=ids, claim_token=token).select_related("event").order_by("id")
    )
    return token, rows


def _next_due_in(destination: Destination, now: datetime) -> float | None:
    """Seconds until an open delivery of ``destination`` comes due (or its claim goes stale)."""
    open_rows = Delivery.objects.for_tenant(destination.tenant_id).filter(destination=destination, status__in=OPEN_STATUSES)
    stale = timedelta(seconds=settings.CONVERSIONS_CLAIM_STALE_SECONDS)
    moments = []
    sending = open_rows.filter(status=DeliveryStatus.SENDING).order_by("claimed_at").values_list("claimed_at", flat=True).first()
    if sending:
        moments.append(sending + stale)
    waiting = (
        open_rows.filter(status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED], next_attempt_at__isnull=False)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    if waiting:
        moments.append(waiting)
    if not moments:
        return None
    return max((min(moments) - now).total_seconds(), 1.0)


def destination_deliver(*, tenant_id: int, destination_id: int, budget_seconds: float | None = None) -> DeliverRun:
    """Deliver due rows of one destination, batch after batch, for up to ``budget_seconds``.

    One client (one pooled HTTP session) serves every batch of the run; the destination row is
    read again every couple of seconds, so a state or credential change elsewhere is seen."""
    run = DeliverRun()
    budget = settings.CONVERSIONS_TASK_BUDGET_SECONDS if budget_seconds is None else budget_seconds
    started = time.monotonic()
    destination, loaded_at, client, breaker = None, 0.0, None, None
    try:
        while True:
            if destination is None or time.monotonic() - loaded_at > 2.0:
                fresh = Destination.objects.for_tenant(tenant_id).filter(pk=destination_id).select_related("tenant").first()
                if client is not None and (fresh is None or _credentials(fresh) != _credentials(destination)):
                    client.close()
                    client = None
                destination, loaded_at = fresh, time.monotonic()
                if destination is not None:
                    breaker = destination_breaker(breaker_name(destination))
            if destination is None or destination.state != DestinationState.ACTIVE:
                return run  # held until an admin fixes it (destination_resume re-enqueues)
            adapter = adapter_for(destination.platform)
            remaining = circuit_open_remaining(breaker)
            if remaining > 0:
                run.retry_in = remaining  # the breaker holds every row; try again when it half-opens
                return run
            token, rows = deliveries_claim(destination=destination, limit=adapter.batch_size(destination))
            if not rows:
                run.retry_in = _next_due_in(destination, timezone.now())
                return run
            if client is None:
                client = adapter.client(destination)
            delivery_send_batch(destination=destination, rows=rows, token=token, run=run, client=client)
            run.batches += 1
            if time.monotonic() - started >= budget:
                run.more = True
                return run
    finally:
        if client is not None:
            client.close()


def _credentials(destination: Destination | None) -> tuple:
    if destination is None:
        return ()
    return (destination.access_token, destination.pixel_id, destination.refresh_token, destination.developer_token, destination.customer_id)


def delivery_send_batch(
    *, destination: Destination, rows: list[Delivery], token: uuid.UUID, run: DeliverRun | None = None, client=None
) -> DeliverRun:
    """Send claimed rows: skip what the seed's rules skip, send the rest, mark every row."""
    run = run or DeliverRun()
    adapter = adapter_for(destination.platform)
    now = timezone.now()
    skips: dict[str, list[int]] = defaultdict(list)
    to_send: list[Delivery] = []
    for row in rows:
        reason = adapter.skip_reason(destination, row.event, now=now)
        if reason:
            skips[reason].append(row.pk)
        else:
            to_send.append(row)
    if skips:
        with outbox_transaction():
            for reason, ids in skips.items():
                _mark(destination, ids, token, status=DeliveryStatus.SKIPPED, reason=reason)
                run.skipped += len(ids)
    if to_send:
        own_client = client is None
        client = client or adapter.client(destination)
        try:
            _send_rows(destination=destination, adapter=adapter, client=client, rows=to_send, token=token, run=run)
        finally:
            if own_client:
                client.close()
    return run


def _send_rows(*, destination, adapter, client, rows: list[Delivery], token, run: DeliverRun) -> None:
    items = [adapter.build_item(destination, row.event) for row in rows]
    body = adapter.build_body(destination, items)
    try:
        payload = adapter.send(client, body)
    except UpstreamError as error:
        outcome = classify_error(error)
        if outcome == Outcome.CIRCUIT_OPEN:
            with outbox_transaction():
                _hold(destination, [row.pk for row in rows], token, reason=f"Held: {error.message}", until=error.retry_after)
            run.held += len(rows)
            return
        with outbox_transaction():
            batch = _batch_record(
                destination, body, status=error.status, response={"error": error.message, "code": error.code}, outcome=outcome
            )
            if not (outcome == Outcome.INVALID and len(rows) > 1):
                _batch_failed(destination, rows, token, batch=batch, error=error, outcome=outcome, run=run)
                return
        # One bad event must not sink the others: split the batch until the bad one is alone.
        middle = len(rows) // 2
        _send_rows(destination=destination, adapter=adapter, client=client, rows=rows[:middle], token=token, run=run)
        _send_rows(destination=destination, adapter=adapter, client=client, rows=rows[middle:], token=token, run=run)
        return
    status_code = client.last_call.status_code if client.last_call else 200
    with outbox_transaction():
        batch = _batch_record(destination, body, status=status_code, response=payload, outcome="ok")
        results = adapter.row_results(payload, len(rows))
        grouped: dict[tuple[str, str], list[int]] = defaultdict(list)
        for row, result in zip(rows, results, strict=True):
            grouped[(result.status, result.reason)].append(row.pk)
        for (status, reason), ids in grouped.items():
            _mark_row_result(destination, rows, ids, token, batch=batch, status_code=status_code, result=RowResult(status, reason), run=run)
        now = timezone.now()
        if destination.last_success_at is None or now - destination.last_success_at > timedelta(seconds=5):
            # Throttled: a busy destination would otherwise rewrite its row after every batch.
            Destination.objects.for_tenant(destination.tenant_id).filter(pk=destination.pk).update(last_success_at=now)
            destination.last_success_at = now


@contextlib.contextmanager
def outbox_transaction():
    """A transaction for claims and marks that doesn't wait for its WAL flush (PostgreSQL's
    ``synchronous_commit = off`` for this transaction only). A database crash can lose the last
    few marks: those rows are SENDING again, go stale and are re-sent with the same event id,
    which the platforms deduplicate. Events and deliveries themselves (ingest) are committed
    synchronously, so no event is ever lost."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield


def _mark_row_result(destination, rows, ids, token, *, batch, status_code, result: RowResult, run: DeliverRun) -> None:
    now = timezone.now()
    if result.status == "sent":
        _mark(
            destination, ids, token, status=DeliveryStatus.SENT, reason=result.reason, batch=batch, response_code=status_code, sent_at=now
        )
        run.sent += len(ids)
    elif result.status == "retry":
        _mark(
            destination,
            ids,
            token,
            status=DeliveryStatus.FAILED,
            reason=result.reason,
            batch=batch,
            response_code=status_code,
            next_attempt_at=now + timedelta(hours=1),
        )
        run.failed += len(ids)
    elif result.status == "misconfigured":
        _destination_set_state(destination, DestinationState.MISCONFIGURED, result.reason)
        _hold(destination, ids, token, reason=f"Held: {result.reason}", batch=batch)
        run.held += len(ids)
    else:
        _mark(destination, ids, token, status=DeliveryStatus.DEAD, reason=result.reason, batch=batch, response_code=status_code)
        run.dead += len(ids)


def _batch_failed(destination, rows, token, *, batch, error: UpstreamError, outcome: str, run: DeliverRun) -> None:
    ids = [row.pk for row in rows]
    now = timezone.now()
    message = error.message or str(error)
    if outcome == Outcome.AUTH:
        _destination_set_state(destination, DestinationState.NEEDS_TOKEN, message)
        _hold(destination, ids, token, reason=f"Held: destination needs a new token ({message})", batch=batch)
        run.held += len(ids)
    elif outcome == Outcome.MISCONFIGURED:
        _destination_set_state(destination, DestinationState.MISCONFIGURED, message)
        _hold(destination, ids, token, reason=f"Held: destination misconfigured ({message})", batch=batch)
        run.held += len(ids)
    elif outcome == Outcome.INVALID:
        _mark(destination, ids, token, status=DeliveryStatus.DEAD, reason=message, batch=batch, response_code=error.status)
        _destination_note_error(destination, message)
        run.dead += len(ids)
    else:  # rate limited or retryable: back off, per row, in the database
        attempts = max(row.attempts for row in rows) + 1
        if outcome == Outcome.RETRYABLE and attempts >= settings.CONVERSIONS_MAX_ATTEMPTS:
            _mark(destination, ids, token, status=DeliveryStatus.DEAD, reason=f"Gave up after {attempts} attempts: {message}", batch=batch)
            run.dead += len(ids)
        else:
            delay = error.retry_after if error.retry_after is not None else retry_delay(attempts)
            _mark(
                destination,
                ids,
                token,
                status=DeliveryStatus.FAILED,
                reason=message,
                batch=batch,
                response_code=error.status,
                next_attempt_at=now + timedelta(seconds=delay),
            )
            run.failed += len(ids)
        _destination_note_error(destination, message)


def _mark(destination, ids: list[int], token, *, status: str, reason: str = "", batch=None, count_attempt: bool = True, **fields) -> int:
    """One UPDATE for rows with the same outcome; only rows still under this claim change."""
    if not ids:
        return 0
    now = timezone.now()
    values: dict[str, Any] = {
        "status": status,
        "reason": reason[:2000],
        "claim_token": None,
        "claimed_at": None,
        "updated_at": now,
        "next_attempt_at": fields.pop("next_attempt_at", None),
    }
    if batch is not None:
        values["batch"] = batch
    if count_attempt and status != DeliveryStatus.SKIPPED:
        values["attempts"] = F("attempts") + 1
    values.update(fields)
    return Delivery.objects.for_tenant(destination.tenant_id).filter(pk__in=ids, claim_token=token).update(**values)


def _hold(destination, ids, token, *, reason: str, until: float | None = None, batch=None) -> None:
    """Back to PENDING without counting an attempt: the destination, not the event, is at fault."""
    next_attempt = timezone.now() + timedelta(seconds=until) if until else None
    _mark(
        destination,
        ids,
        token,
        status=DeliveryStatus.PENDING,
        reason=reason,
        batch=batch,
        count_attempt=False,
        next_attempt_at=next_attempt,
    )


def _batch_record(destination, body: dict, *, status: int | None, response: Any, outcome: str) -> DeliveryBatch:
    text = response if isinstance(response, str) else json.dumps(response, separators=(",", ":"), default=str)
    return DeliveryBatch.objects.create(
        tenant_id=destination.tenant_id,
        destination=destination,
        request_body=body,
        response_code=status,
        response_body=text[:RESPONSE_BODY_LIMIT],
        outcome=outcome,
        size=len(adapter_for(destination.platform).items_of(body)),
    )


def _destination_set_state(destination: Destination, state: str, message: str) -> None:
    now = timezone.now()
    Destination.objects.for_tenant(destination.tenant_id).filter(pk=destination.pk).update(
        state=state, last_error=message[:2000], last_error_at=now, updated_at=now
    )
    destination.state = state
    logger.warning("Destination %s (%s) is now %s: %s", destination.pk, destination.platform, state, message)


def _destination_note_error(destination: Destination, message: str) -> None:
    Destination.objects.for_tenant(destination.tenant_id).filter(pk=destination.pk).update(
        last_error=message[:2000], last_error_at=timezone.now()
    )


# --- Sweeper, resume, replay -----------------------------------------------------------------


def deliveries_sweep() -> int:
    """Beat, cross-tenant on purpose: enqueue every active destination with due deliveries
    (their message was lost, a worker died holding a claim, or a retry came due)."""
    now = timezone.now()
    # Rows due for a while: a task that is on its way gets the time a claim takes to go stale.
    overdue = now - timedelta(seconds=settings.CONVERSIONS_CLAIM_STALE_SECONDS)
    lost = Q(status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED]) & (
        Q(next_attempt_at__lte=overdue) | Q(next_attempt_at__isnull=True, updated_at__lte=overdue)
    )
    pairs = (
        Delivery.all_tenants.filter(
            lost | Q(status=DeliveryStatus.SENDING, claimed_at__lt=overdue), destination__state=DestinationState.ACTIVE
        )
        .values_list("tenant_id", "destination_id")
        .order_by()
        .distinct()
    )
    count = 0
    for tenant_id, destination_id in pairs:
        deliveries_enqueue(tenant_id=tenant_id, destination_ids=[destination_id])
        count += 1
    return count


def destination_wake_later(*, destination_id: int, tenant_id: int, seconds: float) -> bool:
    """Schedule one delayed delivery run; concurrent runs asking for the same wake share it."""
    # Longer waits are the sweeper's: a countdown that long would outlive the broker's visibility timeout.
    seconds = min(max(1, int(seconds + 0.999)), 300)
    if not cache.add(f"conversions:wake:{destination_id}", 1, timeout=seconds):
        return False
    deliveries_enqueue(tenant_id=tenant_id, destination_ids=[destination_id], countdown=seconds)
    return True


def destination_resume(*, destination: Destination) -> int:
    """An admin fixed the destination: active again, breaker closed, held deliveries due now."""
    now = timezone.now()
    with transaction.atomic():
        Destination.objects.for_tenant(destination.tenant_id).filter(pk=destination.pk).update(
            state=DestinationState.ACTIVE, updated_at=now
        )
        destination.state = DestinationState.ACTIVE
        resumed = (
            Delivery.objects.for_tenant(destination.tenant_id)
            .filter(destination=destination, status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED])
            .update(next_attempt_at=None, updated_at=now)
        )
        transaction.on_commit(lambda: deliveries_enqueue(tenant_id=destination.tenant_id, destination_ids=[destination.pk]))
    destination_breaker(breaker_name(destination)).close()
    return resumed


def deliveries_replay(*, tenant: Tenant, deliveries: Iterable[Delivery] | None = None, destination: Destination | None = None) -> int:
    """DEAD and held deliveries back to PENDING, attempts from zero, sent again (same event_id)."""
    queryset = Delivery.objects.for_tenant(tenant).filter(status__in=[DeliveryStatus.DEAD, DeliveryStatus.PENDING, DeliveryStatus.FAILED])
    if deliveries is not None:
        queryset = queryset.filter(pk__in=[delivery.pk for delivery in deliveries])
    if destination is not None:
        queryset = queryset.filter(destination=destination)
    now = timezone.now()
    with transaction.atomic():
        destination_ids = sorted(set(queryset.values_list("destination_id", flat=True)))
        count = queryset.update(status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=None, reason="", updated_at=now)
        if destination_ids:
            transaction.on_commit(lambda: deliveries_enqueue(tenant_id=tenant.pk, destination_ids=destination_ids))
    return count


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


# --- Test endpoints (the seed's /api/test/<platform>) -------------------------------------------


def _env_destination(platform: str) -> Destination:
    """A destination built from the seed's environment variables (never saved)."""
    if platform == Platform.TIKTOK:
        return Destination(
            platform=platform,
            name="env",
            pixel_id=settings.TIKTOK_PIXEL_ID,
            access_token=settings.TIKTOK_ACCESS_TOKEN,
            test_event_code=settings.TIKTOK_TEST_EVENT_CODE,
        )
    if platform == Platform.GOOGLE_ADS:
        return Destination(
            platform=platform,
            name="env",
            customer_id=settings.GOOGLE_ADS_CUSTOMER_ID,
            login_customer_id=settings.GOOGLE_ADS_LOGIN_CUSTOMER_ID,
            conversion_action_id=settings.GOOGLE_ADS_CONVERSION_ACTION_ID,
            developer_token=settings.GOOGLE_ADS_DEVELOPER_TOKEN,
            oauth_client_id=settings.GOOGLE_ADS_CLIENT_ID,
            oauth_client_secret=settings.GOOGLE_ADS_CLIENT_SECRET,
            refresh_token=settings.GOOGLE_ADS_REFRESH_TOKEN,
        )
    return Destination(
        platform=platform,
        name="env",
        pixel_id=settings.META_PIXEL_ID,
        access_token=settings.META_ACCESS_TOKEN,
        test_event_code=settings.META_TEST_EVENT_CODE,
    )


def test_event_send(*, platform: str, event_data: dict) -> dict:
    """Send one event with the env credentials; the seed's answer ``{ok, status, body, requestBody}``
    (plus ``skipped``/``reason`` when the seed's rules skip it). Nothing is stored."""
    destination = _env_destination(platform)
    adapter = adapter_for(platform)
    event = Event(
        event_id=event_data["event_id"],
        name=event_data["event_name"],
        event_time=event_data["event_time"],
        value=event_data.get("value"),
        **{name: event_data.get(name) or "" for name in EVENT_FIELDS},
    )
    reason = adapter.skip_reason(destination, event)
    if reason:
        return {"ok": False, "skipped": True, "reason": reason, "status": None, "body": None, "requestBody": None}
    body = adapter.build_body(destination, [adapter.build_item(destination, event)])
    request_body = json.dumps(body, separators=(",", ":"))
    client = adapter.client(destination, tenant=Tenant(name="test endpoint", slug="-"))
    try:
        payload = adapter.send(client, body)
    except UpstreamError as error:
        response = json.dumps({"error": error.message, "code": error.code}, separators=(",", ":"), default=str)
        return {"ok": False, "status": error.status, "body": response, "requestBody": request_body}
    finally:
        client.close()
    status = client.last_call.status_code if client.last_call else 200
    results = adapter.row_results(payload, 1)
    return {
        "ok": results[0].status == "sent",
        "status": status,
        "body": json.dumps(payload, separators=(",", ":")),
        "requestBody": request_body,
    }


def decimal_or_none(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def utc_from_unix(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)
