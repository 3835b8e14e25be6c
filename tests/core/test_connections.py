"""The shared connection layer: OAuth states (issued per tenant and provider, consumed once,
within ten minutes, never by another provider), the prune beat, and needs-reauth marking."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from core.connections import (
    NEEDS_REAUTH,
    OAUTH_STATE_TTL,
    NeedsReauth,
    connection_mark_needs_reauth,
    oauth_state_consume,
    oauth_state_issue,
    oauth_states_prune,
)
from core.exceptions import ApplicationError
from core.models import ConnectionStatus, OAuthState
from core.registry import beat_schedules
from core.tasks import oauth_states_prune_task
from tests.tiktok_ads.factories import make_connection
from tiktok_ads.models import BusinessConnection

SHOPEE = "shopee"  # any provider name works: the layer knows none of them


def consume(tenant, state, *, provider=SHOPEE, auth_code="code-1"):
    oauth_state_consume(tenant=tenant, provider=provider, state=state, auth_code=auth_code, start_label="Connect a Shopee shop")


def test_issue_stores_a_fresh_unused_state_for_the_tenant_and_provider(tenant_a, owner_a):
    state = oauth_state_issue(tenant=tenant_a, provider=SHOPEE, user=owner_a)

    row = OAuthState.objects.for_tenant(tenant_a).get()
    assert (row.provider, row.state, row.created_by, row.used_at) == (SHOPEE, state, owner_a, None)
    assert len(state) >= 40 and state != oauth_state_issue(tenant=tenant_a, provider=SHOPEE)


def test_a_state_is_consumed_once(tenant_a):
    state = oauth_state_issue(tenant=tenant_a, provider=SHOPEE)

    consume(tenant_a, state)

    assert OAuthState.objects.for_tenant(tenant_a).get().used_at is not None
    with pytest.raises(ApplicationError) as caught:
        consume(tenant_a, state)
    assert (caught.value.code, caught.value.status) == ("invalid_state", 400)
    assert caught.value.message == "This authorization link is invalid or has expired. Start again from Connect a Shopee shop."


def test_an_expired_state_is_refused(tenant_a):
    state = oauth_state_issue(tenant=tenant_a, provider=SHOPEE)
    OAuthState.objects.for_tenant(tenant_a).update(created_at=timezone.now() - OAUTH_STATE_TTL - timedelta(seconds=1))

    with pytest.raises(ApplicationError, match="invalid or has expired"):
        consume(tenant_a, state)


def test_another_providers_or_tenants_callback_cannot_use_the_state(tenant_a, tenant_b):
    state = oauth_state_issue(tenant=tenant_a, provider=SHOPEE)

    with pytest.raises(ApplicationError):
        consume(tenant_a, state, provider="tiktok_shop")
    with pytest.raises(ApplicationError):
        consume(tenant_b, state)

    assert OAuthState.objects.for_tenant(tenant_a).get().used_at is None  # still usable by its own callback
    consume(tenant_a, state)


def test_a_callback_without_a_code_uses_the_state_up(tenant_a):
    state = oauth_state_issue(tenant=tenant_a, provider=SHOPEE)

    with pytest.raises(ApplicationError):
        consume(tenant_a, state, auth_code="")

    with pytest.raises(ApplicationError):
        consume(tenant_a, state)  # the link can't be tried again with a code


@pytest.mark.parametrize("state", ["", "not-a-state"])
def test_an_empty_or_unknown_state_is_refused(tenant_a, state):
    oauth_state_issue(tenant=tenant_a, provider=SHOPEE)

    with pytest.raises(ApplicationError):
        consume(tenant_a, state)


def test_prune_deletes_old_states_of_every_provider_and_tenant(tenant_a, tenant_b):
    old = timezone.now() - timedelta(days=1, minutes=1)
    stale = [
        OAuthState.objects.create(tenant=tenant_a, provider="tiktok_shop", state="stale-a", created_at=old),
        OAuthState.objects.create(tenant=tenant_b, provider="tiktok_business", state="stale-b", created_at=old, used_at=old),
    ]
    fresh = oauth_state_issue(tenant=tenant_b, provider=SHOPEE)

    assert oauth_states_prune() == 2
    assert list(OAuthState.all_tenants.values_list("state", flat=True)) == [fresh]
    assert not OAuthState.all_tenants.filter(pk__in=[row.pk for row in stale]).exists()


def test_prune_never_deletes_a_state_still_in_its_window(tenant_a):
    state = oauth_state_issue(tenant=tenant_a, provider=SHOPEE)
    OAuthState.objects.for_tenant(tenant_a).update(created_at=timezone.now() - OAUTH_STATE_TTL + timedelta(minutes=1))

    assert oauth_states_prune(older_than=timedelta(0)) == 0
    consume(tenant_a, state)


def test_one_beat_entry_prunes_states(tenant_a):
    OAuthState.objects.create(tenant=tenant_a, provider=SHOPEE, state="stale", created_at=timezone.now() - timedelta(days=2))

    assert oauth_states_prune_task.delay().get() == 1
    (entry,) = [entry for entry in beat_schedules() if "oauth" in entry.task or "states_prune" in entry.task]
    assert entry.task == "core.tasks.oauth_states_prune_task" and entry.expires


def test_mark_needs_reauth_flags_an_active_connection(tenant_a):
    connection = make_connection(tenant_a)

    returned = connection_mark_needs_reauth(connection=connection, reason="Token refused. " * 40)

    stored = BusinessConnection.objects.for_tenant(tenant_a).get()
    assert returned is connection and connection.status == stored.status == ConnectionStatus.NEEDS_REAUTH
    assert stored.status_reason == connection.status_reason and len(stored.status_reason) == 300


def test_mark_needs_reauth_leaves_a_disconnected_connection_disconnected(tenant_a):
    connection = make_connection(tenant_a, status=ConnectionStatus.DISCONNECTED)

    connection_mark_needs_reauth(connection=connection, reason="late refusal")

    assert BusinessConnection.objects.for_tenant(tenant_a).get().status == connection.status == ConnectionStatus.DISCONNECTED


def test_the_needs_reauth_error_is_a_409_with_one_code():
    default, published = NeedsReauth("reconnect"), NeedsReauth("reconnect the shop", code="shop_needs_reauth")

    assert (default.status, default.code, NEEDS_REAUTH) == (409, "needs_reauth", ConnectionStatus.NEEDS_REAUTH)
    assert published.code == "shop_needs_reauth"
    assert default.extra == published.extra == {"connection_status": "needs_reauth"}
