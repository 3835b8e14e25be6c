"""Error codes of the conversions app (shared ones are ``core.errors.CoreError``)."""

from __future__ import annotations

from enum import StrEnum


class ConversionsError(StrEnum):
    PAYLOAD_TOO_LARGE = "payload_too_large"
    INVALID_SIGNATURE = "invalid_signature"
    INVALID_PAYLOAD = "invalid_payload"
    MISSING_DELIVERY_ID = "missing_delivery_id"
