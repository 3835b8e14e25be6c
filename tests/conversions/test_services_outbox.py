"""The outbox: claims, a crash between sending and marking, the sweeper, the breaker."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from conversions import services
from conversions.clients import destination_breaker
from conversions.models import Delivery, DeliveryStatus
from conversions.platforms import breaker_name
from conversions.selectors import destination_health
from core.tenancy import tenant_scope
from tests.conversions.conftest import event_payload
from tests.conversions.helpers import deliver, delivery_of, ingest

pytestmark = pytest.mark.django_db


def test_ingest_writes_one_pending_delivery_per_destination_and_enqueues_on_commit(
    tenant_a, tiktok_a, meta_a, platforms, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ingest(tenant_a, event_payload(1), event_payload(2))
    assert len(callbacks) == 1  # one enqueue per commit, one task per destination
    rows = (
        Delivery.objects.for_tenant(tenant_a).order_by("event__event_id", "platform").values_list("event__event_id", "platform", "status")
    )
    assert list(rows) == [
        ("appt-1", "META", "PENDING"),
        ("appt-1", "TIKTOK", "PENDING"),
        ("appt-2", "META", "PENDING"),
        ("appt-2", "TIKTOK", "PENDING"),
    ]
    assert platforms.calls["tiktok"] == []


def test_claims_never_overlap(tenant_a, tiktok_a):
    ingest(tenant_a, *[event_payload(n) for n in range(3)])
    with tenant_scope(tenant_a):
        first_token, first = services.deliveries_claim(destination=tiktok_a, limit=2)
        second_token, second = services.deliveries_claim(destination=tiktok_a, limit=2)
        _, third = services.deliveries_claim(destination=tiktok_a, limit=2)
    assert len(first) == 2 and len(second) == 1 and third == []
    assert {row.pk for row in first}.isdisjoint({row.pk for row in second})
    assert {row.status for row in (*first, *second)} == {DeliveryStatus.SENDING}
    assert Delivery.objects.for_tenant(tenant_a).filter(claim_token=first_token).count() == 2


def test_crash_between_send_and_mark_resends_with_the_same_event_id(
    tenant_a, tiktok_a, platforms, monkeypatch, settings, django_capture_on_commit_callbacks
):
    real_mark = services.delivery._mark_row_result

    def killed(*args, **kwargs):
        raise SystemExit("worker killed after the request went out")

    monkeypatch.setattr(services.delivery, "_mark_row_result", killed)
    with pytest.raises(SystemExit):
        ingest(tenant_a, event_payload(1), event_payload(2), capture=django_capture_on_commit_callbacks)
    assert [item["event_id"] for item in platforms.events("tiktok")] == ["appt-1", "appt-2"]
    assert {delivery_of(tiktok_a, f"appt-{n}").status for n in (1, 2)} == {DeliveryStatus.SENDING}

    monkeypatch.setattr(services.delivery, "_mark_row_result", real_mark)
    # The claim is fresh: another worker leaves it alone.
    deliver(tiktok_a)
    assert len(platforms.calls["tiktok"]) == 1
    # Once it is stale, the rows are claimed again and sent again, with the same event ids.
    Delivery.objects.for_tenant(tenant_a).update(
        claimed_at=timezone.now() - timedelta(seconds=settings.CONVERSIONS_CLAIM_STALE_SECONDS + 1)
    )
    run = deliver(tiktok_a)
    assert run.sent == 2
    assert [item["event_id"] for item in platforms.events("tiktok")] == ["appt-1", "appt-2", "appt-1", "appt-2"]
    first, second = platforms.calls["tiktok"]
    assert first["data"] == second["data"]  # byte-for-byte the same events: the platform deduplicates
    assert {delivery_of(tiktok_a, f"appt-{n}").status for n in (1, 2)} == {DeliveryStatus.SENT}


def test_sweeper_reenqueues_lost_work_of_active_destinations_only(
    tenant_a, tiktok_a, meta_a, platforms, settings, django_capture_on_commit_callbacks
):
    ingest(tenant_a, event_payload(1))  # the on-commit message is "lost": never sent
    meta_a.state = "needs_token"
    meta_a.save()
    assert services.deliveries_sweep() == 0  # fresh rows: their task may still be on its way
    Delivery.objects.for_tenant(tenant_a).update(
        updated_at=timezone.now() - timedelta(seconds=settings.CONVERSIONS_CLAIM_STALE_SECONDS + 1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.deliveries_sweep() == 1
    assert delivery_of(tiktok_a, "appt-1").status == DeliveryStatus.SENT
    assert delivery_of(meta_a, "appt-1").status == DeliveryStatus.PENDING
    assert platforms.calls["meta"] == []
    assert services.deliveries_sweep() == 0


def opened_long_ago(breaker, *, seconds: float) -> None:
    """Move the breaker's opening time back (Redis storage only ever moves it forward)."""
    past = datetime.now(UTC) - timedelta(seconds=seconds)
    storage = breaker._state_storage
    if hasattr(storage, "_redis"):
        storage._redis.set(storage._namespace("opened_at"), int(past.timestamp()))
    else:
        storage.opened_at = past


