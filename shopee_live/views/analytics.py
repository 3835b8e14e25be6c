"""Analytics (``/live/analytics/``): daily charts over the range, the rolling summary (``days``,
30 by default) and a table per account, read from the stored days (``DailyAnalytics``) in three
SQL aggregates. Money stays per currency: one revenue chart and one summary per currency."""

from __future__ import annotations

from core.charts import Chart, Series
from core.dateranges import InvalidDateRange, date_range_context, date_range_for_request, date_range_resolve
from core.formatting import current_zone
from core.tables import Column, Table
from core.web import InvalidQuery
from shopee_live import selectors
from shopee_live.views.common import LivePageView

SUMMARY_DAYS = (7, 30, 90)
DEFAULT_SUMMARY_DAYS = 30

ACCOUNTS_TABLE = Table(
    "accounts-table",
    [
        Column("account", "Account"),
        Column("studio", "Studio", optional=True),
        Column("sessions", "Sessions", numeric=True),
        Column("viewers", "Viewers", numeric=True),
        Column("orders", "Orders", numeric=True),
        Column("revenue", "Revenue", numeric=True, help="In the account's currency"),
        Column("average_order_value", "AOV", numeric=True, optional=True),
        Column("conversion_rate", "Conversion", numeric=True, optional=True, help="Orders ÷ viewers"),
        Column("campaign_spent", "Campaign spent", numeric=True, optional=True),
        Column("roi", "ROI", sort=None, help="Revenue ÷ campaign spent"),
    ],
    default_sort="account",
    per_page=25,
)


def daily_charts(series: selectors.DailySeries) -> list[Chart]:
    labels = [day.isoformat() for day in series.days]
    several = len(series.revenue_by_currency) > 1
    charts = [
        Chart(
            id=f"chart-revenue-{currency.lower()}",
            title=f"Revenue per day · {currency}",
            labels=labels,
            series=[Series("Revenue", values)],
            kind="bar",
            y_format="money",
            currency=currency,
            small=several,
        )
        for currency, values in series.revenue_by_currency.items()
    ]
    charts.append(
        Chart(
            id="chart-sessions",
            title="Sessions and orders per day",
            labels=labels,
            series=[Series("Sessions", series.sessions), Series("Orders", series.orders, axis="y2", kind="line")],
            kind="bar",
            y2_format="count",
        )
    )
    charts.append(
        Chart(id="chart-viewers", title="Viewers per day", labels=labels, series=[Series("Viewers", series.viewers)], kind="line")
    )
    return charts


class AnalyticsView(LivePageView):
    template_name = "shopee_live/analytics.html"

    def get(self, request, *args, **kwargs):
        self.read_filters()
        raw_days = (request.GET.get("days") or str(DEFAULT_SUMMARY_DAYS)).strip()
        if not raw_days.isdigit() or not 1 <= int(raw_days) <= 366:
            raise InvalidQuery({"days": ["days must be a whole number of days from 1 to 366."]})
        days = int(raw_days)
        date_range = date_range_for_request(request, zone=current_zone())
        scope = {"studio_id": self.studio_id, "account_id": self.account_id}
        series = selectors.analytics_daily_series(self.tenant, start=date_range.start, end=date_range.end, **scope)
        by_account = selectors.analytics_by_account(self.tenant, self.accounts, start=date_range.start, end=date_range.end, **scope)
        range_totals = selectors.totals_per_currency(by_account)
        summary_start, summary_end = selectors.summary_span(self.tenant, days)
        if (summary_start, summary_end) == (date_range.start, date_range.end):
            summary = range_totals  # the default: the last 30 days are the range
        else:
            summary = selectors.analytics_totals(self.tenant, start=summary_start, end=summary_end, **scope)
        return self.render_to_response(
            self.base_context(
                charts=daily_charts(series) if any(series.sessions) else [],
                summary=summary,
                summary_days=days,
                summary_choices=sorted(set(SUMMARY_DAYS) | {days}),
                summary_start=summary_start,
                summary_end=summary_end,
                range_totals=range_totals,
                table=ACCOUNTS_TABLE.bind(request, by_account),
                **date_range_context(date_range),
            )
        )

    def handle_application_error(self, exc):
        if isinstance(exc, (InvalidQuery, InvalidDateRange)) and hasattr(self, "studios"):
            context = self.base_context(
                query_errors=exc.fields, summary_choices=SUMMARY_DAYS, **date_range_context(date_range_resolve({}, zone=current_zone()))
            )
            return self.render_to_response(context, status=exc.status)
        return super().handle_application_error(exc)
