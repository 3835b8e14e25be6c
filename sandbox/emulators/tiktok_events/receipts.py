"""What the three conversion destinations (``tiktok-events``, ``google-ads``, ``meta-graph``)
share: receipts of accepted events, the per-token QPS limit, and the control routes for tokens,
destinations and receipts.

Receipts are written with one statement per accepted request and only for accepted events,
so ``receipts/summary`` answers "was every event delivered, and how many were sent twice" for a
run of any size (``ReceivedRequest`` keeps only the newest requests).

Control routes, for ``<name>`` each of the three (``tokens`` also for ``google-oauth``)::

    POST   /sandbox/_control/<name>/tokens            {"revoke": [...], "restore": [...]}
    POST   /sandbox/_control/<name>/destinations      {"break": [...], "fix": [...]}
    GET    /sandbox/_control/<name>/receipts/summary  ?destination=&test_event_code=
    GET    /sandbox/_control/<name>/receipts          ?event_id=&destination=&limit=
    DELETE /sandbox/_control/<name>/receipts
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable

from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from core.exceptions import ApplicationError
from sandbox.control import _json_object
from sandbox.framework import Emulator, json_response
from sandbox.models import ConversionReceipt, EmulatorCounter
from sandbox.ratelimit import window_count_add
from sandbox.selectors import counter_value, emulator_config_describe
from sandbox.services import emulator_config_update

SHA256_HEX = re.compile(r"[0-9a-f]{64}")
UNHASHED_MESSAGE = "must be a SHA-256 hex digest (64 lowercase hex characters); unhashed values are not accepted"
RECEIPTS_MAX_LIMIT = 1000
QPS_KEY_PREFIX = "sandbox:conversions:qps"
clock = time.time  # the QPS window's clock (tests pin it)
# Receipt columns with a length limit: longer values are cut (they are labels, not keys).
EVENT_NAME_MAX = ConversionReceipt._meta.get_field("event_name").max_length
TEST_EVENT_CODE_MAX = ConversionReceipt._meta.get_field("test_event_code").max_length


def is_sha256_hex(value) -> bool:
    return isinstance(value, str) and SHA256_HEX.fullmatch(value) is not None


def hashed_values_problem(value) -> str | None:
    """Why ``value`` (a hash, or a list of hashes) isn't acceptable; None when it is."""
    values = value if isinstance(value, list) else [value]
    if isinstance(value, list) and not value:
        return "must not be an empty list"
    for item in values:
        if not is_sha256_hex(item):
            return UNHASHED_MESSAGE
    return None


def is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def is_currency_code(value) -> bool:
    """Three ASCII letters, as ISO 4217 codes are (case is each platform's own rule)."""
    return isinstance(value, str) and len(value) == 3 and value.isascii() and value.isalpha()


def money_problem(data: dict) -> str | None:
    """Which key of an event's properties / custom_data is malformed: "value", "currency" or None."""
    value, currency = data.get("value"), data.get("currency")
    if value is not None and not is_number(value):
        return "value"
    if currency is not None and not is_currency_code(currency):
        return "currency"
    return None


# --- Receipts -----------------------------------------------------------------------------


RECEIPT_COLUMNS = ("emulator", "destination", "event_id", "event_name", "test_event_code", "received_at", "request_id")


def receipts_record(*, emulator: str, request_id: str, rows: Iterable[tuple[str, str, str, str]]) -> int:
    """Store one receipt per accepted event: ``rows`` of (destination, event_id, event_name,
    test_event_code). One statement for the whole request: COPY on PostgreSQL (a bench run
    stores ~300,000 receipts; building a model instance per row cost more than validating the
    event), a bulk INSERT elsewhere."""
    now = timezone.now()
    records = [
        (emulator, destination, event_id, event_name[:EVENT_NAME_MAX], test_event_code[:TEST_EVENT_CODE_MAX], now, request_id)
        for destination, event_id, event_name, test_event_code in rows
    ]
    if not records:
        return 0
    if connection.vendor == "postgresql":
        copy_sql = f"COPY {ConversionReceipt._meta.db_table} ({', '.join(RECEIPT_COLUMNS)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy:
            for record in records:
                copy.write_row(record)
    else:
        ConversionReceipt.objects.bulk_create([ConversionReceipt(**dict(zip(RECEIPT_COLUMNS, record, strict=True))) for record in records])
    return len(records)


