"""Time zones by name, tolerant of bad data: one shop or tenant with an empty or unknown zone
must not break a page, a sync or a rollup. It falls back to UTC and says so once per name."""

from __future__ import annotations

import logging
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

logger = logging.getLogger(__name__)

_UTC = ZoneInfo("UTC")
_ZONE_ERRORS = (ZoneInfoNotFoundError, ValueError, OSError)  # unknown, malformed, a directory ("America")


@lru_cache(maxsize=512)
def zone_or_none(name: str | None) -> ZoneInfo | None:
    """The IANA zone ``name``, or None when it is empty or not a zone."""
    if not name:
        return None
    try:
        return ZoneInfo(str(name))
    except _ZONE_ERRORS:
        return None


_warned: set[str] = set()


def zone_or_utc(name: str | None) -> ZoneInfo:
    """The IANA zone ``name``; UTC when it is empty or unknown (logged once per unknown name)."""
    zone = zone_or_none(name)
    if zone is not None:
        return zone
    if name and name not in _warned:
        _warned.add(name)
        logger.warning("Unknown time zone %r; using UTC", name)
    return _UTC


def is_zone(name: str | None) -> bool:
    return zone_or_none(name) is not None
