"""Live sessions: the seed's list, one session with its items, the ongoing ones, the history.

Every read takes the tenant first; a studio, account or session of another tenant is the same
404 as a missing one. Lists are querysets (the caller slices or paginates), with the account and
host joined so a page of sessions costs one query.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Case, DateField, F, Q, QuerySet, When
from django.db.models.functions import Coalesce, TruncDate

from core.exceptions import NotFound
from core.models import Tenant
from core.timezones import zone_or_utc
from shopee_live.models import LiveSession, SessionItem, SessionMinute, SessionStatus
from shopee_live.regions import MARKETS
from shopee_live.selectors.studios import ACCOUNT_SECRETS, account_for_tenant, studio_get

SESSION_LIST_LIMIT = 50
SESSION_LIST_MAX = 500


def _sessions(tenant: Tenant) -> QuerySet[LiveSession]:
    return (
        LiveSession.objects.for_tenant(tenant)
        .select_related("account", "host", "studio")
        .defer(*(f"account__{name}" for name in ACCOUNT_SECRETS))
    )


def _scoped(tenant: Tenant, sessions: QuerySet[LiveSession], *, studio_id: int | None, account_id: int | None) -> QuerySet[LiveSession]:
    """``sessions`` of one studio and/or account, each checked to be the tenant's (404 otherwise)."""
    if studio_id is not None:
        sessions = sessions.filter(studio=studio_get(tenant, studio_id=studio_id))
    if account_id is not None:
        sessions = sessions.filter(account=account_for_tenant(tenant, account_id=account_id))
    return sessions


def session_list(
    tenant: Tenant,
    *,
    studio_id: int | None = None,
    account_id: int | None = None,
    status: str | None = None,
    skip: int = 0,
    limit: int = SESSION_LIST_LIMIT,
) -> list[LiveSession]:
    """The seed's ``GET /sessions``: newest first, ``skip`` then at most ``limit`` (≤ 500)."""
    sessions = _scoped(tenant, _sessions(tenant), studio_id=studio_id, account_id=account_id)
    if status:
        sessions = sessions.filter(status=status)
    limit = max(0, min(limit, SESSION_LIST_MAX))
    return list(sessions.order_by("-started_at", "-created_at", "-id")[skip : skip + limit])


def session_get(tenant: Tenant, *, session_id: str) -> LiveSession:
    """The tenant's session with Shopee's ``session_id``; another tenant's is a 404."""
    session = _sessions(tenant).filter(session_id=session_id).first()
    if session is None:
        raise NotFound("No such live session in this tenant.", extra={"fields": {"session_id": ["No such session."]}})
    return session


def session_items(session: LiveSession) -> QuerySet[SessionItem]:
    """The session's bag, best sellers first."""
    return SessionItem.objects.for_tenant(session.tenant_id).filter(session=session).order_by("-quantity_sold", "-revenue", "id")


def session_minutes(session: LiveSession) -> QuerySet[SessionMinute]:
    return SessionMinute.objects.for_tenant(session.tenant_id).filter(session=session).order_by("minute")


def sessions_ongoing(tenant: Tenant, *, studio_id: int | None = None, account_id: int | None = None) -> QuerySet[LiveSession]:
    """Sessions live right now (as of their last sync), the most watched first."""
    sessions = _scoped(tenant, _sessions(tenant), studio_id=studio_id, account_id=account_id)
    return sessions.filter(status=SessionStatus.ONGOING).order_by("-current_viewers", "-started_at", "-id")


def session_moment() -> Coalesce:
    """When a session counts: its start, or when it was recorded if it never started."""
    return Coalesce("started_at", "created_at")


def session_local_day(field: str = "started_at") -> Case:
    """The day of a session's ``field`` in its account's region's time zone (one CASE, so mixed
    regions aggregate in one query)."""
    moment = session_moment() if field == "moment" else F(field)
    return Case(
        *(When(account__region=code, then=TruncDate(moment, tzinfo=zone_or_utc(m.time_zone))) for code, m in MARKETS.items()),
        output_field=DateField(),
    )


def local_day_bounds(start: date | None, end: date | None, *, moment: str = "moment") -> Q:
    """Sessions whose ``moment`` annotation falls on ``start``..``end`` (days in each account's
    region): a time range per region, so the (tenant, studio, started_at) index still serves."""
    return region_day_bounds({code: (start, end) for code in MARKETS}, moment=moment)


def region_day_bounds(days_by_region: dict[str, tuple[date | None, date | None]], *, moment: str = "moment") -> Q:
    """Like ``local_day_bounds`` with each region's own first and last day (a rolling window
    ends on each region's own today)."""
    condition = Q()
    for code, (start, end) in days_by_region.items():
        zone = zone_or_utc(MARKETS[code].time_zone)
        region = Q(account__region=code)
        if start is not None:
            region &= Q(**{f"{moment}__gte": datetime.combine(start, time.min, tzinfo=zone)})
        if end is not None:
            region &= Q(**{f"{moment}__lt": datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone)})
        condition |= region
    return condition


def session_history(
    tenant: Tenant,
    *,
    studio_id: int | None = None,
    account_id: int | None = None,
    host_id: int | None = None,
    status: str | None = None,
    start: date | None = None,
    end: date | None = None,
    q: str | None = None,
) -> QuerySet[LiveSession]:
    """Sessions for the history page and its exports, newest first. ``start``/``end`` are days
    in each account's region (a session counts on the day it started); ``q`` matches the name,
    Shopee's session id or the host."""
    sessions = _scoped(tenant, _sessions(tenant), studio_id=studio_id, account_id=account_id)
    if host_id is not None:
        sessions = sessions.filter(host_id=host_id)
    if status:
        sessions = sessions.filter(status=status)
    if start is not None or end is not None:
        sessions = sessions.annotate(moment=session_moment()).filter(local_day_bounds(start, end))
    if q and q.strip():
        text = q.strip()
        sessions = sessions.filter(Q(session_name__icontains=text) | Q(session_id=text) | Q(host__name__icontains=text))
    return sessions.order_by("-started_at", "-created_at", "-id")
