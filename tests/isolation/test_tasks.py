"""Celery tasks declare their tenancy: tenant tasks refuse to run without a tenant and run in it."""

import pytest
from celery import Celery

from config.celery import app
from core.models import SyncRun
from core.tasks import CrossTenantTask, TenantTask, tenant_task
from core.tenancy import get_current_tenant, tenant_scope
from tests.isolation.project import is_project_app


@tenant_task(name="tests.isolation.tenant_probe")
def tenant_probe(*, tenant_id: int) -> dict:
    return {"tenant": get_current_tenant().slug, "runs": sorted(SyncRun.objects.values_list("target", flat=True))}


def untyped_project_tasks(tasks: dict) -> list[str]:
    """Tasks defined in project apps that are neither tenant-scoped nor cross-tenant on purpose."""
    from django.apps import apps

    packages = {config.name.split(".")[0] for config in apps.get_app_configs() if is_project_app(config)}
    return sorted(
        name
        for name, task in tasks.items()
        if type(task).__module__.split(".")[0] in packages and not isinstance(task, TenantTask | CrossTenantTask)
    )


@tenant_task(name="tests.isolation.lenient_probe")
def lenient_probe(tenant_id: int | None = None) -> str:
    return get_current_tenant().slug


@pytest.mark.django_db
def test_a_tenant_task_refuses_to_run_without_tenant_id():
    refusal = r"^tests.isolation.tenant_probe is tenant-scoped: call it with tenant_id=...$"
    with pytest.raises(TypeError, match=refusal):
        tenant_probe()
    with pytest.raises(TypeError, match="missing 1 required keyword-only argument: 'tenant_id'"):
        tenant_probe.delay()  # refused when sent, before reaching a worker
    # Even a function that would accept no tenant is refused by the task base.
    with pytest.raises(TypeError, match=r"^tests.isolation.lenient_probe is tenant-scoped"):
        lenient_probe.delay()
    with pytest.raises(TypeError, match=r"^tests.isolation.lenient_probe is tenant-scoped"):
        lenient_probe.apply_async(args=(None,))


@pytest.mark.django_db
def test_a_tenant_task_runs_in_its_tenants_context(tenant_a, tenant_b):
    SyncRun.all_tenants.create(tenant=tenant_a, kind="k", target="a-1")
    SyncRun.all_tenants.create(tenant=tenant_b, kind="k", target="b-1")
    SyncRun.all_tenants.create(tenant=tenant_b, kind="k", target="b-2")

    assert tenant_probe.delay(tenant_id=tenant_b.pk).get() == {"tenant": "tenant-b", "runs": ["b-1", "b-2"]}
    assert get_current_tenant(required=False) is None  # reset afterwards

    with tenant_scope(tenant_a):  # a task started from A's context still runs as its own tenant
        assert tenant_probe.delay(tenant_id=tenant_b.pk).get()["tenant"] == "tenant-b"
        assert get_current_tenant() == tenant_a


def test_every_project_task_declares_its_tenancy():
    app.loader.import_default_modules()
    project_tasks = [name for name, task in app.tasks.items() if type(task).__module__.split(".")[0] in {"core", "sandbox"}]
    assert "core.tasks.sync_runs_sweep_task" in project_tasks  # the check looks at real tasks
    assert untyped_project_tasks(app.tasks) == []


def test_the_task_check_catches_an_untyped_task():
    probe_app = Celery("probe", set_as_current=False)

    def untyped():
        return None

    untyped.__module__ = "core.probe"  # as if defined in a project app with plain @shared_task
    probe_app.task(name="core.probe.untyped")(untyped)
    assert untyped_project_tasks(probe_app.tasks) == ["core.probe.untyped"]
