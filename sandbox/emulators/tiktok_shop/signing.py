"""The Partner API request signature and the webhook signature, as the platform computes them
(reference: shared/reference/tiktok-apis.md §1.3, §1.4).

Request: ``hex(HMAC-SHA256(app_secret, app_secret + path + k1v1k2v2... + body + app_secret))``,
the query pairs sorted by key without ``sign`` and ``access_token``, repeated (array) keys left
out, and the raw body only for non-GET requests that aren't multipart.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping

UNSIGNED_PARAMS = frozenset({"sign", "access_token", "x-tts-access-token"})


def signature_base(*, path: str, params: Mapping[str, str] | Iterable[tuple[str, str]], body: bytes = b"") -> bytes:
    """``path + sorted key/value pairs + body``: what the app secret wraps before hashing."""
    pairs = list(params.items()) if isinstance(params, Mapping) else list(params)
    counts: dict[str, int] = {}
    for key, _ in pairs:
        counts[key] = counts.get(key, 0) + 1
    signed = sorted((key, value) for key, value in pairs if key not in UNSIGNED_PARAMS and counts[key] == 1)
    return path.encode() + "".join(f"{key}{value}" for key, value in signed).encode() + body


def request_sign(
    *,
    app_secret: str,
    path: str,
    params: Mapping[str, str] | Iterable[tuple[str, str]],
    body: bytes = b"",
    method: str = "GET",
    content_type: str = "",
) -> str:
    """The ``sign`` query parameter of a request."""
    signs_body = method.upper() != "GET" and not content_type.startswith("multipart/form-data")
    base = signature_base(path=path, params=params, body=body if signs_body else b"")
    secret = app_secret.encode()
    return hmac.new(secret, secret + base + secret, hashlib.sha256).hexdigest()


def webhook_sign(*, app_key: str, app_secret: str, body: bytes) -> str:
    """The ``Authorization`` header of a webhook push."""
    return hmac.new(app_secret.encode(), app_key.encode() + body, hashlib.sha256).hexdigest()
