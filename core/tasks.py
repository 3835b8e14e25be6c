"""Celery plumbing for tenant work, and the platform's own periodic tasks.

Tasks that touch tenant data are declared with ``@tenant_task``: they take ``tenant_id`` as a
keyword argument, and the base class loads the tenant and puts it in context for the task's
duration (reset afterwards). Tasks that are cross-tenant on purpose use ``@cross_tenant_task``.
"""

from __future__ import annotations

from datetime import timedelta

from celery import Task, shared_task
from django.utils import timezone

from core.connections import oauth_states_prune
from core.models import ApiCallLog, Tenant
from core.queues import Queue
from core.services import sync_runs_sweep
from core.tenancy import reset_current_tenant, set_current_tenant


class TenantTask(Task):
    """Runs with the tenant named by the ``tenant_id`` keyword argument as the current tenant."""

    def __call__(self, *args, **kwargs):
        tenant_id = kwargs.get("tenant_id")
        if tenant_id is None:
            raise TypeError(f"{self.name} is tenant-scoped: call it with tenant_id=...")
        tenant = Tenant.objects.get(pk=tenant_id)
        token = set_current_tenant(tenant)
        try:
            return super().__call__(*args, **kwargs)
        finally:
            reset_current_tenant(token)


class CrossTenantTask(Task):
    """Runs without a current tenant (sweeps, prunes, fan-outs over tenants)."""


def tenant_task(*args, **options):
    """``shared_task`` with the tenant context set from the ``tenant_id`` keyword argument."""
    options.setdefault("base", TenantTask)
    return shared_task(*args, **options)


def cross_tenant_task(*args, **options):
    options.setdefault("base", CrossTenantTask)
    return shared_task(*args, **options)


@cross_tenant_task(name="core.tasks.sync_runs_sweep_task", queue=Queue.DEFAULT)
def sync_runs_sweep_task(stale_after_seconds: int = 300) -> int:
    return sync_runs_sweep(stale_after_seconds=stale_after_seconds)


@cross_tenant_task(name="core.tasks.api_call_log_prune_task", queue=Queue.DEFAULT)
def api_call_log_prune_task(keep_days: int = 30) -> int:
    deleted, _ = ApiCallLog.all_tenants.filter(created_at__lt=timezone.now() - timedelta(days=keep_days)).delete()
    return deleted


@cross_tenant_task(name="core.tasks.oauth_states_prune_task", queue=Queue.DEFAULT)
def oauth_states_prune_task() -> int:
    """Used and abandoned OAuth states of every provider and tenant."""
    return oauth_states_prune()
