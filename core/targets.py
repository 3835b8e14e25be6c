"""What a sync run (or a coverage row) is about, as one string: built here and nowhere else,
so ``shop:12`` means the same thing on the Syncs page, in ``/api/sync-runs/`` and in the code
that looks runs up by target."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date

from core.formatting import day

TARGET_MAX_LENGTH = 200  # core.SyncRun.target


def shop_target(pk: int) -> str:
    return f"shop:{pk}"


def advertiser_target(pk: int) -> str:
    return f"advertiser:{pk}"


def campaign_target(pk: int) -> str:
    return f"campaign:{pk}"


def date_range_text(start: date, end: date) -> str:
    return f"{start.isoformat()}..{end.isoformat()}"


def campaign_range_target(pk: int, start: date, end: date) -> str:
    """``campaign:34:2026-01-12..2026-03-31``: one campaign over one range of days."""
    return f"{campaign_target(pk)}:{date_range_text(start, end)}"


def advertisers_range_target(pks: Iterable[int], start: date, end: date) -> str:
    """``advertisers:3,4,9:2026-01-12..2026-03-31``: several ad accounts over one range. A list
    too long for the column is replaced by its count and a digest (same list, same target)."""
    ids = ",".join(str(pk) for pk in sorted(set(pks)))
    target = f"advertisers:{ids}:{date_range_text(start, end)}"
    if len(target) <= TARGET_MAX_LENGTH:
        return target
    digest = hashlib.sha256(ids.encode()).hexdigest()[:16]
    return f"advertisers:{ids.count(',') + 1}#{digest}:{date_range_text(start, end)}"


# What each target prefix reads as on a page; the raw target stays in the API and the URL.
_TARGET_WORDS = {"shop": "Shop", "advertiser": "Ad account", "campaign": "Campaign", "account": "Account", "destination": "Destination"}


def target_label(target: str) -> str:
    """``shop:2`` → ``Shop #2``; ``campaign:34:2026-01-12..2026-03-31`` → ``Campaign #34, 12 Jan –
    31 Mar 2026``; ``advertisers:3,4,9:…`` → ``3 ad accounts, …``. Pages show a run's own label
    (which names the shop or account) first; this is the fallback that needs no app's data."""
    kind, _, rest = (target or "").partition(":")
    ident, _, span = rest.partition(":")
    if not rest:
        return kind.replace("_", " ").capitalize() if kind else "–"
    if kind == "advertisers":
        count = int(ident.split("#")[0]) if "#" in ident else len(ident.split(","))
        text = f"{count} ad account{'s' if count != 1 else ''}"
    else:
        text = f"{_TARGET_WORDS.get(kind, kind.replace('_', ' ').capitalize())} #{ident}"
    if span:
        try:
            start, end = (date.fromisoformat(part) for part in span.split(".."))
        except ValueError:
            return f"{text}, {span}"
        text += f", {day(start, fmt='short') if start.year == end.year else day(start)} – {day(end)}"
    return text
