"""List endpoints run a fixed number of queries however many rows they return (no N+1)."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import ApiCallLog, Role, SyncRun
from core.services import api_key_create

pytestmark = pytest.mark.django_db


def add_rows(tenant, n: int, offset: int) -> None:
    User = get_user_model()  # no password: hashing one per row would only slow the test
    creator = User.objects.create(username=f"creator-{offset}")
    for i in range(offset, offset + n):
        SyncRun.all_tenants.create(tenant=tenant, kind="orders_full", target=f"shop:{i}")
        ApiCallLog.all_tenants.create(tenant=tenant, provider="shopee", method="GET", endpoint=f"/{i}")
        api_key_create(tenant=tenant, name=f"key {i}", created_by=creator)
        member = User.objects.create(username=f"member-{i}")
        member.memberships.create(tenant=tenant, role=Role.VIEWER)


def queries_for(api, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert api.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", ["/api/sync-runs/", "/api/api-calls/", "/api/api-keys/", "/api/members/"])
def test_list_queries_do_not_grow_with_rows(tenant_a, api_client_for, url):
    api = api_client_for(tenant_a, Role.ADMIN)
    add_rows(tenant_a, 2, offset=0)
    api.get(url)  # the key's first use writes last_used_at; compare steady states
    few = queries_for(api, url)
    add_rows(tenant_a, 20, offset=100)
    assert queries_for(api, url) == few
