"""Keeping secrets and PII out of every message an upstream call logs or raises."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from core.fields import mask_secret
from core.logging import mask_pii

# Secrets that tend to appear in URLs and error texts: query parameters and bearer tokens.
_SECRET_PARAM_RE = re.compile(
    r"(?i)\b((?:access_|refresh_)?token|sign|signature|secret|app_secret|client_secret|password|api_key|key)=([^&\s\"',;]+)"
)
_BEARER_RE = re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=-]+")


def digest(value: str) -> str:
    """A short, stable stand-in for a secret in keys (rate limits, locks); never reversible."""
    return hashlib.sha256(value.encode()).hexdigest()[:16]


def masked_text(text: str, secrets: Iterable[str]) -> str:
    """``text`` with ``secrets``, secret-looking parameters, emails and phones masked."""
    if not text:
        return ""
    for value in secrets:
        if value and len(value) >= 4:
            text = text.replace(value, mask_secret(value))
    text = _SECRET_PARAM_RE.sub(r"\1=••••", text)
    text = _BEARER_RE.sub(r"\1 ••••", text)
    return mask_pii(text)
