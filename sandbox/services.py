"""Writes of sandbox state: fault config, counters and the record of received requests."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.db import transaction
from django.db.models import F

from core.exceptions import ApplicationError
from core.fields import mask_secret
from sandbox.faults import FaultSet, FaultSpecError
from sandbox.models import EmulatorConfig, EmulatorCounter, ReceivedRequest
from sandbox.selectors import emulator_state_cache_clear, emulator_state_mark_exhausted

if TYPE_CHECKING:
    from django.http import HttpRequest

    from sandbox.framework import Emulator

# Headers and body/query fields whose values never reach the record in clear.
SECRET_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "access-token",
        "x-tts-access-token",
        "x-api-key",
        "x-goog-api-key",
        "developer-token",
        "x-sandbox-control-token",
    }
)
SECRET_FIELDS = frozenset({"access_token", "refresh_token", "secret", "app_secret", "client_secret", "password"})


def _emulator(name: str) -> Emulator:
    from sandbox.framework import get_emulator

    try:
        return get_emulator(name)
    except LookupError:
        raise ApplicationError(f"No emulator named {name!r}.", code="unknown_emulator", status=404)


# --- Fault config -------------------------------------------------------------------------


def emulator_faults_set(*, emulator: str, faults: FaultSet | dict[str, Any] | str) -> EmulatorConfig:
    """Replace the emulator's faults. ``faults.times`` limits them to the next N requests."""
    _emulator(emulator)
    try:
        if isinstance(faults, str):
            faults = FaultSet.parse(faults)
        elif not isinstance(faults, FaultSet):
            faults = FaultSet.from_dict(faults)
    except FaultSpecError as exc:
        raise ApplicationError(str(exc), code="invalid_faults")
    if faults.is_empty:
        raise ApplicationError("No fault given; clear the faults instead.", code="invalid_faults")
    stored = faults.without_times().to_dict()
    config, _ = EmulatorConfig.objects.update_or_create(name=emulator, defaults={"faults": stored, "remaining": faults.times})
    emulator_state_cache_clear(emulator=emulator)
    return config


def emulator_faults_clear(*, emulator: str | None = None) -> None:
    """Clear the faults of one emulator, or of all of them. Latency and options stay."""
    rows = EmulatorConfig.objects.all() if emulator is None else EmulatorConfig.objects.filter(name=emulator)
    rows.update(faults={}, remaining=None)
    emulator_state_cache_clear(emulator=emulator)


def emulator_config_update(*, emulator: str, latency_ms: int | None = None, options: dict[str, Any] | None = None) -> EmulatorConfig:
    """Set the standing latency and/or replace the emulator's options."""
    _emulator(emulator)
    defaults: dict[str, Any] = {}
    if latency_ms is not None:
        limit = int(settings.SANDBOX_MAX_DELAY_MS)
        if isinstance(latency_ms, bool) or not isinstance(latency_ms, int) or not 0 <= latency_ms <= limit:
            raise ApplicationError(f"latency_ms must be an integer between 0 and {limit}.", code="invalid_latency")
        defaults["latency_ms"] = latency_ms
    if options is not None:
        if not isinstance(options, dict):
            raise ApplicationError("options must be a JSON object.", code="invalid_options")
        defaults["options"] = options
    config, _ = EmulatorConfig.objects.update_or_create(name=emulator, defaults=defaults)
    emulator_state_cache_clear(emulator=emulator)
    return config


def emulator_faults_consume(*, emulator: str) -> bool:
    """Take one of the "next N requests": True if this request gets the faults.

    A conditional UPDATE, so concurrent requests in any number of processes never take more
    than N between them.
    """
    taken = EmulatorConfig.objects.filter(name=emulator, remaining__gt=0).update(remaining=F("remaining") - 1)
    if not taken:
        emulator_state_mark_exhausted(emulator=emulator)
    return bool(taken)


def emulator_reset(*, emulator: str | None = None) -> None:
    """Back to pristine: no config, no record, no counters, and the emulator's own reset hook."""
    from sandbox.framework import emulators

    targets = emulators() if emulator is None else [_emulator(emulator)]
    names = [target.name for target in targets]
    with transaction.atomic():
        EmulatorConfig.objects.filter(name__in=names).delete()
        ReceivedRequest.objects.filter(emulator__in=names).delete()
        EmulatorCounter.objects.filter(emulator__in=names).delete()
        for target in targets:
            target.reset()
    emulator_state_cache_clear(emulator=emulator)


