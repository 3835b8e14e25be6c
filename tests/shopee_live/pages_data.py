"""Rows for the page and import tests, written directly (the sync's own tests cover how they get
there): a studio, accounts in two currencies, hosts, sessions with minutes and items, stored days."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from core.tenancy import tenant_scope
from shopee_live.models import (
    DailyAnalytics,
    Host,
    LiveSession,
    Promotion,
    SessionItem,
    SessionMinute,
    SessionStatus,
    ShopeeAccount,
    Studio,
)
from shopee_live.regions import market


def make_studio(tenant, name="Studio Jakarta") -> Studio:
    with tenant_scope(tenant):
        return Studio.objects.create(tenant=tenant, name=name)


def make_account(tenant, studio, *, name="Glow ID", region="ID", user_id="880001", shop_id="550001", **fields) -> ShopeeAccount:
    fields.setdefault("last_synced_at", timezone.now() - timedelta(minutes=2))
    with tenant_scope(tenant):
        return ShopeeAccount.objects.create(
            tenant=tenant,
            studio=studio,
            name=name,
            region=region,
            currency=market(region).currency,
            user_id=user_id,
            shop_id=shop_id,
            **fields,
        )


def make_host(tenant, studio, *, name="Ayu", streamer_id="host-ayu") -> Host:
    with tenant_scope(tenant):
        return Host.objects.create(tenant=tenant, studio=studio, name=name, streamer_id=streamer_id)


def make_session(tenant, account, *, session_id, started_at, status=SessionStatus.ENDED, host=None, **fields) -> LiveSession:
    with tenant_scope(tenant):
        return LiveSession.objects.create(
            tenant=tenant,
            studio=account.studio,
            account=account,
            host=host,
            session_id=session_id,
            status=status,
            currency=account.currency,
            started_at=started_at,
            **fields,
        )


def make_minutes(session, start: datetime, rows: list[dict]) -> None:
    with tenant_scope(session.tenant):
        for n, values in enumerate(rows):
            SessionMinute.objects.create(tenant=session.tenant, session=session, minute=start + timedelta(minutes=n), **values)


def make_item(session, *, item_id, **fields) -> SessionItem:
    with tenant_scope(session.tenant):
        return SessionItem.objects.create(tenant=session.tenant, session=session, item_id=item_id, **fields)


def make_day(tenant, account, day, **figures) -> DailyAnalytics:
    with tenant_scope(tenant):
        return DailyAnalytics.objects.create(
            tenant=tenant, studio=account.studio, account=account, day=day, currency=account.currency, **figures
        )


def make_promotion(tenant, account, *, promotion_id, name, budget, spent, **fields) -> Promotion:
    with tenant_scope(tenant):
        return Promotion.objects.create(
            tenant=tenant, account=account, promotion_id=promotion_id, name=name, budget=Decimal(budget), spent=Decimal(spent), **fields
        )


def local(region: str, *args) -> datetime:
    """A moment on the account's region's wall clock."""
    return datetime(*args, tzinfo=ZoneInfo(market(region).time_zone))


def seed_pages_demo(tenant) -> LiveSession:
    """A small Shopee Live world for the page review and screenshots (when the tenant has none):
    two studios, an IDR and a THB account, a session live now with its minutes and items, ended
    sessions over the last two weeks with their stored days, today's promotions. Returns the
    live session."""
    from datetime import date

    with tenant_scope(tenant):
        existing = LiveSession.objects.for_tenant(tenant).filter(status=SessionStatus.ONGOING).order_by("-current_viewers").first()
        if existing is not None:
            return existing
    now = timezone.now().replace(second=0, microsecond=0)
    jakarta, bangkok = make_studio(tenant, "Studio Jakarta"), make_studio(tenant, "Studio Bangkok")
    glow = make_account(
        tenant,
        jakarta,
        name="glowbeauty.official",
        region="ID",
        user_id="880001",
        shop_id="550001",
        promotion_budget_limit=Decimal("10000000"),
    )
    siam = make_account(
        tenant, bangkok, name="siam.skin.store", region="TH", user_id="880002", shop_id="550002",
        last_synced_at=now - timedelta(minutes=18), last_sync_error="Shopee answered error_rate_limit; retrying in 2 minutes",
    )  # fmt: skip
    ayu, nok = (
        make_host(tenant, jakarta, name="Ayu Lestari", streamer_id="host-ayu"),
        make_host(tenant, bangkok, name="Nok Saetang", streamer_id="host-nok"),
    )
    live = make_session(
        tenant, glow, session_id="7391002231", session_name="Flash Sale Serum & Toner — 12.12 warm-up", status=SessionStatus.ONGOING, host=ayu,
        started_at=now - timedelta(minutes=47), current_viewers=1834, peak_viewers=2410, total_viewers=15230, total_views=26120,
        engaged_viewers=4120, total_orders=312, total_revenue=Decimal("48250000"), confirmed_revenue=Decimal("41100000"), items_sold=455,
        total_likes=18200, total_comments=2310, total_shares=145, campaign_budget=Decimal("5000000"), campaign_spent=Decimal("3150000"),
        coins_distributed=5000, coins_claimed=3710, coin_total_value=Decimal("1855000"), synced_at=now - timedelta(minutes=2),
    )  # fmt: skip
    make_minutes(
        live, now - timedelta(minutes=30),
        [{"viewers": 900 + 40 * n + (n % 4) * 60, "engaged_viewers": 300 + 15 * n, "orders": 4 + n % 5, "revenue": Decimal(600000 + 45000 * (n % 7))} for n in range(30)],
    )  # fmt: skip
    for n, (name, price, sold) in enumerate(
        (
            ("Glow Serum Vitamin C 30ml", 99000, 180),
            ("Hydra Toner 150ml", 65000, 140),
            ("Sunscreen SPF50 PA++++", 79000, 95),
            ("Night Cream Retinol", 129000, 40),
        )
    ):
        make_item(live, item_id=str(2200100 + n), product_name=name, live_price=Decimal(price), original_price=Decimal(price * 120 // 100), discount_percentage=Decimal("16.67"),
                  quantity_sold=sold, revenue=Decimal(price * sold), commission_rate=Decimal("0.05"), total_commission=Decimal(price * sold * 5 // 100))  # fmt: skip
    make_session(
        tenant, siam, session_id="8120044519", session_name="Songkran glow deals", status=SessionStatus.ONGOING, host=nok,
        started_at=now - timedelta(minutes=12), current_viewers=268, peak_viewers=301, total_viewers=1150, total_orders=23,
        total_revenue=Decimal("18450.50"), items_sold=31, synced_at=now - timedelta(minutes=18),
    )  # fmt: skip
    today = date.today()
    for back in range(1, 15):
        for account, host, base in ((glow, ayu, 21000000), (siam, nok, 9500)):
            started = now - timedelta(days=back, hours=3)
            revenue = Decimal(base + back * base // 20)
            make_session(
                tenant, account, session_id=f"{account.user_id}{back:03d}", session_name=f"Daily live #{200 - back}", host=host,
                started_at=started, ended_at=started + timedelta(hours=2), duration_seconds=7200, total_viewers=4000 + back * 130,
                peak_viewers=700 + back * 11, total_orders=120 + back * 3, total_revenue=revenue, campaign_spent=revenue / 4, is_final=True,
            )  # fmt: skip
            make_day(
                tenant,
                account,
                today - timedelta(days=back),
                sessions=1,
                revenue=revenue,
                viewers=4000 + back * 130,
                orders=120 + back * 3,
                campaign_spent=revenue / 4,
            )
    make_promotion(
        tenant, glow, promotion_id="promo_1201", name="12.12 Flash Sale boost", budget="5000000", spent="3150000", status="ongoing"
    )
    make_promotion(tenant, glow, promotion_id="promo_1202", name="Serum retargeting", budget="2000000", spent="250000", status="paused")
    return live
