"""What Shopee Live adds to the home page and the global search."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from core.formatting import label_text, money
from core.models import SyncRun, Tenant
from core.registry import ChecklistStep, DailyFigure, Freshness, Overview, SearchResult
from shopee_live.models import DailyAnalytics, LiveSession, ShopeeAccount

_CYCLE_KINDS = ("shopee_live.active", "shopee_live.ended")


def live_overview(tenant: Tenant, date_range) -> Overview:
    """Per account and day (in the account's market's zone): live GMV and orders from the daily
    analytics; when each account last synced; the onboarding step."""
    accounts = list(ShopeeAccount.objects.for_tenant(tenant).only("pk", "name", "region", "last_synced_at"))
    url = reverse("shopee_live:accounts")
    step = ChecklistStep(5, "Connect a Shopee Live account", bool(accounts), url, hint="Live sessions, items, coins and promotions")
    if not accounts:
        return Overview(checklist=[step])
    names = {account.pk: f"{account.name} (Shopee Live)" for account in accounts}
    spans = Q(day__range=(date_range.start, date_range.end))
    if date_range.compare_start is not None:
        spans |= Q(day__range=(date_range.compare_start, date_range.compare_end))
    rows = (
        DailyAnalytics.objects.for_tenant(tenant)
        .filter(spans)
        .order_by("day", "account_id")
        .values_list("day", "account_id", "currency", "revenue", "orders")
    )
    figures = [
        DailyFigure(day=day, source=names[account_id], currency=currency, gmv=revenue, orders=orders)
        for day, account_id, currency, revenue, orders in rows
    ]
    running = SyncRun.objects.for_tenant(tenant).filter(kind__in=_CYCLE_KINDS, state__in=("pending", "running")).exists()
    freshness = [Freshness(f"{account.name} live sessions", account.last_synced_at, url, running=running) for account in accounts]
    return Overview(figures=figures, freshness=freshness, checklist=[step])


def live_search_hits(tenant: Tenant, query: str, *, limit: int) -> list[SearchResult]:
    """Sessions by id (exact first) or by a part of their name; accounts by name or user id."""
    query = query.strip()
    if not query:
        return []
    match = Q(session_id__startswith=query) if query.isdigit() else Q(session_name__icontains=query)
    sessions = LiveSession.objects.for_tenant(tenant).filter(match).select_related("account").order_by("-started_at", "-id")[:limit]
    sessions = sorted(sessions, key=lambda session: session.session_id != query)
    hits = [
        SearchResult(
            "Live session",
            session.session_name or session.session_id,
            reverse("shopee_live:session-detail", args=[session.pk]),
            f"{session.account.name} · {label_text(session.status, 'session_status')} · {money(session.total_revenue, session.currency)}",
        )
        for session in sessions
    ]
    accounts = ShopeeAccount.objects.for_tenant(tenant).filter(Q(name__icontains=query) | Q(user_id=query) | Q(shop_id=query))
    hits += [
        SearchResult(
            "Shopee account", account.name, reverse("shopee_live:accounts"), f"{account.get_region_display()} · {account.currency}"
        )
        for account in accounts.order_by("name")[: max(limit - len(hits), 0)]
    ]
    return hits[:limit]