# --- Counters -----------------------------------------------------------------------------


def counter_increment(*, emulator: str, key: str, limit: int | None = None) -> int | None:
    """Add one to the counter and return its new value (1 for the first call).

    With ``limit``, only while the counter is below it: returns ``None`` once ``limit`` is
    reached, which is how "the first N requests" is counted across processes.
    """
    with transaction.atomic():
        EmulatorCounter.objects.get_or_create(emulator=emulator, key=key)
        rows = EmulatorCounter.objects.filter(emulator=emulator, key=key)
        if limit is not None:
            rows = rows.filter(value__lt=limit)
        if not rows.update(value=F("value") + 1):
            return None
        # The UPDATE holds the row lock until commit, so this reads our own increment.
        return EmulatorCounter.objects.values_list("value", flat=True).get(emulator=emulator, key=key)


# --- Received requests --------------------------------------------------------------------


def received_request_record(*, emulator: Emulator, request: HttpRequest, body: str, status: int, fault: str = "") -> ReceivedRequest:
    """Store what ``emulator`` received, secrets masked, and keep only the newest N per emulator."""
    secret_headers = SECRET_HEADERS | {name.lower() for name in emulator.secret_headers}
    secret_fields = SECRET_FIELDS | set(emulator.secret_fields)
    headers = {name: mask_secret(value) if name.lower() in secret_headers else value for name, value in request.headers.items()}
    query = request.META.get("QUERY_STRING", "")
    record = ReceivedRequest.objects.create(
        emulator=emulator.name,
        method=request.method,
        path=emulator.mask_path(request.path)[:2000],
        query=_mask_query(query, secret_fields),
        headers=headers,
        body=_truncate(_mask_body(body, request.content_type or "", secret_fields), int(settings.SANDBOX_RECEIVED_BODY_MAX)),
        status=status,
        fault=fault[:200],
    )
    received_request_prune(emulator=emulator.name, keep=int(settings.SANDBOX_RECEIVED_MAX))
    return record


def received_request_prune(*, emulator: str, keep: int) -> int:
    """Delete all but the newest ``keep`` records of ``emulator``; returns how many went."""
    rows = ReceivedRequest.objects.filter(emulator=emulator)
    if keep <= 0:
        doomed = rows
    else:
        boundary = list(rows.order_by("-id").values_list("id", flat=True)[keep - 1 : keep])
        if not boundary:
            return 0
        doomed = rows.filter(id__lt=boundary[0])
    deleted, _ = doomed.delete()
    return deleted


def _truncate(text: str, limit: int) -> str:
    # Masking runs first, on the whole body, so a cut never exposes an unmasked secret.
    return text if len(text) <= limit else f"{text[:limit]}…<truncated, {len(text)} characters>"


def _mask_query(query: str, secret_fields: set[str]) -> str:
    pairs = parse_qsl(query, keep_blank_values=True)
    if not any(key in secret_fields for key, _ in pairs):
        return query
    return urlencode([(key, mask_secret(value) if key in secret_fields else value) for key, value in pairs])


def _mask_body(body: str, content_type: str, secret_fields: set[str]) -> str:
    """Mask secret fields of JSON and form bodies; the body is rewritten only if one is found."""
    if not body:
        return body
    if content_type == "application/json" or content_type.endswith("+json"):
        # Parsing and walking a 1,000-event batch cost more than validating it: skip bodies that
        # can't hold a secret key (an escaped key, "\u...", is still parsed).
        if "\\u" not in body and not any(f'"{field}"' in body for field in secret_fields):
            return body
        try:
            data = json.loads(body)
        except ValueError:
            return body
        masked, changed = _mask_json(data, secret_fields)
        return json.dumps(masked, ensure_ascii=False) if changed else body
    if content_type == "application/x-www-form-urlencoded":
        return _mask_query(body, secret_fields)
    return body


def _mask_json(value, secret_fields: set[str]) -> tuple[Any, bool]:
    if isinstance(value, dict):
        changed = False
        out = {}
        for key, item in value.items():
            if key in secret_fields and isinstance(item, str):
                out[key], changed = mask_secret(item), True
            else:
                out[key], item_changed = _mask_json(item, secret_fields)
                changed = changed or item_changed
        return out, changed
    if isinstance(value, list):
        items = [_mask_json(item, secret_fields) for item in value]
        return [item for item, _ in items], any(changed for _, changed in items)
    return value, False
