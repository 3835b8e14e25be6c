"""Session history (``/live/sessions/``: filters, sort, pages, totals per currency, CSV/XLSX
with ``?format=``) and one session (``/live/sessions/<pk>/``: KPIs, minute trends, items, coins,
share link). Another tenant's session is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone

from core.charts import Chart, Series
from core.dateranges import InvalidDateRange, date_range_context, date_range_for_request, date_range_resolve
from core.exceptions import ApplicationError
from core.exports import export_response
from core.formatting import current_zone
from core.http import UpstreamError
from core.models import Role
from core.tables import Column, Table
from core.web import InvalidQuery, TenantPageView
from shopee_live import selectors, services
from shopee_live.models import LiveSession, SessionStatus
from shopee_live.regions import product_url, share_link
from shopee_live.views.common import LivePageView, query_without

EXPORT_FORMATS = ("csv", "xlsx")

SESSIONS_TABLE = Table(
    "sessions-table",
    [
        Column("session_name", "Session"),
        Column("session_id", "Session ID", optional=True),
        Column("account", "Account", sort="account__name", optional=True),
        Column("host", "Host", sort="host__name", optional=True),
        Column("status", "Status"),
        Column("started_at", "Started"),
        Column("duration_seconds", "Duration", numeric=True, optional=True),
        Column("total_viewers", "Viewers", numeric=True),
        Column("peak_viewers", "Peak", numeric=True, optional=True),
        Column("total_orders", "Orders", numeric=True),
        Column("total_revenue", "Revenue", numeric=True),
        Column("campaign_spent", "Campaign spent", numeric=True, optional=True),
    ],
    default_sort="-started_at",
    zero_field="total_orders",
)


class SessionListView(LivePageView):
    template_name = "shopee_live/sessions.html"

    def required_role(self, request) -> str:
        return Role.ANALYST if request.GET.get("format") else super().required_role(request)

    def get(self, request, *args, **kwargs):
        self.read_filters()
        host_id = self.read_host()
        status = (request.GET.get("status") or "").strip()
        if status and status not in SessionStatus.values:
            raise InvalidQuery({"status": [f"Unknown status '{status}'. Pick one of: {', '.join(SessionStatus.values)}."]})
        export_format = (request.GET.get("format") or "").strip()
        if export_format and export_format not in EXPORT_FORMATS:
            raise InvalidQuery({"format": [f"Unknown format '{export_format}'. Pick csv or xlsx."]})
        self.date_range = date_range_for_request(request, zone=current_zone())
        start, end = self.date_range.start, self.date_range.end
        sessions = selectors.session_history(
            self.tenant,
            studio_id=self.studio_id,
            account_id=self.account_id,
            host_id=host_id,
            status=status,
            start=start,
            end=end,
            q=(request.GET.get("q") or "").strip()[:100],
        )
        if export_format:
            basename = f"live-sessions-{self.tenant.slug}-{start:%Y%m%d}-{end:%Y%m%d}"
            rows = selectors.sessions_export_rows(SESSIONS_TABLE.bind(request, sessions).paginator.object_list)
            return export_response(
                export_format, basename=basename, header=selectors.SESSION_EXPORT_COLUMNS, rows=rows, sheet_title="Sessions"
            )
        table = SESSIONS_TABLE.bind(request, sessions)
        return self.render_to_response(
            self.base_context(
                table=table,
                totals=selectors.sessions_totals(sessions),
                status_choices=SessionStatus.choices,
                export_query=query_without(request, "page", "format"),
                **date_range_context(self.date_range),
            )
        )

    def handle_application_error(self, exc):
        if isinstance(exc, (InvalidQuery, InvalidDateRange)) and hasattr(self, "studios"):
            # The picker shows the default range again, so the filters stay usable.
            context = self.base_context(query_errors=exc.fields, **date_range_context(date_range_resolve({}, zone=current_zone())))
            return self.render_to_response(context, status=exc.status)
        return super().handle_application_error(exc)


ITEMS_TABLE = Table(
    "items-table",
    [
        Column("product_name", "Product"),
        Column("live_price", "Live price", numeric=True),
        Column("discount_percentage", "Discount", numeric=True),
        Column("quantity_sold", "Sold", numeric=True),
        Column("revenue", "Revenue", numeric=True),
        Column("total_commission", "Commission", numeric=True, optional=True),
        Column("item_clicks", "Clicks", numeric=True, optional=True, hidden=True),
        Column("add_to_cart", "Add to cart", numeric=True, optional=True, hidden=True),
    ],
    default_sort="-quantity_sold",
    per_page=50,
)


def _session_or_404(tenant, pk: int) -> LiveSession:
    try:
        return selectors.session_for_page(tenant, pk)
    except LiveSession.DoesNotExist:
        raise Http404("No such session.") from None


def minute_charts(session: LiveSession, minutes) -> list[Chart]:
    """Viewers and engaged viewers per minute; orders (bars) and revenue (line) per minute."""
    zone = current_zone()
    labels = [row.minute.astimezone(zone).strftime("%H:%M") for row in minutes]
    return [
        Chart(
            id="chart-viewers",
            title="Viewers per minute",
            labels=labels,
            series=[
                Series("Viewers", [row.viewers for row in minutes]),
                Series("Engaged viewers", [row.engaged_viewers for row in minutes]),
            ],
            kind="line",
            x_label="Minute",
        ),
        Chart(
            id="chart-orders",
            title=f"Orders and revenue per minute ({session.currency})",
            labels=labels,
            series=[
                Series("Orders", [row.orders for row in minutes]),
                Series("Revenue", [row.revenue for row in minutes], axis="y2", kind="line"),
            ],
            kind="bar",
            y_format="count",
            y2_format="money",
            currency=session.currency,
            x_label="Minute",
        ),
    ]


class SessionDetailView(TenantPageView):
    template_name = "shopee_live/session_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        session = _session_or_404(self.tenant, kwargs["pk"])
        account = session.account
        minutes = list(selectors.session_minutes(session))
        items = ITEMS_TABLE.bind(self.request, selectors.session_items(session))
        for item in items.rows:
            item.url = (
                product_url(region=account.region, shop_id=item.shop_id or account.shop_id, item_id=item.item_id)
                if (item.shop_id or account.shop_id)
                else ""
            )
        context.update(
            session=session,
            account=account,
            kpis=selectors.session_kpis(session),
            freshness=selectors.account_freshness(account),
            charts=minute_charts(session, minutes) if minutes else [],
            table=items,
            share_link=share_link(region=account.region, session_id=session.session_id, share_user_id=account.user_id),
            can_edit=Role.allows(self.request.role, Role.ANALYST),
        )
        return context


class SessionCoinsRefreshView(TenantPageView):
    """POST: ask Shopee for the session's coin figures (``coin_reward_info``). When Shopee fails the
    stored figures stay, and the page says how old they are."""

    min_role = Role.ANALYST
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        session = _session_or_404(self.tenant, kwargs["pk"])
        try:
            coins = services.coin_reward_info(session.account, session.session_id)
        except (ApplicationError, UpstreamError) as exc:
            reason = getattr(exc, "message", None) or str(exc)
        else:
            reason = coins.get("stale_reason", "") if coins.get("stale") else None
        if reason is None:
            messages.success(request, "Coins refreshed from Shopee.")
        else:
            age = f"from {timezone.localtime(session.synced_at):%d %b %Y, %H:%M}" if session.synced_at else "never refreshed"
            messages.warning(request, f"Couldn't refresh the coins from Shopee ({reason}). Showing the stored figures ({age}).")
        return redirect("shopee_live:session-detail", pk=session.pk)
