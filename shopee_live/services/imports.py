"""CSV import of historical sessions (what the seed's system did before it synced from Shopee):
upload → preview with per-row errors → confirm. Nothing reaches ``LiveSession`` until the import
is confirmed; a confirmed import can't be confirmed again.

The file (UTF-8, comma-separated, a header row; at most ``IMPORT_MAX_BYTES``) has these columns,
case-insensitive, in any order; aliases in brackets (the seed's own ``name`` and ``viewers``):

=================  ==========================================================================
session_id         required; Shopee's session id, the key: a re-import updates, never duplicates
session_name       [name] the session's title
started_at         required; ISO 8601 (``2025-11-01 19:00`` or ``2025-11-01T12:00:00Z``); without
                   an offset it is read in the account's region's time zone
ended_at           optional, same format; not before ``started_at``
streamer_name      [host, streamer] the host, matched by name in the studio (created if new)
streamer_id        optional; the host's id when known
viewers            [total_viewers] unique viewers, a whole number ≥ 0
peak_viewers       whole number ≥ 0
orders             [total_orders] whole number ≥ 0
revenue            [total_revenue, gmv] amount ≥ 0 in the account's currency, ``.`` as decimal
                   point, no thousands separators
likes, comments,   [total_likes, total_comments, total_shares] whole numbers ≥ 0
shares
campaign_spent     [spent] amount ≥ 0
=================  ==========================================================================

A session already stored from a sync (or recorded by hand) keeps Shopee's figures: its row is
counted as skipped, never overwritten by a file.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from core.exceptions import ApplicationError
from core.timezones import zone_or_utc
from shopee_live.errors import LiveError
from shopee_live.models import (
    Host,
    ImportStatus,
    LiveSession,
    SessionImport,
    SessionSource,
    SessionStatus,
)
from shopee_live.regions import market
from shopee_live.services.analytics import daily_analytics_compute

IMPORT_MAX_BYTES = 5 * 1024 * 1024
IMPORT_MAX_ROWS = 20_000
MAX_AMOUNT = Decimal("9999999999999999.99")  # what a numeric(18, 2) column holds

# Canonical column → the headers that name it (lower-case).
COLUMNS: dict[str, tuple[str, ...]] = {
    "session_id": ("session_id",),
    "session_name": ("session_name", "name"),
    "started_at": ("started_at", "start_time", "start"),
    "ended_at": ("ended_at", "end_time", "end"),
    "streamer_name": ("streamer_name", "host", "streamer"),
    "streamer_id": ("streamer_id",),
    "viewers": ("viewers", "total_viewers"),
    "peak_viewers": ("peak_viewers",),
    "orders": ("orders", "total_orders"),
    "revenue": ("revenue", "total_revenue", "gmv"),
    "likes": ("likes", "total_likes"),
    "comments": ("comments", "total_comments"),
    "shares": ("shares", "total_shares"),
    "campaign_spent": ("campaign_spent", "spent"),
}
COUNT_COLUMNS = ("viewers", "peak_viewers", "orders", "likes", "comments", "shares")
AMOUNT_COLUMNS = ("revenue", "campaign_spent")
# Parsed column → the LiveSession field it fills.
SESSION_FIELDS = {
    "viewers": "total_viewers",
    "peak_viewers": "peak_viewers",
    "orders": "total_orders",
    "revenue": "total_revenue",
    "likes": "total_likes",
    "comments": "total_comments",
    "shares": "total_shares",
    "campaign_spent": "campaign_spent",
}

# What a preview row is about to do.
NEW, UPDATE, SKIP = "new", "update", "skip"


class ImportRefused(ApplicationError):
    """The file as a whole can't be read (too big, not CSV, no session_id column): 400."""

    status = 400
    code = LiveError.IMPORT_INVALID

    def __init__(self, message: str):
        super().__init__(message, extra={"fields": {"file": [message]}})


