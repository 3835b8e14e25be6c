"""ROI analytics and the autopilot dashboard, each with the seed's Instagram / TikTok tabs
(``?platform=instagram|tiktok``, TikTok by default; Instagram reads the stored facebook rows)."""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.utils import timezone

from autopilot import selectors
from core.charts import Chart, Series
from core.dateranges import date_range_context, date_range_for_request
from core.errors import CoreError
from core.exceptions import ApplicationError
from core.exports import export_response
from core.formatting import current_zone
from core.models import Role
from core.tables import Column, Table
from core.web import TenantPageView
from tiktok_ads.selectors import ad_account_get, ad_accounts_for_tenant

__all__ = ["DashboardView", "RoiView"]

TABS = (("instagram", "Instagram"), ("tiktok", "TikTok"))
EXPORT_FORMATS = ("csv", "xlsx")


def _columns(first: str) -> list[Column]:
    return [
        Column("label", first),
        Column("spend", "Spend", sort="spend_value", numeric=True),
        Column("impressions", "Impressions", numeric=True, optional=True),
        Column("clicks", "Clicks", numeric=True, optional=True),
        Column("leads", "Leads", numeric=True, help="As the platform counted them"),
        Column("stored_leads", "Leads stored", numeric=True, optional=True, help="Leads received in this product"),
        Column("cpl", "CPL", numeric=True),
        Column("purchases", "Purchases", numeric=True),
        Column("revenue", "Revenue", sort="revenue_value", numeric=True),
        Column("roi", "ROI", numeric=True, help="(revenue − spend) ÷ spend"),
    ]


DIRECTIONS = Table("roi-directions", _columns("Direction"), default_sort="-spend", per_page=25, prefix="d_")
CREATIVES = Table("roi-creatives", _columns("Creative"), default_sort="-spend", per_page=25, prefix="c_")

EXPORT_HEADER = [
    "Level", "Key", "Name", "Platform", "Reporting currency", "Spend", "Spend without a rate", "Impressions", "Clicks",
    "Leads (platform)", "Leads stored", "CPL", "Purchases", "Revenue", "Revenue without a rate", "ROI",
]  # fmt: skip


def _tab(request) -> str:
    tab = (request.GET.get("platform") or "tiktok").strip().lower()
    if tab == "facebook":
        tab = "instagram"
    if tab not in dict(TABS):
        raise ApplicationError(
            "platform: pick instagram or tiktok.", code=CoreError.INVALID, extra={"fields": {"platform": ["Pick instagram or tiktok."]}}
        )
    return tab


CENT = Decimal("0.01")
RATIO = Decimal("0.0001")


def _q(value, step=CENT):
    """Exports round only at the end: money to the cent, ratios to four places."""
    return "" if value is None else value.quantize(step, rounding=ROUND_HALF_UP)


def _unconverted(money) -> str:
    return "; ".join(f"{amount} {currency}" for currency, amount in money.unconverted_items)


def _tabs_context(request, tab: str) -> dict:
    keep = [
        (key, value)
        for key, value in request.GET.items()
        if key not in ("platform", "export") and not key.endswith(("page", "sort")) and value
    ]
    return {
        "tab": tab,
        "tabs": [(value, label, "?" + urlencode([("platform", value), *keep])) for value, label in TABS],
        "tab_label": dict(TABS)[tab],
    }


def _spend_revenue_chart(chart_id: str, report, *, title: str) -> Chart:
    series = [
        Series("Spend", [row.spend.value for row in report.by_day]),
        Series("Revenue", [row.revenue.value for row in report.by_day]),
    ]
    if report.shop_revenue is not None and report.shop_by_day:
        shop = [report.shop_by_day[day].value if day in report.shop_by_day else 0 for day in _days(report)]
        series.append(Series("TikTok Shop GMV (right axis)", shop, axis="y2", kind="line"))
    return Chart(
        id=chart_id,
        title=title,
        labels=[row.label for row in report.by_day],
        series=series,
        kind="bar",
        y_format="money",
        y2_format="money" if len(series) > 2 else "",
        currency=report.currency,
    )


def _days(report):
    return [report.start + timedelta(days=offset) for offset in range((report.end - report.start).days + 1)]


