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