def _header_map(header: list[str]) -> dict[str, int]:
    """Canonical column → its position in the file; unknown headers are ignored."""
    positions: dict[str, int] = {}
    for position, raw in enumerate(header):
        name = raw.strip().lower().replace(" ", "_")
        for column, names in COLUMNS.items():
            if name in names and column not in positions:
                positions[column] = position
    return positions


def size_text(size: int) -> str:
    """``5 MB`` / ``1.5 MB`` / ``120 KB``."""
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f}".removesuffix(".0") + " MB"
    return f"{max(1, round(size / 1024))} KB"


def _read_text(uploaded_file) -> str:
    limit = IMPORT_MAX_BYTES
    if uploaded_file.size > limit:
        raise ImportRefused(f"The file is {size_text(uploaded_file.size)}; the limit is {size_text(limit)}. Split it into smaller files.")
    raw = uploaded_file.read(limit + 1)
    if len(raw) > limit:
        raise ImportRefused(f"The file is larger than {size_text(limit)}. Split it into smaller files.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused("The file is not UTF-8 text. Save it as 'CSV UTF-8' and upload it again.") from None


def _count(raw: str) -> int:
    text = raw.strip()
    if not text:
        return 0
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"'{raw}' is not a number") from None
    if not value.is_finite() or value != value.to_integral_value():
        raise ValueError(f"'{raw}' is not a whole number")
    if value < 0:
        raise ValueError(f"{text} is negative")
    if value > 2_147_483_647:
        raise ValueError(f"{text} is too large")
    return int(value)


def _amount(raw: str) -> Decimal:
    text = raw.strip()
    if not text:
        return Decimal("0.00")
    if "," in text:
        raise ValueError(f"'{raw}' has a comma: write amounts without thousands separators, with '.' as the decimal point")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"'{raw}' is not an amount") from None
    if not value.is_finite():
        raise ValueError(f"'{raw}' is not an amount")
    if value < 0:
        raise ValueError(f"{text} is negative")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(f"{text} has more than two decimal places")
    if value > MAX_AMOUNT:
        raise ValueError(f"{text} is too large")
    return value.quantize(Decimal("0.01"))


def _moment(raw: str, zone) -> datetime | None:
    text = raw.strip()
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        raise ValueError(f"'{raw}' is not a date and time like 2025-11-01 19:00 or 2025-11-01T12:00:00Z") from None
    return value.replace(tzinfo=zone) if value.tzinfo is None else value


def _parse_row(cells: dict[str, str], zone) -> tuple[dict, list[tuple[str, str]]]:
    """(the row's values as JSON-ready text, [(column, message), ...])."""
    errors: list[tuple[str, str]] = []
    parsed: dict = {}
    session_id = cells.get("session_id", "").strip()
    if not session_id:
        errors.append(("session_id", "session_id is missing"))
    elif len(session_id) > 64:
        errors.append(("session_id", "session_id is longer than 64 characters"))
    parsed["session_id"] = session_id
    parsed["session_name"] = cells.get("session_name", "").strip()[:255]
    parsed["streamer_name"] = cells.get("streamer_name", "").strip()[:120]
    parsed["streamer_id"] = cells.get("streamer_id", "").strip()[:64]
    for column in COUNT_COLUMNS:
        try:
            parsed[column] = _count(cells.get(column, ""))
        except ValueError as exc:
            errors.append((column, f"{column}: {exc}"))
    for column in AMOUNT_COLUMNS:
        try:
            parsed[column] = str(_amount(cells.get(column, "")))
        except ValueError as exc:
            errors.append((column, f"{column}: {exc}"))
    moments = {}
    for column in ("started_at", "ended_at"):
        try:
            moments[column] = _moment(cells.get(column, ""), zone)
        except ValueError as exc:
            errors.append((column, f"{column}: {exc}"))
    if "started_at" in moments and moments["started_at"] is None:
        errors.append(("started_at", "started_at is missing: the session's day comes from it"))
    started, ended = moments.get("started_at"), moments.get("ended_at")
    if started and ended and ended < started:
        errors.append(("ended_at", "ended_at is before started_at"))
    parsed["started_at"] = started.isoformat() if started else None
    parsed["ended_at"] = ended.isoformat() if ended else None
    return parsed, errors


