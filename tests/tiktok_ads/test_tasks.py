"""The daily refresh: one task per active connection, what it changes, and what it leaves alone
(disconnected or rejected connections); stale OAuth states are pruned on the way."""

from __future__ import annotations

from datetime import timedelta

import requests
from django.utils import timezone

from core.models import ApiCallLog, OAuthState
from core.registry import beat_schedules
from core.tasks import oauth_states_prune_task
from tests.tiktok_ads.factories import make_connection
from tests.tiktok_ads.helpers import connect_business
from tiktok_ads.models import Advertiser, BusinessConnection, ConnectionStatus
from tiktok_ads.tasks import advertisers_refresh_all_task, advertisers_refresh_task

STORE_LIST = "/open_api/v1.3/gmv_max/store/list/"


def store_list_calls(tenant) -> int:
    return ApiCallLog.objects.for_tenant(tenant).filter(provider="tiktok_business", endpoint=STORE_LIST, outcome="ok").count()


def test_the_beat_refreshes_every_active_connection_and_prunes_old_states(sandbox, tenant_a, tenant_b):
    connection = connect_business(tenant_a)
    make_connection(tenant_b, status=ConnectionStatus.DISCONNECTED)
    make_connection(tenant_b, status=ConnectionStatus.NEEDS_REAUTH)
    Advertiser.objects.for_tenant(tenant_a).filter(name="Glow Corner Outlet").update(name="Renamed upstream since")
    stale = OAuthState.objects.create(tenant=tenant_b, state="stale-state", created_at=timezone.now() - timedelta(days=2))
    fresh = OAuthState.objects.create(tenant=tenant_b, state="fresh-state")
    assert store_list_calls(tenant_a) == 4

    enqueued = advertisers_refresh_all_task.delay().get()
    oauth_states_prune_task.delay().get()  # the shared beat entry that prunes states of every provider

    assert enqueued == 1
    assert store_list_calls(tenant_a) == 8
    assert Advertiser.objects.for_tenant(tenant_a).filter(name="Glow Corner Outlet", connection=connection).exists()
    assert list(OAuthState.all_tenants.filter(pk__in=[stale.pk, fresh.pk]).values_list("state", flat=True)) == ["fresh-state"]


def test_a_revoked_token_marks_the_connection_and_later_runs_skip_it(sandbox, tenant_a):
    connection = connect_business(tenant_a)
    requests.post(f"{sandbox.base_url}/_control/tiktok-business/tokens/revoke", json={"fixture": "demo"}, timeout=30)

    refreshed = advertisers_refresh_task.delay(tenant_id=tenant_a.pk, connection_id=connection.pk).get()

    assert refreshed == 0
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.NEEDS_REAUTH
    assert advertisers_refresh_all_task.delay().get() == 0
    assert store_list_calls(tenant_a) == 4  # the connect's calls only


def test_the_task_ignores_another_tenants_connection(sandbox, tenant_a, tenant_b):
    connection = connect_business(tenant_a)

    assert advertisers_refresh_task.delay(tenant_id=tenant_b.pk, connection_id=connection.pk).get() == 0

    assert store_list_calls(tenant_a) == 4
    assert BusinessConnection.objects.for_tenant(tenant_a).get().status == ConnectionStatus.ACTIVE


def test_the_refresh_has_a_default_schedule():
    entry = next(entry for entry in beat_schedules() if entry.task == "tiktok_ads.tasks.advertisers_refresh_all_task")

    assert entry.crontab == {"minute": "41", "hour": "2"} and entry.expires == 5400
