from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core import mail

from autopilot.models import AlertEvent, AlertKind, AlertRule, CreativeMetricDay, OutboundMessage
from autopilot.services.alerts import alerts_digest, alerts_digest_fan_out, alerts_evaluate, alerts_evaluate_fan_out
from conversions.models import Destination, DestinationState
from core.models import ConnectionStatus, FxRate, SyncRun, SyncState
from core.tenancy import tenant_scope
from shop_sync.models import DailyRollup
from tests.shop_sync.data import make_order, make_product, make_shop
from tiktok_ads.models import Lead

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def rule(tenant, **fields) -> AlertRule:
    defaults = {"name": "Watch", "kind": AlertKind.KPI_THRESHOLD, "kpi": "gmv", "comparison": "below", "threshold": Decimal("500")}
    return AlertRule.objects.create(tenant=tenant, **(defaults | fields))


def rollup(shop, day: date, gmv: str, orders: int) -> None:
    DailyRollup.objects.create(tenant=shop.tenant, shop=shop, day=day, brand="", currency="USD", gmv=Decimal(gmv), orders=orders)


def telegram_bodies(tenant) -> list[str]:
    return list(OutboundMessage.objects.for_tenant(tenant).filter(channel="telegram").order_by("id").values_list("body", flat=True))


@pytest.fixture
def shop(in_a):
    return make_shop(in_a, currency="USD", time_zone="UTC", name="Glow MY")


def test_gmv_below_threshold_fires_with_the_exact_message(notify_a, shop, django_capture_on_commit_callbacks):
    rollup(shop, date(2026, 3, 9), "420.50", 7)
    r = rule(notify_a.tenant, name="GMV floor")
    events = alerts_evaluate(tenant=notify_a.tenant, now=NOW)
    assert [(e.fingerprint, e.message) for e in events] == [("kpi:gmv", "GMV 420.50 USD is below 500.00 USD (2026-03-09 – 2026-03-09).")]
    assert events[0].value == {
        "kpi": "gmv",
        "value": "420.50",
        "start": "2026-03-09",
        "end": "2026-03-09",
        "currency": "USD",
        "threshold": "500.00",
    }
    assert telegram_bodies(notify_a.tenant) == ["<b>Alert: GMV floor</b>\nGMV 420.50 USD is below 500.00 USD (2026-03-09 – 2026-03-09)."]
    assert events[0].notified_at == NOW and r.events.count() == 1


def test_orders_change_against_the_previous_period(notify_a, shop):
    rollup(shop, date(2026, 3, 8), "100", 20)
    rollup(shop, date(2026, 3, 9), "100", 15)
    rule(notify_a.tenant, kind=AlertKind.KPI_CHANGE, kpi="orders", comparison="below", threshold=Decimal("25"))
    (event,) = alerts_evaluate(tenant=notify_a.tenant, now=NOW)
    assert event.message == "Orders fell 25.0% to 15 from 20 (2026-03-09 – 2026-03-09 against the 1 days before)."
    assert event.value["change_pct"] == "-25.0"


def test_a_smaller_move_does_not_fire(notify_a, shop):
    rollup(shop, date(2026, 3, 8), "100", 20)
    rollup(shop, date(2026, 3, 9), "100", 16)
    rule(notify_a.tenant, kind=AlertKind.KPI_CHANGE, kpi="orders", comparison="below", threshold=Decimal("25"))
    assert alerts_evaluate(tenant=notify_a.tenant, now=NOW) == []


def test_cost_per_lead_from_metric_spend_and_tiktok_leads(notify_a):
    tenant = notify_a.tenant
    CreativeMetricDay.objects.create(tenant=tenant, creative_key="ad1", day=date(2026, 3, 9), spend=Decimal("90.00"))
    for n in range(4):
        Lead.objects.create(tenant=tenant, lead_id=f"L{n}", submitted_at=datetime(2026, 3, 9, 10, n, tzinfo=UTC))
    Lead.objects.create(tenant=tenant, lead_id="old", submitted_at=datetime(2026, 3, 8, 10, tzinfo=UTC))
    rule(tenant, kpi="cpl", comparison="above", threshold=Decimal("20"))
    (event,) = alerts_evaluate(tenant=tenant, now=NOW)
    assert event.message == "Cost per lead 22.50 USD is above 20.00 USD (2026-03-09 – 2026-03-09)."