class RoiView(TenantPageView):
    template_name = "autopilot/roi.html"

    def get(self, request, *args, **kwargs):
        tab = _tab(request)
        date_range = date_range_for_request(request, zone=current_zone())
        account = None
        account_raw = (request.GET.get("account") or "").strip()
        if account_raw:
            account = ad_account_get(self.tenant, account_raw, field="account")
        report = selectors.roi_report(
            self.tenant,
            platform=selectors.UI_PLATFORMS[tab],
            start=date_range.start,
            end=date_range.end,
            ad_account_id=account.pk if account else None,
        )
        export_format = request.GET.get("export")
        if export_format in EXPORT_FORMATS:
            return self.export(report, export_format, tab)
        context = self.get_context_data(**date_range_context(date_range), **_tabs_context(request, tab))
        context.update(
            report=report,
            account=account,
            accounts=list(ad_accounts_for_tenant(self.tenant).values_list("pk", "name")),
            kpis=_kpis(report),
            chart=_spend_revenue_chart("roi-per-day", report, title=f"Spend and revenue per day ({report.currency})"),
            roi_chart=Chart(
                id="roi-per-creative",
                title="ROI per creative (%)",
                labels=[row.label for row in report.by_creative[:15]],
                series=[Series("ROI", [round(row.roi_pct, 1) if row.roi_pct is not None else None for row in report.by_creative[:15]])],
                kind="bar",
                y_format="percent",
                x_label="Creative",
            ),
            directions=DIRECTIONS.bind(request, report.by_direction),
            creatives=CREATIVES.bind(request, report.by_creative),
            export_query=urlencode(
                [(key, value) for key, value in request.GET.items() if key not in ("export",) and value] + [("platform", tab)]
            ),
            can_manage=Role.allows(request.role, Role.ADMIN),
        )
        return self.render_to_response(context)

    def export(self, report, export_format: str, tab: str):
        def rows():
            for level, items in (
                ("total", [report.totals]),
                ("direction", report.by_direction),
                ("creative", report.by_creative),
                ("day", report.by_day),
            ):
                for row in items:
                    yield [
                        level, row.key, row.label, report.platform, report.currency, _q(row.spend.value), _unconverted(row.spend),
                        row.impressions, row.clicks, row.leads, row.stored_leads, _q(row.cpl),
                        row.purchases, _q(row.revenue.value), _unconverted(row.revenue), _q(row.roi, RATIO),
                    ]  # fmt: skip
            yield ["unattributed", "", "Purchases matched to no lead", "", report.currency, "", "", "", "", "", "",
                   "", report.unattributed_purchases, _q(report.unattributed.value), _unconverted(report.unattributed), ""]  # fmt: skip

        return export_response(
            export_format, basename=f"roi-{tab}-{self.tenant.slug}", header=EXPORT_HEADER, rows=rows(), sheet_title="ROI"
        )


def _kpis(report) -> list[dict]:
    totals = report.totals
    return [
        {"key": "spend", "label": "Spend", "value": totals.spend.value, "kind": "money", "extra": totals.spend.unconverted_items},
        {"key": "leads", "label": "Leads", "value": totals.leads, "kind": "count", "extra": ()},
        {"key": "cpl", "label": "CPL", "value": totals.cpl, "kind": "money", "extra": ()},
        {"key": "purchases", "label": "Purchases", "value": totals.purchases, "kind": "count", "extra": ()},
        {"key": "revenue", "label": "Revenue", "value": totals.revenue.value, "kind": "money", "extra": totals.revenue.unconverted_items},
        {"key": "roi", "label": "ROI", "value": totals.roi_pct, "kind": "percent", "extra": ()},
    ]


class DashboardView(TenantPageView):
    """Today and the last 7 days per platform, spend vs revenue per day, the latest brain runs."""

    template_name = "autopilot/dashboard.html"

    def get(self, request, *args, **kwargs):
        tab = _tab(request)
        platform = selectors.UI_PLATFORMS[tab]
        today = timezone.now().astimezone(current_zone()).date()
        week = selectors.roi_report(self.tenant, platform=platform, start=today - timedelta(days=6), end=today)
        today_row = week.by_day[-1]
        headlines = [
            {"key": "today", "label": "Today", "row": today_row},
            {"key": "week", "label": "Last 7 days", "row": week.totals},
        ]
        context = self.get_context_data(**_tabs_context(request, tab))
        context.update(
            report=week,
            headlines=headlines,
            chart=_spend_revenue_chart("dashboard-per-day", week, title=f"Spend and revenue, last 7 days ({week.currency})"),
            runs=selectors.brain_runs_recent(self.tenant, platform=platform),
        )
        return self.render_to_response(context)
