import pytest

from core.models import SyncRun
from core.tenancy import TenantContextMissing, tenant_scope


@pytest.mark.django_db
def test_scoped_manager_raises_without_tenant(tenant_a):
    with pytest.raises(TenantContextMissing):
        list(SyncRun.objects.all())


@pytest.mark.django_db
def test_scoped_manager_filters_by_context(tenant_a, tenant_b):
    SyncRun.all_tenants.create(tenant=tenant_a, kind="k", target="a")
    SyncRun.all_tenants.create(tenant=tenant_b, kind="k", target="b")
    with tenant_scope(tenant_b):
        assert [r.target for r in SyncRun.objects.all()] == ["b"]
    assert [r.target for r in SyncRun.objects.for_tenant(tenant_a)] == ["a"]
    assert SyncRun.all_tenants.count() == 2
