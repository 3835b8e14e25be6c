"""Shopee Live's error codes (shared ones are ``core.errors.CoreError``)."""

from enum import StrEnum


class LiveError(StrEnum):
    ACCOUNT_NOT_FOUND = "account_not_found"
    UNKNOWN_ACCESS_TOKEN = "unknown_access_token"
    NOT_CONNECTED = "not_connected"  # the account lacks the credential this call needs
    SESSION_STATE = "session_state"  # the platform refused: not ongoing, not yours, ...
    QR_EXPIRED = "qr_expired"
    INVALID_BUDGET = "invalid_budget"
    IMPORT_INVALID = "import_invalid"
    IMPORT_DONE = "import_done"
    DUPLICATE_SESSION = "duplicate_session"
