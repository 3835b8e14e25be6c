"""Autopilot tasks: alert rules (evaluation every 5 minutes, the hourly digest check)."""

from __future__ import annotations

from autopilot.services import alerts
from core.models import Tenant
from core.queues import Queue
from core.tasks import cross_tenant_task, tenant_task


@cross_tenant_task(name="autopilot.tasks.alerts_evaluate_fan_out_task", queue=Queue.DEFAULT)
def alerts_evaluate_fan_out_task() -> int:
    """Beat (every 5 minutes): an evaluation per tenant with active rules."""
    return alerts.alerts_evaluate_fan_out()


@tenant_task(name="autopilot.tasks.alerts_evaluate_task", queue=Queue.DEFAULT)
def alerts_evaluate_task(*, tenant_id: int) -> int:
    """Evaluate a tenant's active rules; the number of open events."""
    return len(alerts.alerts_evaluate(tenant=Tenant.objects.get(pk=tenant_id)))


@cross_tenant_task(name="autopilot.tasks.alerts_digest_fan_out_task", queue=Queue.DEFAULT)
def alerts_digest_fan_out_task() -> int:
    """Beat (hourly): a digest check per tenant with digest rules."""
    return alerts.alerts_digest_fan_out()


@tenant_task(name="autopilot.tasks.alerts_digest_task", queue=Queue.DEFAULT)
def alerts_digest_task(*, tenant_id: int) -> bool:
    """Send the tenant's daily digest when its local digest hour has come (once a day)."""
    return alerts.alerts_digest(tenant=Tenant.objects.get(pk=tenant_id))