def receipts_already_received(*, emulator: str, keys: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which (destination, event_id) pairs of ``keys`` were accepted before (one indexed query)."""
    wanted = {(destination, event_id) for destination, event_id in keys if event_id}
    if not wanted:
        return set()
    rows = ConversionReceipt.objects.filter(emulator=emulator, event_id__in={event_id for _, event_id in wanted})
    return {pair for pair in rows.values_list("destination", "event_id") if pair in wanted}


# One pass, streamed in the order of the (emulator, event_id, destination) index: receipts are
# counted per (event_id, destination) pair, then per destination; a pair whose rank is 1 is the
# first destination of its event id, so those add up to the distinct ids across destinations.
# An event sent without an event_id has no dedupe key: counted apart, never as a duplicate.
SUMMARY_SQL = """
SELECT destination,
       SUM(receipts),
       COUNT(*) FILTER (WHERE event_id <> ''),
       COALESCE(SUM(receipts) FILTER (WHERE event_id = ''), 0),
       COUNT(*) FILTER (WHERE event_id <> '' AND rank_in_event_id = 1)
FROM (
    SELECT event_id, destination, COUNT(*) AS receipts,
           ROW_NUMBER() OVER (PARTITION BY event_id ORDER BY destination) AS rank_in_event_id
    FROM {table}
    WHERE {where}
    GROUP BY event_id, destination
) AS pairs
GROUP BY destination
ORDER BY destination
"""


def receipts_summary(*, emulator: str, destination: str | None = None, test_event_code: str | None = None) -> dict:
    """Totals, distinct event ids and resends (receipts beyond the first for the same
    destination and event_id), overall and per destination. One query."""
    conditions, params = ["emulator = %s"], [emulator]
    for column, value in (("destination", destination), ("test_event_code", test_event_code)):
        if value is not None:
            conditions.append(f"{column} = %s")
            params.append(value)
    sql = SUMMARY_SQL.format(table=ConversionReceipt._meta.db_table, where=" AND ".join(conditions))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    by_destination = {
        name: {
            "total": int(total),
            "distinct_event_ids": int(distinct),
            "duplicates": int(total) - int(distinct) - int(without_event_id),
            "without_event_id": int(without_event_id),
        }
        for name, total, distinct, without_event_id, _ in rows
    }
    return {
        "emulator": emulator,
        "total": sum(item["total"] for item in by_destination.values()),
        # The same event sent to two destinations is one id here, and no duplicate.
        "distinct_event_ids": sum(int(first_ids) for *_, first_ids in rows),
        "duplicates": sum(item["duplicates"] for item in by_destination.values()),
        "without_event_id": sum(item["without_event_id"] for item in by_destination.values()),
        "by_destination": by_destination,
    }


def receipts_delete(*, emulator: str) -> int:
    deleted, _ = ConversionReceipt.objects.filter(emulator=emulator).delete()
    if deleted and connection.vendor == "postgresql" and not connection.in_atomic_block:
        # A bench clears receipts before each run; where autovacuum is off (the bench host), the
        # dead rows would stay in the index and every later summary would walk them too.
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {ConversionReceipt._meta.db_table}")
    return deleted


def serialize_receipt(receipt: ConversionReceipt) -> dict:
    return {
        "id": receipt.id,
        "destination": receipt.destination,
        "event_id": receipt.event_id,
        "event_name": receipt.event_name,
        "test_event_code": receipt.test_event_code,
        "received_at": receipt.received_at.isoformat(),
        "request_id": receipt.request_id,
    }


# --- Rate limit ---------------------------------------------------------------------------


def qps_exceeded(*, emulator: str, token: str, qps) -> bool:
    """True when this call goes over ``qps`` calls in the rolling second for ``token``.

    A sliding-window counter in the Django cache (Redis when configured, so every process
    serving the sandbox shares the budget); refused calls count, as platforms count them.
    """
    if not qps:
        return False
    now = clock()
    second = int(now)
    prefix = f"{QPS_KEY_PREFIX}:{emulator}:{token[-24:]}"
    current = window_count_add(f"{prefix}:{second}")
    previous = cache.get(f"{prefix}:{second - 1}", 0)
    others = previous * (1 - (now - second)) + current - 1
    return others >= float(qps)


# --- Options ------------------------------------------------------------------------------


def option_set(options: dict, name: str) -> set[str]:
    return {str(value) for value in options.get(name) or ()}


def _string_list(data: dict, key: str) -> list[str]:
    values = data.get(key, [])
    if not isinstance(values, list) or not all(isinstance(value, str) and value for value in values):
        raise ApplicationError(f"{key} must be a list of non-empty strings.", code="invalid_list")
    return values


def option_list_update(*, emulator: str, option: str, add: list[str], remove: list[str]) -> list[str]:
    options = emulator_config_describe(emulator=emulator)["options"]
    current = [str(value) for value in options.get(option) or ()]
    updated = [value for value in current if value not in set(remove)]
    updated += [value for value in dict.fromkeys(add) if value not in set(updated)]
    emulator_config_update(emulator=emulator, options={**options, option: updated})
    return updated


# --- Control routes -----------------------------------------------------------------------


def register_token_control(emulator: Emulator) -> None:
    """``POST /sandbox/_control/<name>/tokens``: revoke or restore tokens (option ``revoked_tokens``)."""

    def tokens(request: HttpRequest):
        data = _json_object(request)
        unknown = sorted(set(data) - {"revoke", "restore"})
        if unknown:
            raise ApplicationError(f"Unknown key {', '.join(unknown)}; use revoke and restore.", code="invalid_tokens")
        revoked = option_list_update(
            emulator=emulator.name, option="revoked_tokens", add=_string_list(data, "revoke"), remove=_string_list(data, "restore")
        )
        return json_response({"emulator": emulator.name, "revoked_tokens": revoked})

    emulator.control_route("tokens", methods=("POST",), name="tokens")(tokens)


def register_conversion_controls(emulator: Emulator, *, unknown_option: str, counters: Iterable[str] = ()) -> None:
    """Tokens, destinations and receipts routes of a conversion destination. ``counters`` are
    EmulatorCounter keys added to the summary (e.g. Google's rejected resends)."""
    counters = tuple(counters)
    register_token_control(emulator)

    def destinations(request: HttpRequest):
        data = _json_object(request)
        unknown = sorted(set(data) - {"break", "fix"})
        if unknown:
            raise ApplicationError(f"Unknown key {', '.join(unknown)}; use break and fix.", code="invalid_destinations")
        broken = option_list_update(
            emulator=emulator.name, option=unknown_option, add=_string_list(data, "break"), remove=_string_list(data, "fix")
        )
        return json_response({"emulator": emulator.name, "unknown": broken})

    def summary(request: HttpRequest):
        result = receipts_summary(
            emulator=emulator.name, destination=request.GET.get("destination"), test_event_code=request.GET.get("test_event_code")
        )
        for key in counters:
            result[key] = counter_value(emulator=emulator.name, key=key)
        return json_response(result)

    def receipts(request: HttpRequest):
        if request.method == "DELETE":
            # The summary's extra counters start over with the receipts.
            EmulatorCounter.objects.filter(emulator=emulator.name, key__in=counters).delete()
            return json_response({"emulator": emulator.name, "deleted": receipts_delete(emulator=emulator.name)})
        try:
            limit = int(request.GET.get("limit", 100))
        except ValueError:
            raise ApplicationError("limit must be an integer.", code="invalid_query")
        if not 1 <= limit <= RECEIPTS_MAX_LIMIT:
            raise ApplicationError(f"limit must be between 1 and {RECEIPTS_MAX_LIMIT}.", code="invalid_query")
        rows = ConversionReceipt.objects.filter(emulator=emulator.name)
        if "event_id" in request.GET:
            rows = rows.filter(event_id=request.GET["event_id"])
        if "destination" in request.GET:
            rows = rows.filter(destination=request.GET["destination"])
        found = list(rows.order_by("-id")[:limit])[::-1]
        return json_response({"emulator": emulator.name, "receipts": [serialize_receipt(row) for row in found]})

    emulator.control_route("destinations", methods=("POST",), name="destinations")(destinations)
    emulator.control_route("receipts/summary", methods=("GET",), name="receipts-summary")(summary)
    emulator.control_route("receipts", methods=("GET", "DELETE"), name="receipts")(receipts)


def counter_add(*, emulator: str, key: str, amount: int) -> None:
    """Add ``amount`` to a named counter (atomic across processes)."""
    if amount <= 0:
        return
    EmulatorCounter.objects.get_or_create(emulator=emulator, key=key)
    EmulatorCounter.objects.filter(emulator=emulator, key=key).update(value=F("value") + amount)


class ConversionDestination(Emulator):
    """Base of the three destinations: records requests, masks tokens, clears receipts on reset."""

    record_requests = True

    def reset(self) -> None:
        receipts_delete(emulator=self.name)
