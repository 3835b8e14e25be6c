"""Log filters: context (correlation id, tenant) on every record, and PII masked everywhere."""

from __future__ import annotations

import logging

from core.correlation import get_correlation_id
from core.pii import mask_pii  # re-exported: core.http masks upstream messages with it
from core.tenancy import get_current_tenant


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