def session_import_preview(tenant, user, studio, account, uploaded_file) -> SessionImport:
    """Read ``uploaded_file`` into a ``SessionImport`` waiting for confirmation: parsed rows with
    what each would do (new / update / skip) and per-row errors. Writes no session.

    Raises ``ImportRefused`` (400, naming ``file``) when the file can't be read as a whole, and
    ``ApplicationError`` (400, naming ``account``) when the account isn't the studio's."""
    if account.studio_id != studio.pk:
        raise ApplicationError(
            f"{account.name} does not stream for {studio.name}.",
            code=LiveError.IMPORT_INVALID,
            extra={"fields": {"account": ["Pick an account of the chosen studio."]}},
        )
    text = _read_text(uploaded_file)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise ImportRefused("The file is empty: it needs a header row and one row per session.") from None
    positions = _header_map(header)
    if "session_id" not in positions:
        raise ImportRefused("The file has no session_id column: each row needs Shopee's session id (see the expected columns).")
    zone = zone_or_utc(market(account.region).time_zone)
    rows: list[dict] = []
    errors: list[dict] = []
    first_line: dict[str, int] = {}
    try:
        for line, record in enumerate(reader, start=2):
            if not any(cell.strip() for cell in record):
                continue
            if len(rows) >= IMPORT_MAX_ROWS:
                raise ImportRefused(f"The file has more than {IMPORT_MAX_ROWS:,} sessions. Split it into smaller files.")
            cells = {column: (record[position] if position < len(record) else "") for column, position in positions.items()}
            parsed, row_errors = _parse_row(cells, zone)
            session_id = parsed["session_id"]
            if session_id and session_id in first_line:
                row_errors.append(("session_id", f"session_id {session_id} is already on line {first_line[session_id]}"))
            elif session_id:
                first_line[session_id] = line
            parsed["line"] = line
            parsed["valid"] = not row_errors
            rows.append(parsed)
            errors.extend({"line": line, "session_id": session_id, "field": column, "message": message} for column, message in row_errors)
    except csv.Error as exc:
        raise ImportRefused(f"The file is not valid CSV (line {reader.line_num}: {exc}).") from None
    if not rows:
        raise ImportRefused("The file has a header but no sessions.")
    _mark_actions(tenant, account, rows)
    return SessionImport.objects.create(
        tenant=tenant,
        studio=studio,
        account=account,
        filename=(getattr(uploaded_file, "name", "") or "sessions.csv")[:255],
        rows=rows,
        errors=errors,
        created_by=user,
    )


def _mark_actions(tenant, account, rows: list[dict]) -> None:
    """Each valid row's ``action``: new, update (imported before) or skip (synced or recorded by
    hand, or another account's session); a skip says why in ``note``."""
    ids = [row["session_id"] for row in rows if row["valid"]]
    existing = {
        session_id: (source, account_id)
        for session_id, source, account_id in LiveSession.objects.for_tenant(tenant)
        .filter(session_id__in=ids)
        .values_list("session_id", "source", "account_id")
    }
    for row in rows:
        row["note"] = ""
        if not row["valid"]:
            row["action"] = ""
            continue
        found = existing.get(row["session_id"])
        if found is None:
            row["action"] = NEW
        elif found[1] != account.pk:
            row["action"], row["note"] = SKIP, "stored under another account"
        elif found[0] != SessionSource.IMPORT:
            row["action"], row["note"] = SKIP, "synced from Shopee: its figures are kept"
        else:
            row["action"] = UPDATE


def session_import_counts(session_import: SessionImport) -> dict[str, int]:
    """How many rows of the preview are new, updates, skipped and refused."""
    counts = {NEW: 0, UPDATE: 0, SKIP: 0, "invalid": 0}
    for row in session_import.rows:
        counts[row.get("action") or "invalid"] += 1
    return counts


