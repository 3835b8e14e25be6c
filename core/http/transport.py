"""What one call sends, and what a failure to get any answer becomes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from urllib3.exceptions import NewConnectionError

from core.http.errors import UpstreamUnavailable


@dataclass(frozen=True)
class CallSpec:
    """The request as the caller asked for it; each attempt builds a fresh one from it."""

    method: str
    url: str
    params: dict | None
    json: Any
    data: Any
    files: Any
    headers: dict | None
    timeout: float | tuple[float, float]
    raw: bool
    idempotent: bool


def unavailable_error(exc: Exception, url: str, *, provider: str) -> UpstreamUnavailable:
    """No answer at all. A request that never left (connect timeout, refused connection) surely
    did nothing upstream, so even a POST may be sent again."""
    # Say what failed and where, never the URL: its path or query may carry a token.
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    never_sent = isinstance(exc, requests.ConnectTimeout) or isinstance(reason, NewConnectionError)
    return UpstreamUnavailable(f"{type(exc).__name__} calling {urlsplit(url).hostname}", provider=provider, maybe_processed=not never_sent)


def rewound(files: Any) -> Any:
    """Put file objects back at their start, so a retry uploads the whole file again."""
    if isinstance(files, dict):
        values = files.values()
    elif isinstance(files, list | tuple):
        values = [value for _, value in files]
    else:
        return files
    for value in values:
        handle = value[1] if isinstance(value, tuple) and len(value) > 1 else value
        if hasattr(handle, "seek"):
            handle.seek(0)
    return files
