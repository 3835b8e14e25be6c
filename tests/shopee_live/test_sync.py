"""The session sync against the sandbox: the 5-minute cycle over ongoing sessions, repeated
cycles and killed workers that count nothing twice, ended sessions settled until final, and
upstream failures that keep the stored figures."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import models
from django.utils import timezone

from core.models import SyncRun, SyncRunPart, SyncState
from core.services.sync_runs import sync_part_claim, sync_run_resume
from core.tenancy import tenant_scope
from shopee_live.models import LiveSession, SessionItem, SessionMinute, SessionStatus
from shopee_live.services import (
    account_live_sync,
    ended_cycle_start,
    ended_sessions_settle,
    live_cycle_part_run,
    live_cycle_start,
    session_settle,
    session_sync,
)
from shopee_live.services.sync import SETTLE_AFTER
from tests.shopee_live.account_fixtures import DEMO_ACCOUNT, sandbox_connected_account


def sandbox_truth(key: str = DEMO_ACCOUNT) -> dict:
    """What the sandbox's Seller Center shows for the account's ongoing session right now."""
    from sandbox.emulators.shopee.data import account_get, minutes_elapsed, sandbox_now, session_snapshot
    from sandbox.emulators.shopee.sessions import ongoing_sessions
    from sandbox.emulators.shopee.web import session_row

    now = sandbox_now()
    session = ongoing_sessions(account_get(key), now)[0]
    snap = session_snapshot(session, now)
    return {
        "session": session,
        "row": session_row(session, now),
        "minutes": minutes_elapsed(session, now),
        "gmv": session.account.region.money(snap.totals["gmv"]),
    }


@pytest.fixture
def frozen(sandbox):
    """The clock stopped now, but at least ten minutes into the demo account's ongoing session
    and a quarter of an hour before its end, so a test that moves it on by minutes stays within
    the same session whatever the time of day."""
    from sandbox.emulators.shopee.data import account_get
    from sandbox.emulators.shopee.sessions import ongoing_sessions

    now = int(time.time())
    session = ongoing_sessions(account_get(DEMO_ACCOUNT), now)[0]
    return sandbox.shopee_clock(frozen_at=min(max(now, session.start + 600), session.end - 900))


@pytest.fixture
def account(sandbox, frozen, tenant_a, studio_a):
    with tenant_scope(tenant_a):  # as the tasks run: in the tenant's context
        yield sandbox_connected_account(sandbox, tenant_a, studio_a)


def test_a_cycle_stores_the_ongoing_session_its_minutes_and_items(account):
    truth = sandbox_truth()
    counts = account_live_sync(account=account)

    session = LiveSession.objects.for_tenant(account.tenant).get(session_id=str(truth["session"].session_id))
    row = truth["row"]
    assert session.status == SessionStatus.ONGOING
    assert (session.total_views, session.total_viewers, session.total_orders) == (row["views"], row["viewers"], row["placedOrders"])
    assert session.total_revenue == Decimal(str(row["placedSales"])) == Decimal(str(truth["gmv"]))
    assert session.peak_viewers == row["peakViewers"]
    assert session.started_at == datetime.fromtimestamp(truth["session"].start, tz=UTC)
    assert session.currency == "IDR" and session.studio_id == account.studio_id
    assert SessionMinute.objects.for_tenant(account.tenant).filter(session=session).count() == truth["minutes"]
    # Minutes add up to the session's totals: same figures through both endpoints.
    assert sum(m.orders for m in session.minutes.all()) == session.total_orders
    assert sum(m.revenue for m in session.minutes.all()) == session.total_revenue
    items = SessionItem.objects.for_tenant(account.tenant).filter(session=session)
    assert items.exists()
    assert sum(item.quantity_sold for item in items) > 0
    ongoing = LiveSession.objects.for_tenant(account.tenant).filter(status=SessionStatus.ONGOING).count()
    assert counts.calls == 1 + 2 * ongoing
    account.refresh_from_db()
    assert account.last_synced_at is not None and account.last_sync_error == ""


def test_repeating_a_cycle_counts_nothing_twice_and_the_clock_moves_figures(sandbox, account):
    account_live_sync(account=account)
    first = LiveSession.objects.for_tenant(account.tenant).get(status=SessionStatus.ONGOING)
    minutes = first.minutes.count()
    items = list(first.items.order_by("item_id").values_list("item_id", "quantity_sold", "revenue"))

    account_live_sync(account=account)  # the same instant again: a retried or resumed cycle
    again = LiveSession.objects.for_tenant(account.tenant).get(pk=first.pk)
    assert (again.total_orders, again.total_revenue, again.minutes.count()) == (first.total_orders, first.total_revenue, minutes)
    assert list(again.items.order_by("item_id").values_list("item_id", "quantity_sold", "revenue")) == items

    sandbox.shopee_clock(advance_seconds=300)
    truth = sandbox_truth()
    account_live_sync(account=account)
    later = LiveSession.objects.for_tenant(account.tenant).get(pk=first.pk)
    assert later.minutes.count() == truth["minutes"] == minutes + 5
    assert later.total_orders == truth["row"]["placedOrders"] >= first.total_orders
    assert sum(m.revenue for m in later.minutes.all()) == later.total_revenue


def test_a_cycle_is_a_run_with_a_part_per_account_and_a_killed_worker_resumes_exactly(account):
    run = live_cycle_start(tenant=account.tenant)
    assert run is not None and run.kind == "shopee_live.active" and run.parts_total == 1
    assert live_cycle_start(tenant=account.tenant) is None  # the running cycle covers it
    part = SyncRunPart.objects.for_tenant(account.tenant).get(run=run)
    # A worker claims the part, writes a session and dies before committing the part.
    sync_part_claim(part=part)
    account_live_sync(account=account)
    written = LiveSession.objects.for_tenant(account.tenant).get(status=SessionStatus.ONGOING)
    sync_run_resume(run=run)  # what the sweeper does with a run whose worker died
    live_cycle_part_run(part_id=part.pk)

    run.refresh_from_db()
    assert run.state == SyncState.SUCCEEDED
    session = LiveSession.objects.for_tenant(account.tenant).get(pk=written.pk)
    truth = sandbox_truth()
    assert session.total_orders == truth["row"]["placedOrders"]
    assert session.minutes.count() == truth["minutes"]
    assert LiveSession.objects.for_tenant(account.tenant).filter(session_id=written.session_id).count() == 1


def test_an_upstream_failure_keeps_the_stored_figures_and_is_recorded(sandbox, account):
    account_live_sync(account=account)
    stored = LiveSession.objects.for_tenant(account.tenant).get(status=SessionStatus.ONGOING)
    sandbox.set_faults("shopee-web", status=500)
    run = live_cycle_start(tenant=account.tenant)
    part = SyncRunPart.objects.for_tenant(account.tenant).get(run=run)
    live_cycle_part_run(part_id=part.pk)

    run.refresh_from_db()
    assert run.state == SyncState.FAILED
    account.refresh_from_db()
    assert account.last_sync_error
    kept = LiveSession.objects.for_tenant(account.tenant).get(pk=stored.pk)
    assert (kept.total_orders, kept.total_revenue, kept.status) == (stored.total_orders, stored.total_revenue, SessionStatus.ONGOING)


def test_a_session_that_ends_is_settled_then_final(sandbox, account):
    account_live_sync(account=account)
    session = LiveSession.objects.for_tenant(account.tenant).get(status=SessionStatus.ONGOING)
    sandbox_session = sandbox_truth()["session"]
    sandbox.shopee_clock(frozen_at=sandbox_session.end + 60)
    account_live_sync(account=account)
    session.refresh_from_db()
    assert session.status == SessionStatus.ENDED and not session.is_final

    settled = session_settle(session=session)
    assert settled.status == SessionStatus.ENDED and not settled.is_final
    from sandbox.emulators.shopee.data import session_snapshot

    snap = session_snapshot(sandbox_session, sandbox_session.end + 60)
    assert settled.total_orders == snap.totals["orders"]
    assert settled.total_shares == snap.totals["shares"]

    # Two hours after it ended (on our clock) its figures are final.
    session.ended_at = timezone.now() - SETTLE_AFTER - timedelta(minutes=1)
    session.save(update_fields=["ended_at"])
    assert session_settle(session=session).is_final is True


def test_the_hourly_pass_fills_live_items_prices_and_commission(account):
    from sandbox.emulators.shopee.data import item_get

    account_live_sync(account=account)
    session = LiveSession.objects.for_tenant(account.tenant).get(status=SessionStatus.ONGOING)
    assert not session.items.filter(commission_rate__gt=0).exists()
    counts = ended_sessions_settle(account=account)
    assert counts.items == session.items.count() > 0
    for item in session.items.all():
        truth = item_get(int(item.item_id))
        assert item.commission_rate > 0
        assert item.total_commission == (item.revenue * item.commission_rate).quantize(Decimal("0.01"))
        assert item.original_price == Decimal(str(truth.price_info()["original_price"]))
    account_live_sync(account=account)  # a later cycle keeps the rates and recomputes commission
    assert session.items.filter(commission_rate__gt=0).count() == counts.items


def test_the_hourly_pass_is_a_run_per_tenant(account):
    run = ended_cycle_start(tenant=account.tenant)
    assert run is not None and run.kind == "shopee_live.ended"
    assert SyncRun.objects.for_tenant(account.tenant).filter(kind="shopee_live.ended").count() == 1


def test_one_session_on_demand(account):
    truth = sandbox_truth()
    session = session_sync(account=account, session_id=str(truth["session"].session_id))
    assert session.pk and session.status == SessionStatus.ONGOING
    assert session.total_orders == truth["row"]["placedOrders"]
    assert session.minutes.count() == truth["minutes"]


def test_a_new_account_gets_its_last_30_days_and_their_analytics(account):
    from shopee_live.models import DailyAnalytics
    from shopee_live.services import account_first_sync, account_history_backfill, web_client

    # The whole 30-day history in one page (the service reads it 100 at a time).
    history = web_client(account).live_history(page=1, page_size=1000, time_dim="30d")["list"]
    ended = {str(row["sessionId"]) for row in history if row["status"] == 2}
    counts = account_first_sync(account=account)
    stored = LiveSession.objects.for_tenant(account.tenant).filter(status=SessionStatus.ENDED)
    assert set(stored.values_list("session_id", flat=True)) == ended and len(ended) > 100
    assert counts.sessions == stored.count() + LiveSession.objects.for_tenant(account.tenant).filter(status=SessionStatus.ONGOING).count()
    assert account_history_backfill(account=account) == 0  # nothing twice
    assert (
        DailyAnalytics.objects.for_tenant(account.tenant).aggregate(n=models.Sum("sessions"))["n"]
        == LiveSession.objects.for_tenant(account.tenant).count()
    )
