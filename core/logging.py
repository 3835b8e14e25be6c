"""Log filters: context (correlation id, tenant) on every record, and PII masked everywhere."""

from __future__ import annotations

import logging
import re

from core.correlation import get_correlation_id
from core.tenancy import get_current_tenant

EMAIL_RE = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})")
# Phone-like runs: an optional +, then 9-15 digits possibly split by spaces, dots, dashes or parens.
PHONE_RE = re.compile(r"(?<![\w.])\+?\(?\d[\d\s().-]{7,}\d(?![\w.])")


def _mask_phone(match: re.Match) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    if not 9 <= len(digits) <= 15:
        return match.group(0)
    return f"***{digits[-2:]}"


def mask_pii(text: str) -> str:
    """``jane.doe@example.com`` → ``j***@example.com``; ``+1 415 555 1234`` → ``***34``."""
    if not text:
        return text
    text = EMAIL_RE.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", text)
    return PHONE_RE.sub(_mask_phone, text)


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.correlation_id = get_correlation_id() or None
        tenant = get_current_tenant(required=False)
        record.tenant_id = tenant.pk if tenant is not None else None
        return True


class MaskPiiFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not lose the record
            return True
        masked = mask_pii(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