def test_cost_per_lead_converts_each_days_tiktok_spend_and_leaves_facebook_out(notify_a):
    tenant = notify_a.tenant
    FxRate.objects.create(tenant=tenant, currency="KZT", day=date(2026, 1, 1), rate=Decimal("0.002"))
    CreativeMetricDay.objects.create(tenant=tenant, creative_key="ad1", day=date(2026, 3, 9), currency="KZT", spend=Decimal("45000.00"))
    CreativeMetricDay.objects.create(tenant=tenant, platform="facebook", creative_key="fb1", day=date(2026, 3, 9), currency="USD", spend=Decimal("500.00"))
    for n in range(3):
        Lead.objects.create(tenant=tenant, lead_id=f"L{n}", submitted_at=datetime(2026, 3, 9, 10, n, tzinfo=UTC))
    rule(tenant, kpi="cpl", comparison="above", threshold=Decimal("20"))
    (event,) = alerts_evaluate(tenant=tenant, now=NOW)
    assert event.message == "Cost per lead 30.00 USD is above 20.00 USD (2026-03-09 – 2026-03-09)."


def test_cost_per_lead_without_a_rate_fires_nothing(notify_a):
    tenant = notify_a.tenant
    CreativeMetricDay.objects.create(tenant=tenant, creative_key="ad1", day=date(2026, 3, 9), currency="KZT", spend=Decimal("45000.00"))
    Lead.objects.create(tenant=tenant, lead_id="L1", submitted_at=datetime(2026, 3, 9, 10, tzinfo=UTC))
    rule(tenant, kpi="cpl", comparison="above", threshold=Decimal("20"))
    assert alerts_evaluate(tenant=tenant, now=NOW) == []


def test_dedupe_quiet_period_and_resolve(notify_a, shop):
    tenant = notify_a.tenant
    rollup(shop, date(2026, 3, 9), "100", 1)
    rule(tenant, quiet_minutes=60)
    alerts_evaluate(tenant=tenant, now=NOW)
    alerts_evaluate(tenant=tenant, now=NOW + timedelta(minutes=5))
    alerts_evaluate(tenant=tenant, now=NOW + timedelta(minutes=59))
    assert AlertEvent.objects.count() == 1
    assert len(telegram_bodies(tenant)) == 1
    alerts_evaluate(tenant=tenant, now=NOW + timedelta(minutes=60))
    assert telegram_bodies(tenant)[1].startswith("<b>Still open: Watch</b>\n")
    # The condition clears: the event closes; a new crossing opens a new one.
    DailyRollup.objects.update(gmv=Decimal("900"))
    assert alerts_evaluate(tenant=tenant, now=NOW + timedelta(minutes=65)) == []
    event = AlertEvent.objects.get()
    assert (event.is_open, event.resolved_at) == (False, NOW + timedelta(minutes=65))
    DailyRollup.objects.update(gmv=Decimal("10"))
    alerts_evaluate(tenant=tenant, now=NOW + timedelta(minutes=70))
    assert AlertEvent.objects.filter(is_open=True).count() == 1 and AlertEvent.objects.count() == 2
    assert len(telegram_bodies(tenant)) == 3


def test_email_notification_through_locmem(notify_a, shop, django_capture_on_commit_callbacks, sandbox):
    rollup(shop, date(2026, 3, 9), "100", 1)
    rule(notify_a.tenant, name="Mail me", notify_telegram=False, notify_email=True)
    with django_capture_on_commit_callbacks(execute=True):
        alerts_evaluate(tenant=notify_a.tenant, now=NOW)
    assert [(m.subject, m.body, m.to) for m in mail.outbox] == [
        ("Alert: Mail me", "Alert: Mail me\nGMV 100.00 USD is below 500.00 USD (2026-03-09 – 2026-03-09).", ["ops@example.com"])
    ]
    assert telegram_bodies(notify_a.tenant) == []


def test_sync_failing_fires_until_a_later_success(notify_a):
    tenant = notify_a.tenant
    SyncRun.objects.create(
        tenant=tenant,
        kind="shop_orders",
        target="shop:1",
        label="Orders of Glow MY",
        state=SyncState.FAILED,
        error="HTTP 503",
        created_at=NOW - timedelta(hours=2),
    )
    rule(tenant, kind=AlertKind.SYNC_FAILING, kpi="")
    (event,) = alerts_evaluate(tenant=tenant, now=NOW)
    assert (event.fingerprint, event.message) == ("sync:shop_orders:shop:1", "Sync Orders of Glow MY failed: HTTP 503")
    SyncRun.objects.create(
        tenant=tenant, kind="shop_orders", target="shop:1", state=SyncState.SUCCEEDED, created_at=NOW - timedelta(hours=1)
    )
    assert alerts_evaluate(tenant=tenant, now=NOW) == []
    assert AlertEvent.objects.get().is_open is False