def session_import_confirm(tenant, session_import: SessionImport) -> SessionImport:
    """Write the preview's valid rows as imported sessions (created or updated by session id),
    recompute the daily analytics of the days they touch, and mark the import done. The import
    row is locked first: a second confirm (another tab, a double click) is refused with 409."""
    with transaction.atomic():
        locked = SessionImport.objects.for_tenant(tenant).select_for_update().select_related("account", "studio").get(pk=session_import.pk)
        if locked.status != ImportStatus.PREVIEW:
            raise ApplicationError("This import was already confirmed: its sessions are stored.", code=LiveError.IMPORT_DONE, status=409)
        account, studio = locked.account, locked.studio
        rows = [row for row in locked.rows if row.get("valid")]
        if not rows:
            raise ApplicationError(
                "No row of this file can be imported: fix the errors and upload it again.", code=LiveError.IMPORT_INVALID, status=400
            )
        _mark_actions(tenant, account, rows)  # what is stored now, not at preview time
        hosts = _hosts_for(tenant, studio, rows)
        created = updated = 0
        touched_days: set = set()
        now = timezone.now()
        zone = zone_or_utc(market(account.region).time_zone)
        for row in rows:
            if row["action"] == SKIP:
                continue
            started = datetime.fromisoformat(row["started_at"])
            ended = datetime.fromisoformat(row["ended_at"]) if row["ended_at"] else None
            values = {
                "studio": studio,
                "account": account,
                "host": hosts.get(_host_key(row)),
                "session_name": row["session_name"],
                "status": SessionStatus.ENDED,
                "source": SessionSource.IMPORT,
                "currency": account.currency,
                "started_at": started,
                "ended_at": ended,
                "duration_seconds": int((ended - started).total_seconds()) if ended else 0,
                "is_final": True,
                "synced_at": now,
                **{field: (Decimal(row[column]) if column in AMOUNT_COLUMNS else row[column]) for column, field in SESSION_FIELDS.items()},
            }
            previous = (
                LiveSession.objects.for_tenant(tenant).filter(session_id=row["session_id"]).values_list("started_at", flat=True).first()
            )
            if previous:
                touched_days.add(previous.astimezone(zone).date())
            _, was_created = LiveSession.objects.for_tenant(tenant).update_or_create(
                tenant=tenant, session_id=row["session_id"], defaults=values
            )
            created += was_created
            updated += not was_created
            touched_days.add(started.astimezone(zone).date())
        if touched_days:
            daily_analytics_compute(tenant, day_from=min(touched_days), day_to=max(touched_days))
        locked.status = ImportStatus.IMPORTED
        locked.created_count, locked.updated_count = created, updated
        locked.imported_at = now
        locked.save(update_fields=["status", "created_count", "updated_count", "imported_at"])
    return locked


def _host_key(row: dict) -> str:
    return row["streamer_id"] or row["streamer_name"].casefold()


def _hosts_for(tenant, studio, rows: list[dict]) -> dict[str, Host]:
    """The studio's hosts the rows name, by streamer id or by name (case-insensitive); a name
    never seen becomes a host with a ``csv-`` streamer id."""
    hosts: dict[str, Host] = {}
    known = list(Host.objects.for_tenant(tenant).filter(studio=studio))
    for row in rows:
        key = _host_key(row)
        if not key or key in hosts:
            continue
        match = next(
            (
                host
                for host in known
                if (row["streamer_id"] and host.streamer_id == row["streamer_id"])
                or (not row["streamer_id"] and host.name.casefold() == key)
            ),
            None,
        )
        if match is None:
            streamer_id = row["streamer_id"] or f"csv-{slugify(row['streamer_name'])[:50] or 'host'}"
            match, _ = Host.objects.for_tenant(tenant).get_or_create(
                tenant=tenant, streamer_id=streamer_id, defaults={"studio": studio, "name": row["streamer_name"] or streamer_id}
            )
            known.append(match)
        hosts[key] = match
    return hosts
