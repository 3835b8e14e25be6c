"""Shopee Live rows for tests, with every figure explicit.

    studio = make_studio(tenant, "Jakarta Studio")
    account = make_account(studio, region="ID", access_token="tok-1", web_session="spc-1")
    session = make_session(account, "sess_1", status="ended", started_at=at(2026, 11, 1, 20),
                           total_viewers=5000, total_orders=150, total_revenue="5000000",
                           items=[item("it1", quantity_sold=3, revenue="150000")],
                           minutes=[minute(at(2026, 11, 1, 20, 0), viewers=120, orders=2, revenue="100000")])

``at`` builds a time in a region's zone (Jakarta by default) so "the day it started" is obvious.
The isolation walker's builders for this app are registered at the bottom.
"""

from __future__ import annotations

import itertools
from datetime import datetime
from decimal import Decimal

from django.utils import timezone

from core.timezones import zone_or_utc
from shopee_live.models import Host, LiveSession, SessionItem, SessionMinute, ShopeeAccount, Studio
from shopee_live.regions import market
from tests.isolation.factories import isolation_factory

_user_ids = itertools.count(900_001)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, *, region: str = "ID") -> datetime:
    """A moment in ``region``'s time zone."""
    return datetime(year, month, day, hour, minute, tzinfo=zone_or_utc(market(region).time_zone))


def make_studio(tenant, name: str = "Jakarta Studio", **fields) -> Studio:
    return Studio.objects.create(tenant=tenant, name=name, **fields)


def make_account(studio: Studio, *, region: str = "ID", name: str | None = None, **fields) -> ShopeeAccount:
    """An active account of ``studio`` in ``region`` (currency from the region). Pass
    ``access_token=``/``web_session=`` to give it credentials."""
    user_id = fields.pop("user_id", str(next(_user_ids)))
    fields.setdefault("currency", market(region).currency)
    fields.setdefault("shop_id", str(int(user_id) + 100_000))
    return ShopeeAccount.objects.create(
        tenant_id=studio.tenant_id, studio=studio, region=region, name=name or f"shop_{user_id}", user_id=user_id, **fields
    )


def make_host(studio: Studio, streamer_id: str = "creator_1", name: str = "Host A", **fields) -> Host:
    return Host.objects.create(tenant_id=studio.tenant_id, studio=studio, streamer_id=streamer_id, name=name, **fields)


def item(item_id: str, **fields) -> dict:
    """A session item's fields (money as strings or Decimals)."""
    return {"item_id": item_id, **fields}


def minute(moment: datetime, **fields) -> dict:
    """One minute of a session's trend."""
    return {"minute": moment, **fields}


def make_session(
    account: ShopeeAccount,
    session_id: str,
    *,
    status: str = "ended",
    started_at: datetime | None = None,
    items: list[dict] = (),
    minutes: list[dict] = (),
    host: Host | None = None,
    **figures,
) -> LiveSession:
    """A session of ``account`` (in its studio and currency); ``figures`` are LiveSession
    fields (money may be strings)."""
    for name in ("total_revenue", "confirmed_revenue", "campaign_budget", "campaign_spent", "coin_total_value"):
        if name in figures:
            figures[name] = Decimal(str(figures[name]))
    figures.setdefault("synced_at", timezone.now())
    session = LiveSession.objects.create(
        tenant_id=account.tenant_id,
        studio_id=figures.pop("studio_id", account.studio_id),
        account=account,
        host=host,
        session_id=session_id,
        status=status,
        currency=figures.pop("currency", account.currency),
        started_at=started_at,
        **figures,
    )
    for fields in items:
        SessionItem.objects.create(tenant_id=account.tenant_id, session=session, **_money(fields))
    for fields in minutes:
        SessionMinute.objects.create(tenant_id=account.tenant_id, session=session, **_money(fields))
    return session


def _money(fields: dict) -> dict:
    return {
        key: Decimal(str(value)) if isinstance(value, str) and key not in ("item_id", "shop_id", "product_name", "image_url") else value
        for key, value in fields.items()
    }


# --- Builders for the isolation walker (valid regions and currencies) ------------------------------


@isolation_factory("shopee_live.ShopeeAccount")
def isolation_account(world):
    return world.create(ShopeeAccount, region="ID", currency="IDR", status="active", web_session_expires_at=None)


@isolation_factory("shopee_live.LiveSession")
def isolation_session(world):
    return world.create(LiveSession, status="ended", currency="IDR", is_final=True)
