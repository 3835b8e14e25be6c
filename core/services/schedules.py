"""Writes of a tenant's schedules (Settings → Schedules): a job on or off, and how often."""

from __future__ import annotations

from core.errors import CoreError
from core.exceptions import ApplicationError
from core.models import Tenant, TenantSchedule
from core.registry import schedule_option


def schedule_set(*, tenant: Tenant, key: str, enabled: bool, every_minutes: int, user=None) -> TenantSchedule:
    """Store the tenant's choice for ``key``; the beat fan-outs read it on their next tick."""
    option = schedule_option(key)
    if option is None:
        raise ApplicationError(f"There is no schedule called '{key}'.", code=CoreError.INVALID, extra={"fields": {"key": ["Unknown schedule."]}})
    if every_minutes not in option.frequencies:
        allowed = ", ".join(str(minutes) for minutes in option.frequencies)
        raise ApplicationError(
            f"{option.label} can run every {allowed} minutes.", code=CoreError.INVALID, extra={"fields": {"every_minutes": [f"Choose one of {allowed}."]}}
        )
    schedule, _ = TenantSchedule.objects.for_tenant(tenant).update_or_create(
        tenant=tenant, key=key, defaults={"enabled": enabled, "every_minutes": every_minutes, "updated_by": user}
    )
    return schedule