def test_connections_needing_reauth_of_every_app(notify_a):
    tenant = notify_a.tenant
    make_shop(tenant, shop_id="111", name="Glow MY", status=ConnectionStatus.NEEDS_REAUTH)
    Destination.objects.create(tenant=tenant, platform="TIKTOK", name="Pixel A", state=DestinationState.NEEDS_TOKEN)
    rule(tenant, kind=AlertKind.NEEDS_REAUTH, kpi="")
    events = alerts_evaluate(tenant=tenant, now=NOW)
    assert sorted((e.fingerprint, e.message) for e in events) == [
        (f"destination:{Destination.objects.get().pk}", "Conversion destination Pixel A needs re-authorization."),
        ("shop:111", "TikTok Shop Glow MY needs re-authorization."),
    ]


def test_destination_held(notify_a):
    tenant = notify_a.tenant
    destination = Destination.objects.create(
        tenant=tenant, platform="META", name="Meta A", state=DestinationState.MISCONFIGURED, last_error="Unknown pixel"
    )
    Destination.objects.create(tenant=tenant, platform="TIKTOK", name="Fine", state=DestinationState.ACTIVE)
    rule(tenant, kind=AlertKind.DESTINATION_HELD, kpi="")
    (event,) = alerts_evaluate(tenant=tenant, now=NOW)
    assert (event.fingerprint, event.message) == (
        f"destination:{destination.pk}",
        "Conversion destination Meta A is held: Misconfigured (Unknown pixel).",
    )


def test_slow_movers(notify_a, shop):
    tenant = notify_a.tenant
    make_product(shop, product_id="P1", title="Serum", skus=[("S1", "SER", "10")])
    make_product(shop, product_id="P2", title="Toner", skus=[("S2", "TON", "10")])
    make_product(shop, product_id="P3", title="Empty", skus=[("S3", "EMP", "10")])
    from shop_sync.models import Sku

    Sku.objects.filter(sku_id__in=["S1", "S2"]).update(inventory_quantity=5)
    make_order(shop, created=NOW - timedelta(days=3), lines=[{"product_id": "P2", "sale_price": "10"}])
    rule(tenant, kind=AlertKind.SLOW_MOVERS, kpi="", slow_days=14)
    (event,) = alerts_evaluate(tenant=tenant, now=NOW)
    assert event.message == "1 product(s) with stock sold nothing in 14 days: Serum (5 in stock)."
    assert event.value == {"count": 1, "products": ["P1"]}


def test_digest_rules_go_into_one_daily_message(notify_a, shop):
    tenant = notify_a.tenant
    tenant.time_zone = "Asia/Kuala_Lumpur"  # UTC+8: 12:00 UTC is 20:00 local
    tenant.save()
    notify_a.digest_hour = 21
    notify_a.save()
    rollup(shop, date(2026, 3, 9), "100", 1)
    rule(tenant, name="GMV daily", digest=True)
    (event,) = alerts_evaluate(tenant=tenant, now=NOW)
    assert event.notified_at is None and telegram_bodies(tenant) == []
    assert alerts_digest(tenant=tenant, now=NOW) is False  # 20:00 local: not yet
    assert alerts_digest(tenant=tenant, now=NOW + timedelta(hours=1)) is True
    assert alerts_digest(tenant=tenant, now=NOW + timedelta(hours=2)) is False  # once a day
    assert telegram_bodies(tenant) == [
        "<b>Daily alert digest 2026-03-10</b>\n• <b>GMV daily</b>: GMV 100.00 USD is below 500.00 USD (2026-03-09 – 2026-03-09)."
    ]
    event.refresh_from_db()
    assert event.digested_on == date(2026, 3, 10)
    assert alerts_digest(tenant=tenant, now=NOW + timedelta(days=1, hours=1)) is True  # next local day


def test_fan_outs_cover_tenants_with_active_rules(notify_a, tenant_b):
    rule(notify_a.tenant, digest=True, kind=AlertKind.SYNC_FAILING, kpi="")
    with tenant_scope(tenant_b):
        AlertRule.objects.create(tenant=tenant_b, name="off", kind=AlertKind.SYNC_FAILING, is_active=False)
    with tenant_scope(None):
        assert alerts_evaluate_fan_out() == 1
        assert alerts_digest_fan_out() == 1
    assert AlertRule.objects.get(tenant=notify_a.tenant).last_evaluated_at is not None
