"""TikTok Shop Partner API signatures: the request sign and the push (webhook) signature."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any


def tiktok_sign(*, app_secret: str, path: str, params: dict[str, Any], body: bytes = b"") -> str:
    """The platform's request signature: lower hex HMAC-SHA256 keyed by the app secret.

    ``params`` are the query parameters; ``sign``, ``access_token`` and list values are left out.
    ``body`` is the raw body of a non-GET request, exactly as sent.
    """
    pairs = "".join(
        f"{key}{params[key]}"
        for key in sorted(params)
        if key not in ("sign", "access_token", "x-tts-access-token") and not isinstance(params[key], list | tuple)
    )
    message = f"{app_secret}{path}{pairs}".encode() + body + app_secret.encode()
    return hmac.new(app_secret.encode(), message, hashlib.sha256).hexdigest()


def webhook_signature(*, app_key: str, app_secret: str, body: bytes) -> str:
    """``Authorization`` header of a platform push: hex(HMAC-SHA256(app_secret, app_key + body))."""
    return hmac.new(app_secret.encode(), app_key.encode() + body, hashlib.sha256).hexdigest()
