"""The upstream call log (``ApiCallLog``): one row per call the HTTP base makes."""

from __future__ import annotations

from core.models import ApiCallLog, Tenant


def api_call_log_record(
    *,
    tenant: Tenant,
    provider: str,
    method: str,
    endpoint: str,
    outcome: str,
    status_code: int | None = None,
    error_message: str = "",
    duration_ms: int = 0,
    attempts: int = 1,
    credential: str = "",
    correlation_id: str = "",
) -> ApiCallLog:
    """One row per upstream call. Callers pass values already masked (``core.http`` does)."""
    return ApiCallLog.all_tenants.create(
        tenant=tenant,
        provider=provider[:40],
        method=method[:8],
        endpoint=endpoint[:300],
        status_code=status_code,
        outcome=outcome[:32],
        error_message=error_message[:500],
        duration_ms=max(int(duration_ms), 0),
        attempts=attempts,
        credential=credential[:64],
        correlation_id=correlation_id[:64],
    )
