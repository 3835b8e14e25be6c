"""Delivering a destination's due rows batch after batch, and sending one claimed batch."""

from __future__ import annotations

import time
import uuid
from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from conversions.clients import destination_breaker
from conversions.models import OPEN_STATUSES, Delivery, DeliveryStatus, Destination, DestinationState
from conversions.platforms import RowResult, adapter_for, breaker_name
from conversions.services.outbox import (
    DeliverRun,
    Outcome,
    _batch_failed,
    _batch_record,
    _hold,
    _mark,
    _mark_row_result,
    classify_error,
    deliveries_claim,
    outbox_transaction,
)
from core.breaker import circuit_open_remaining
from core.http import UpstreamError


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
