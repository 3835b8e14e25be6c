"""Settings → Schedules across tenants: tenant B's admin changes only B's choice, never reads A's,
and the fan-outs keep each tenant's choice to itself."""

from datetime import UTC, datetime

import pytest
from django.test import Client

from core.models import Role, TenantSchedule
from core.selectors import schedule_due_tenant_ids
from core.services import schedule_set

pytestmark = pytest.mark.django_db

TICK = datetime(2026, 12, 4, 10, 20, 20, tzinfo=UTC)  # not on a quarter hour


def test_tenant_b_changes_only_its_own_schedule(member_factory, tenant_a, tenant_b):
    schedule_set(tenant=tenant_a, key="shop_sync.incremental", enabled=False, every_minutes=60)
    client = Client()
    client.force_login(member_factory(tenant_b, Role.OWNER))

    page = client.get("/settings/schedules/").content.decode()
    response = client.post("/settings/schedules/", {"key": "shop_sync.incremental", "enabled": "1", "every_minutes": "15"})

    assert response.status_code == 302
    assert "Does not run" not in page  # A's "off" is not shown to B
    rows = {(row.tenant_id, row.enabled, row.every_minutes) for row in TenantSchedule.all_tenants.filter(key="shop_sync.incremental")}
    assert rows == {(tenant_a.pk, False, 60), (tenant_b.pk, True, 15)}
    # A stays off; B (every 15 minutes) is not due at 10:20.
    assert schedule_due_tenant_ids("shop_sync.incremental", [tenant_a.pk, tenant_b.pk], now=TICK) == []
