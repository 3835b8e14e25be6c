"""What the three conversion destinations (``tiktok-events``, ``google-ads``, ``meta-graph``)
share: receipts of accepted events, the per-token QPS limit, and the control routes for tokens,
destinations and receipts.

Receipts are written with one ``bulk_create`` per accepted request and only for accepted events,
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
from django.db.models import Count, F
from django.http import HttpRequest
from django.utils import timezone

from core.exceptions import ApplicationError
from sandbox.control import _json_object
from sandbox.framework import Emulator, json_response
from sandbox.models import ConversionReceipt, EmulatorCounter
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


# --- Receipts -----------------------------------------------------------------------------


def receipts_record(*, emulator: str, request_id: str, rows: Iterable[tuple[str, str, str, str]]) -> int:
    """Store one receipt per accepted event: ``rows`` of (destination, event_id, event_name,
    test_event_code). One INSERT for the whole request."""
    now = timezone.now()
    receipts = [
        ConversionReceipt(
            emulator=emulator,
            destination=destination,
            event_id=event_id,
            event_name=event_name[:EVENT_NAME_MAX],
            test_event_code=test_event_code[:TEST_EVENT_CODE_MAX],
            received_at=now,
            request_id=request_id,
        )
        for destination, event_id, event_name, test_event_code in rows
    ]
    ConversionReceipt.objects.bulk_create(receipts, batch_size=5000)
    return len(receipts)


def receipts_already_received(*, emulator: str, keys: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which (destination, event_id) pairs of ``keys`` were accepted before (one indexed query)."""
    wanted = {(destination, event_id) for destination, event_id in keys if event_id}
    if not wanted:
        return set()
    rows = ConversionReceipt.objects.filter(emulator=emulator, event_id__in={event_id for _, event_id in wanted})
    return {pair for pair in rows.values_list("destination", "event_id") if pair in wanted}


def receipts_summary(*, emulator: str, destination: str | None = None, test_event_code: str | None = None) -> dict:
    rows = ConversionReceipt.objects.filter(emulator=emulator)
    if destination is not None:
        rows = rows.filter(destination=destination)
    if test_event_code is not None:
        rows = rows.filter(test_event_code=test_event_code)
    per_destination = (
        rows.values("destination").annotate(total=Count("id"), distinct=Count("event_id", distinct=True)).order_by("destination")
    )
    by_destination = {
        row["destination"]: {"total": row["total"], "distinct_event_ids": row["distinct"], "duplicates": row["total"] - row["distinct"]}
        for row in per_destination
    }
    return {
        "emulator": emulator,
        "total": sum(item["total"] for item in by_destination.values()),
        "distinct_event_ids": rows.aggregate(distinct=Count("event_id", distinct=True))["distinct"],
        # A resend to the same destination counts; the same event sent to two pixels doesn't.
        "duplicates": sum(item["duplicates"] for item in by_destination.values()),
        "by_destination": by_destination,
    }


def receipts_delete(*, emulator: str) -> int:
    deleted, _ = ConversionReceipt.objects.filter(emulator=emulator).delete()
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
    current_key = f"{prefix}:{second}"
    cache.add(current_key, 0, timeout=5)
    try:
        current = cache.incr(current_key)
    except ValueError:  # expired between add and incr
        cache.set(current_key, 1, timeout=5)
        current = 1
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
