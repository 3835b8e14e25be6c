"""The delivery outbox: claiming due rows (SKIP LOCKED), classifying outcomes, marking rows and batches."""

from __future__ import annotations

import contextlib
import json
import logging
import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from conversions.clients import Misconfigured
from conversions.models import Delivery, DeliveryBatch, DeliveryStatus, Destination, DestinationState
from conversions.platforms import RowResult, adapter_for
from core.http import AuthExpired, BadRequest, CircuitOpen, RateLimited, UpstreamError

logger = logging.getLogger(__name__)

RESPONSE_BODY_LIMIT = 20_000


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