def test_breaker_opens_after_five_failures_holds_then_half_opens(
    tenant_a, tiktok_a, platforms, settings, django_capture_on_commit_callbacks
):
    tiktok_a.batch_size = 1
    tiktok_a.save()
    platforms.answers["tiktok"] = [(503, {"message": "unavailable"})]
    ingest(tenant_a, *[event_payload(n) for n in range(1, 8)], capture=django_capture_on_commit_callbacks)

    assert len(platforms.calls["tiktok"]) == 5  # then the breaker opened: no more requests
    statuses = [delivery_of(tiktok_a, f"appt-{n}").status for n in range(1, 8)]
    assert statuses == ["FAILED"] * 5 + ["PENDING"] * 2  # held, not failed
    breaker = destination_breaker(breaker_name(tiktok_a))
    assert breaker.current_state == "open"
    with tenant_scope(tenant_a):
        [health] = destination_health(tenant_a)
    assert (health.breaker_state, health.held) == ("open", 7)

    # Still open: a run sends nothing.
    deliver(tiktok_a)
    assert len(platforms.calls["tiktok"]) == 5

    # After the reset time one trial request goes; it succeeds and the breaker closes.
    opened_long_ago(breaker, seconds=settings.CONVERSIONS_BREAKER_RESET_SECONDS + 1)
    platforms.answers["tiktok"] = [(200, {"code": 0, "message": "OK", "data": {}})]
    run = deliver(tiktok_a)
    assert run.sent == 2
    assert breaker.current_state == "closed"
    assert [delivery_of(tiktok_a, f"appt-{n}").status for n in (6, 7)] == ["SENT", "SENT"]


def test_replay_sends_dead_deliveries_again(tenant_a, tiktok_a, platforms, django_capture_on_commit_callbacks):
    platforms.answers["tiktok"] = [(200, {"code": 40000, "message": "Invalid parameter", "data": {}})]
    ingest(tenant_a, event_payload(1), capture=django_capture_on_commit_callbacks)
    dead = delivery_of(tiktok_a, "appt-1")
    assert dead.status == DeliveryStatus.DEAD
    platforms.answers["tiktok"] = [(200, {"code": 0, "message": "OK", "data": {}})]
    with tenant_scope(tenant_a), django_capture_on_commit_callbacks(execute=True):
        assert services.deliveries_replay(tenant=tenant_a, deliveries=[dead]) == 1
    replayed = delivery_of(tiktok_a, "appt-1")
    assert (replayed.status, replayed.attempts, replayed.reason) == (DeliveryStatus.SENT, 1, "")
    assert [item["event_id"] for item in platforms.events("tiktok")] == ["appt-1", "appt-1"]
