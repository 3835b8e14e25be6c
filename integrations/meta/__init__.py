"""Meta Conversions API (Graph API): the events call and the Graph error codes. Tenant-aware
wrapper: ``conversions.clients.MetaCapiClient``."""

from integrations.meta.client import (
    EVENTS_ENDPOINT,
    MAX_AGE_DAYS,
    PERMISSION_CODES,
    RATE_LIMIT_CODES,
    TOKEN_CODES,
    TRANSIENT_CODES,
    MetaCapiClient,
)

__all__ = ["EVENTS_ENDPOINT", "MAX_AGE_DAYS", "PERMISSION_CODES", "RATE_LIMIT_CODES", "TOKEN_CODES", "TRANSIENT_CODES", "MetaCapiClient"]
