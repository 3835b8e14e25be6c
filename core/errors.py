"""Error codes the platform's own code answers with; clients switch on them, so they never change.

Each app keeps its own codes in its ``errors.py``; the codes every app shares live here. They are
``StrEnum`` members, so ``code == "not_found"`` and JSON bodies keep working with plain strings.
"""

from __future__ import annotations

from enum import StrEnum


class CoreError(StrEnum):
    # Request and API plumbing (the DRF handler's codes).
    INVALID = "invalid"  # a field or the query failed validation
    MALFORMED_REQUEST = "malformed_request"
    AUTHENTICATION_FAILED = "authentication_failed"
    NOT_AUTHENTICATED = "not_authenticated"
    PERMISSION_DENIED = "permission_denied"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    NOT_ACCEPTABLE = "not_acceptable"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    CONFLICT = "conflict"
    ERROR = "error"

    # Throttled: by our own API limits or by the upstream beyond the retry budget (503 + retry_after).
    RATE_LIMITED = "rate_limited"
    # The upstream platform is down, timing out, or its circuit is open (503 + retry_after).
    UPSTREAM_UNAVAILABLE = "upstream_unavailable"
    # The upstream answered with an error or something unreadable (502).
    UPSTREAM_ERROR = "upstream_error"

    # Connections (OAuth) of every platform.
    INVALID_STATE = "invalid_state"
    AUTHORIZATION_REFUSED = "authorization_refused"
    NOT_CONFIGURED = "not_configured"

    # Tenants, members and API keys.
    NOT_A_MEMBER = "not_a_member"
    UNKNOWN_USER = "unknown_user"
    INVALID_ROLE = "invalid_role"
    INVALID_NAME = "invalid_name"
    ALREADY_MEMBER = "already_member"
    LAST_OWNER = "last_owner"

    # Sync runs.
    SYNC_RUNNING = "sync_running"
    STALE_CHECKPOINT = "stale_checkpoint"
    NOT_ACTIVE = "not_active"
    NOT_RESUMABLE = "not_resumable"
    NO_RUNNER = "no_runner"
