"""TikTok Shop pages: dashboard, orders (with lines loaded on demand), products, brands and the
sync page, plus their CSV/XLSX exports.

Views stay thin: the API's query serializers validate filters (``core.web.validated_query``; a bad
one re-renders the page with the message and a 400), selectors read, the sync services start syncs;
any other refusal takes ``core.web``'s one error path. Every object lookup is
scoped by ``request.tenant``, so another tenant's order or shop is a 404.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from core.charts import Chart, Series
from core.dateranges import SESSION_KEY, DateRange, InvalidDateRange, date_range_context, date_range_for_request, date_range_resolve
from core.exports import export_response
from core.formatting import percent_change
from core.models import Role
from core.services import SyncRunConflict
from core.tables import BoundTable, Column, Table
from core.views.platform import HTMX_STOP_POLLING
from core.web import InvalidQuery, TenantPageView, is_htmx, validated_query
from shop_sync import selectors
from shop_sync.brands import OTHER_BRAND
from shop_sync.models import ConnectionStatus
from shop_sync.selectors import ZERO, Period, today_for, zone
from shop_sync.serializers import OrderFilterQuerySerializer, PeriodQuerySerializer, ProductQuerySerializer
from shop_sync.services import orders_full_sync_start, orders_incremental_sync_start


def _query_without(request, *names: str) -> str:
    """The current query string minus ``names`` (page numbers, formats), for export and page links."""
    return urlencode([(key, value) for key, value in request.GET.items() if key not in names and value])


class ShopPageView(TenantPageView):
    """A page whose query is validated by ``query_serializer``; an invalid query renders the page
    with the errors and status 400 instead of data."""

    query_serializer = None

    def get(self, request, *args, **kwargs):
        self.shops = list(selectors.shops_for_tenant(self.tenant))
        self.query = validated_query(request, self.query_serializer) if self.query_serializer else None
        self.shop = self.query.shop(self.tenant) if self.query is not None else None
        return self.respond(**kwargs)

    def handle_application_error(self, exc):
        if isinstance(exc, InvalidQuery) and hasattr(self, "shops"):
            return self.render_to_response(self.base_context(query_errors=exc.fields), status=exc.status)
        return super().handle_application_error(exc)

    def respond(self, **kwargs):
        return self.render_to_response(self.get_context_data(**kwargs))

    def range_zone(self):
        """The zone a date range's days are in: the chosen shop's, else the shops' one zone, else
        the tenant's."""
        shop = getattr(self, "shop", None)  # unset when the filters were refused
        zones = {shop.time_zone} if shop else {shop.time_zone for shop in self.shops}
        return zone(zones.pop() if len(zones) == 1 else self.tenant.time_zone)

    def base_context(self, **extra) -> dict:
        context = super().get_context_data()
        context.update(
            shops=self.shops,
            needs_reauth=[shop for shop in self.shops if shop.status == ConnectionStatus.NEEDS_REAUTH],
            query=self.request.GET,
            query_string=_query_without(self.request, "page"),
            can_export=Role.allows(self.request.role, Role.ANALYST),
            **extra,
        )
        return context

    def get_context_data(self, **kwargs):
        return self.base_context(**kwargs)


class PeriodPageView(ShopPageView):
    """A page over a date range: the one picker (``core.dateranges``), days in the shop's zone
    (the tenant's with all shops), compared with the previous period by default. Seed 003's
    ``days``/``end`` still work: ``days=7&end=2026-03-01`` is the 7 days ending that day, as before."""

    query_serializer = PeriodQuerySerializer
    # Query names the range form carries over (a table's sort, the chosen currency).
    keep_params: tuple[str, ...] = ()

    def resolve_range(self) -> DateRange:
        params = self.request.GET
        if params.get("days") and not params.get("range"):
            end = self.query.validated_data.get("end") or today_for(self.tenant, self.shop)
            start = end - timedelta(days=self.query.validated_data["days"] - 1)
            alias = {"range": "custom", "start": start.isoformat(), "end": end.isoformat(), "compare": params.get("compare") or "previous", "today": params.get("today") or ""}
            chosen = date_range_resolve(alias, zone=self.range_zone(), default_compare="previous")
            self.request.session[SESSION_KEY] = chosen.query()
            return chosen
        return date_range_for_request(self.request, zone=self.range_zone(), default_compare="previous")

    def period(self) -> Period:
        if not hasattr(self, "_period"):
            self.date_range = self.resolve_range()
            self._period = Period(self.date_range.start, self.date_range.end, self.date_range.compare_start, self.date_range.compare_end)
        return self._period

    @property
    def comparing(self) -> bool:
        return self.period() is not None and self.date_range.compare != "none"

    def handle_application_error(self, exc):
        if isinstance(exc, InvalidDateRange) and hasattr(self, "shops"):
            return self.render_to_response(self.base_context(query_errors=exc.fields), status=exc.status)
        return super().handle_application_error(exc)

    def base_context(self, **extra) -> dict:
        context = super().base_context(**extra)
        if hasattr(self, "date_range"):
            context.update(date_range_context(self.date_range, zone=self.range_zone()), comparing=self.comparing)
        context.update(range_zone=self.range_zone().key, range_keep=self.keep_params)
        return context

    def get_context_data(self, **kwargs):
        self.period()
        return self.base_context(**kwargs)


# --- Dashboard ----------------------------------------------------------------------------


class DashboardView(PeriodPageView):
    template_name = "shop_sync/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        period = self.period()
        summary = selectors.kpi_summary(self.tenant, period=period, shop=self.shop)
        context["summary"] = summary
        totals = [(currency, summary.totals.get(currency), summary.comparison[currency]) for currency in summary.currencies]
        context["several_currencies"] = len(summary.currencies) > 1
        context["card_groups"] = [
            {
                "currency": currency,
                "cards": [
                    _card("gmv", "GMV", comparison["gmv"], "money", currency),
                    _card("orders", "Orders", comparison["orders"], "count", currency),
                    _card("aov", "Avg. order value", comparison["average_order_value"], "money", currency),
                    _card("units", "Units", comparison["units"], "count", currency),
                    _card("cancelled", "Cancelled orders", comparison["cancelled_orders"], "count", currency, good_up=False),
                ],
            }
            for currency, _, comparison in totals
        ]
        labels = [day["day"].isoformat() for day in summary.trend]
        context["gmv_charts"] = [
            Chart(
                id=f"chart-gmv-{currency}",
                title=f"GMV per day ({currency})",
                labels=labels,
                series=[Series("GMV", [day["by_currency"][currency]["gmv"] for day in summary.trend])],
                kind="bar",
                y_format="money",
                currency=currency,
            )
            for currency in summary.currencies
        ]
        context["orders_chart"] = Chart(
            id="chart-orders",
            title="Orders per day",
            labels=labels,
            series=[Series("Orders", [day["orders"] for day in summary.trend]), Series("Units", [day["units"] for day in summary.trend], kind="line")],
            kind="bar",
        )
        mix = selectors.order_status_mix(self.tenant, start=period.start, end=period.end, shop=self.shop)
        context["status_mix"] = mix
        if mix is not None and mix.statuses:
            context["status_chart"] = Chart(
                id="chart-status-mix",
                title="Order status mix per day",
                labels=[day.isoformat() for day in mix.days],
                series=[Series(label, values) for label, values in _status_stages(mix)],
                kind="stacked",
            )
        return context


# The chart stacks statuses by stage, always all five in this order, so each keeps its colour
# from one range to the next (completed green, cancelled pink); the exact statuses are the API's.
STATUS_STAGES = (
    ("Unpaid or on hold", ("UNPAID", "ON_HOLD")),
    ("To ship", ("AWAITING_SHIPMENT", "PARTIALLY_SHIPPING", "AWAITING_COLLECTION")),
    ("In transit", ("IN_TRANSIT",)),
    ("Delivered or completed", ("DELIVERED", "COMPLETED")),
    ("Cancelled", ("CANCELLED",)),
)


def _status_stages(mix) -> list[tuple[str, list[int]]]:
    def total(statuses) -> list[int]:
        return [sum(mix.counts[status][n] for status in statuses if status in mix.counts) for n in range(len(mix.days))]

    staged = [(label, total(statuses)) for label, statuses in STATUS_STAGES]
    known = {status for _, statuses in STATUS_STAGES for status in statuses}
    others = [status for status in mix.statuses if status not in known]
    if others:
        staged.append(("Other", total(others)))
    return staged


def _card(key, label, change, kind, currency, *, good_up=True) -> dict:
    return {"key": key, "label": label, "value": change["current"], "previous": change["previous"], "delta": change["delta"], "change": percent_change(change["current"], change["previous"]), "kind": kind, "currency": currency, "good_up": good_up}


# --- Orders -------------------------------------------------------------------------------


ORDERS_TABLE = Table(
    "orders-table",
    [
        Column("order_id", "Order"),
        Column("shop", "Shop", sort="shop__name", optional=True),
        Column("status", "Status"),
        Column("create_time", "Created"),
        Column("units", "Units", numeric=True, help="Items in the order"),
        Column("brands", "Brands", sort=None, optional=True),
        Column("total_amount", "Total", numeric=True),
    ],
    default_sort="-create_time",
    per_page=selectors.ORDERS_PAGE_SIZE,
)
# The seed's own names for the first and last day.
ORDER_DATE_ALIASES = ("date_from", "date_to")
ALL_DATES = "all"
# What picks a range (a comparison alone does not: the orders list has none).
RANGE_PARAMS = ("range", "start", "end", *ORDER_DATE_ALIASES)


@dataclass(frozen=True)
class AllDates(DateRange):
    """The picker's face while no range is picked: no preset checked, no days filled in."""

    @property
    def label(self) -> str:
        return "All dates"

    @property
    def span_label(self) -> str:
        return "since the first order"


class OrderRangeMixin:
    """The orders' date range: the shared picker's (URL, else the session), with the seed's
    ``date_from``/``date_to`` as aliases. Until a range is picked, every date shows: an order
    list that hides orders by default would look like lost data. ``?range=all`` goes back to
    that. Days are shop-local, as the API's date filters."""

    def date_range(self):
        request = self.request
        if request.GET.get("range") == ALL_DATES:
            request.session.pop(SESSION_KEY, None)
            return None
        if not any(request.GET.get(name) for name in RANGE_PARAMS) and not request.session.get(SESSION_KEY):
            return None
        return date_range_for_request(request, zone=self.range_zone(), aliases=ORDER_DATE_ALIASES)

    def order_filters(self, date_range):
        filters = self.query.filters(self.tenant)
        if date_range is None or filters.order_id:
            # An order id is looked up on every date.
            return replace(filters, date_from=None, date_to=None)
        return replace(filters, date_from=date_range.start, date_to=date_range.end)


class OrderListView(OrderRangeMixin, ShopPageView):
    template_name = "shop_sync/orders.html"
    query_serializer = OrderFilterQuerySerializer

    def handle_application_error(self, exc):
        if isinstance(exc, (InvalidQuery, InvalidDateRange)) and hasattr(self, "shops"):
            # The filters stay usable: the picker shows "All dates" until a valid range is picked.
            context = self.base_context(query_errors=exc.fields, all_dates=True)
            context.update(date_range_context(AllDates(start=None, end=None, preset=ALL_DATES), zone=self.range_zone()))
            return self.render_to_response(context, status=exc.status)
        return super().handle_application_error(exc)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        date_range = self.date_range()
        filters = self.order_filters(date_range)
        table = ORDERS_TABLE.bind(
            self.request, selectors.orders_filtered(self.tenant, filters).select_related("shop").defer(*selectors.ORDER_LIST_DEFERRED)
        )
        picker = date_range or AllDates(start=None, end=None, preset=ALL_DATES)
        context.update(
            date_range_context(picker, zone=self.range_zone()),
            all_dates=date_range is None,
            table=table,
            orders=table.rows,
            stats=selectors.order_stats(self.tenant, filters),
            statuses=selectors.order_status_breakdown(self.tenant, filters),
            status_choices=selectors.ORDER_STATUSES,
            brand_choices=selectors.brands_for_tenant(self.tenant),
            export_query=_query_without(self.request, "page", "per_page", "sort"),
            shop_zones=len({shop.time_zone for shop in self.shops}) > 1 and not self.shop,
        )
        return context


class OrderDetailView(TenantPageView):
    """One order: status, timeline, lines, amounts and where it ships (region only, no PII)."""

    template_name = "shop_sync/order_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        order = get_object_or_404(selectors.orders_list(self.tenant, selectors.OrderFilters()), pk=kwargs["pk"])
        lines = selectors.order_line_groups(order)
        context.update(
            order=order,
            lines=lines,
            units=sum(line["quantity"] for line in lines),
            timeline=selectors.order_timeline(order),
            discounts=order.seller_discount + order.platform_discount,
        )
        return context


class OrderLinesView(TenantPageView):
    """The htmx partial with one order's lines, fetched when its row is first expanded."""

    template_name = "shop_sync/partials/order_lines.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        order = get_object_or_404(selectors.orders_list(self.tenant, selectors.OrderFilters()), pk=kwargs["pk"])
        context.update(order=order, lines=selectors.order_lines(order))
        return context


class OrderExportView(OrderRangeMixin, ShopPageView):
    min_role = Role.ANALYST
    query_serializer = OrderFilterQuerySerializer

    template_name = "shop_sync/orders.html"

    def respond(self, *, export_format: str, **kwargs):
        header, rows = selectors.orders_export_rows(self.tenant, self.order_filters(self.date_range()))
        return export_response(export_format, basename=f"orders-{self.tenant.slug}", header=header, rows=rows, sheet_title="Orders")


# --- Products -----------------------------------------------------------------------------

PRODUCTS = Table(
    "products",
    [
        Column("rank", "#", sort=None, numeric=True),
        Column("product_name", "Product"),
        Column("brand", "Brand", optional=True),
        Column("status", "Status", sort=None, optional=True),
        Column("units", "Units", numeric=True),
        Column("orders", "Orders", numeric=True),
        Column("gmv", "GMV", numeric=True),
        Column("gmv_share", "Share of GMV", numeric=True, optional=True),
        Column("average_price", "Avg. unit price", numeric=True, optional=True),
    ],
    default_sort="-gmv",
    zero_field="gmv",
)
SKUS = Table(
    "skus",
    [
        Column("rank", "#", sort=None, numeric=True),
        Column("sku_name", "SKU"),
        Column("seller_sku", "Seller SKU", optional=True),
        Column("product_name", "Product", optional=True),
        Column("units", "Units", numeric=True),
        Column("orders", "Orders", numeric=True),
        Column("gmv", "GMV", numeric=True),
    ],
    default_sort="-gmv",
    zero_field="gmv",
    prefix="sku_",
)
STOCK = Table(
    "stock",
    [
        Column("title", "Product"),
        Column("shop__name", "Shop", optional=True),
        Column("brand", "Brand", optional=True),
        Column("status", "Status", optional=True),
        Column("inventory", "In stock", numeric=True),
        Column("units", "Units sold", numeric=True),
        Column("days_of_cover", "Days of cover", numeric=True, help="Stock ÷ units sold per day in this range"),
    ],
    default_sort="-inventory",
    zero_field="inventory",
    prefix="stock_",
)


def _ranked(table: BoundTable) -> BoundTable:
    """Number the rows of the page in the table's current order."""
    offset = table.page.start_index() - 1 if table.paginator.count else 0
    for n, row in enumerate(table.rows, 1):
        row["rank"] = offset + n
    return table


def _per_currency(rows: list[dict]) -> dict[str, list[dict]]:
    """Rows split by currency (amounts in two currencies never rank together), the currency with
    the most orders first."""
    split: dict[str, list[dict]] = {}
    for row in rows:
        split.setdefault(row["currency"], []).append(row)
    return dict(sorted(split.items(), key=lambda item: (-sum(r["orders"] for r in item[1]), item[0])))


def _with_sort_alias(request, table: Table, alias: str | None) -> None:
    """Seed 003's ``order_by=gmv|units`` reads as the table's sort when the URL names none."""
    if alias in ("gmv", "units") and not request.GET.get(table._param("sort")):
        request.GET = request.GET.copy()
        request.GET[table._param("sort")] = f"-{alias}"


class ProductListView(PeriodPageView):
    template_name = "shop_sync/products.html"
    query_serializer = ProductQuerySerializer
    keep_params = ("currency", "brand", "sort", "per_page", "hide_zero", "sku_sort", "sku_per_page", "stock_sort", "stock_per_page", "stock_hide_zero")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        period = self.period()
        brand = self.query.validated_data.get("brand", "")
        _with_sort_alias(self.request, PRODUCTS, self.request.GET.get("order_by"))
        _with_sort_alias(self.request, SKUS, self.request.GET.get("order_by"))
        by_currency = _per_currency(list(selectors.products_ranking(self.tenant, period=period, shop=self.shop, brand=brand)))
        currency = self.request.GET.get("currency", "")
        if currency not in by_currency:
            currency = next(iter(by_currency), "")
        rows = by_currency.get(currency, [])
        total_gmv = sum((row["gmv"] or ZERO for row in rows), ZERO)
        for row in rows:
            row["gmv_share"] = (row["gmv"] or ZERO) / total_gmv * 100 if total_gmv else None
            row["average_price"] = (row["gmv"] or ZERO) / row["units"] if row["units"] else None
        products = _ranked(PRODUCTS.bind(self.request, rows))
        catalog = selectors.products_catalog(self.tenant, product_ids=[row["product_id"] for row in products.rows])
        for row in products.rows:
            row["catalog"] = catalog.get(row["product_id"])
        skus = list(selectors.skus_ranking(self.tenant, period=period, shop=self.shop, currency=currency)) if currency else []
        context.update(
            period=period,
            currency=currency,
            currencies=[(code, len(group)) for code, group in by_currency.items()],
            table=products,
            sku_table=_ranked(SKUS.bind(self.request, skus)),
            stock_table=STOCK.bind(self.request, selectors.products_stock(self.tenant, period=period, shop=self.shop)),
            brand=brand,
            brand_choices=selectors.brands_for_tenant(self.tenant),
            export_query=_query_without(self.request, "page", "sku_page", "stock_page"),
        )
        return context


class ProductExportView(PeriodPageView):
    """``level`` "products" or "skus": the ranking over the chosen range, streamed (raw codes)."""

    min_role = Role.ANALYST
    query_serializer = ProductQuerySerializer
    template_name = "shop_sync/products.html"
    product_columns = ("product_id", "product_name", "brand", "currency", "units", "orders", "gmv")
    sku_columns = ("product_id", "product_name", "sku_id", "seller_sku", "sku_name", "currency", "units", "orders", "gmv")

    def respond(self, *, export_format: str, level: str, **kwargs):
        period = self.period()
        order_by = self.query.validated_data["order_by"]
        if level == "skus":
            rows = selectors.skus_ranking(self.tenant, period=period, shop=self.shop, order_by=order_by)
            columns = self.sku_columns
        else:
            rows = selectors.products_ranking(
                self.tenant, period=period, shop=self.shop, order_by=order_by, brand=self.query.validated_data.get("brand", "")
            )
            columns = self.product_columns
        stream = (tuple(row[column] for column in columns) for row in rows.iterator(chunk_size=2000))
        basename = f"{level}-{self.tenant.slug}-{period.start:%Y%m%d}-{period.end:%Y%m%d}"
        return export_response(export_format, basename=basename, header=columns, rows=stream, sheet_title=level)


PRODUCT_SKUS = Table(
    "product-skus",
    [
        Column("sku_name", "SKU"),
        Column("seller_sku", "Seller SKU"),
        Column("units", "Units", numeric=True),
        Column("orders", "Orders", numeric=True),
        Column("gmv", "GMV", numeric=True),
    ],
    default_sort="-gmv",
    zero_field="gmv",
)


class ProductDetailView(PeriodPageView):
    template_name = "shop_sync/product_detail.html"
    keep_params = ("sort", "per_page", "hide_zero")

    def handle_no_permission(self):
        # After logging in, land on the product list: a login URL never carries a product id.
        if not self.request.user.is_authenticated:
            return redirect_to_login(reverse("shop_sync:products"))
        return super().handle_no_permission()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        period = self.period()
        analytics = selectors.product_analytics(self.tenant, product_id=kwargs["product_id"], period=period, shop=self.shop)
        previous = {row["currency"]: row for row in analytics.previous_totals}
        context["analytics"] = analytics
        context["totals"] = [
            {
                "currency": row["currency"],
                "cards": [
                    {"key": key, "label": label, "value": row[key], "previous": previous.get(row["currency"], {}).get(key, 0), "kind": kind}
                    | {"change": percent_change(row[key], previous.get(row["currency"], {}).get(key, 0))}
                    for key, label, kind in (
                        ("gmv", "GMV", "money"),
                        ("units", "Units", "count"),
                        ("orders", "Orders", "count"),
                        ("average_unit_price", "Avg. unit price", "money"),
                    )
                ],
            }
            for row in analytics.totals
        ]
        days = period.dates()
        charts = []
        for currency in sorted({row["currency"] for row in analytics.daily}):
            per_day = {row["day"]: row for row in analytics.daily if row["currency"] == currency}
            charts.append(
                Chart(
                    id=f"chart-product-{currency}",
                    title=f"Units and GMV per day ({currency})",
                    labels=[day.isoformat() for day in days],
                    series=[
                        Series("Units", [per_day[day]["units"] if day in per_day else 0 for day in days]),
                        Series("GMV", [per_day[day]["gmv"] if day in per_day else 0 for day in days], axis="y2", kind="line"),
                    ],
                    kind="bar",
                    y_format="count",
                    y2_format="money",
                    currency=currency,
                )
            )
        context["charts"] = charts
        context["table"] = PRODUCT_SKUS.bind(self.request, analytics.skus)
        return context


# --- Brands -------------------------------------------------------------------------------

BRANDS = Table(
    "brands",
    [
        Column("brand", "Brand"),
        Column("orders", "Orders", numeric=True),
        Column("units", "Units", numeric=True),
        Column("gmv", "GMV", numeric=True),
        Column("gmv_share", "Share", numeric=True),
        Column("previous_gmv", "Comparison GMV", numeric=True, optional=True),
        Column("gmv_change", "Change", numeric=True),
    ],
    default_sort="-gmv",
    zero_field="gmv",
)
BRANDS_ALONE = Table("brands", BRANDS.columns[:5], default_sort="-gmv", zero_field="gmv")


class BrandListView(PeriodPageView):
    template_name = "shop_sync/brands.html"
    keep_params = ("currency", "sort", "per_page", "hide_zero")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        period = self.period()
        rows = [
            {**asdict(row), "gmv_change": row.gmv_change["percent"], "gmv_delta": row.gmv_change["delta"]}
            for row in selectors.brand_breakdown(self.tenant, period=period, shop=self.shop)
        ]
        by_currency = _per_currency(rows)
        currency = self.request.GET.get("currency", "")
        if currency not in by_currency:
            currency = next(iter(by_currency), "")
        current = by_currency.get(currency, [])
        other = next((row for row in current if row["brand"] == OTHER_BRAND), None)
        top = sorted(current, key=lambda row: (-row["gmv"], row["brand"]))[:15]
        series = [Series("This range", [row["gmv"] for row in top])]
        if self.comparing:
            series.append(Series("Comparison", [row["previous_gmv"] for row in top]))
        context.update(
            period=period,
            currency=currency,
            currencies=[(code, len(group)) for code, group in by_currency.items()],
            table=(BRANDS if self.comparing else BRANDS_ALONE).bind(self.request, current),
            other=other,
            chart=Chart(id="chart-brands", title=f"GMV by brand, top {len(top)} ({currency})", labels=[row["brand"] for row in top], series=series, kind="bar", y_format="money", currency=currency, x_label="Brand")
            if top
            else None,
            can_manage=Role.allows(self.request.role, Role.ADMIN),
            export_query=_query_without(self.request, "page"),
        )
        return context


class BrandExportView(PeriodPageView):
    min_role = Role.ANALYST
    template_name = "shop_sync/brands.html"
    columns = ("brand", "currency", "orders", "units", "gmv", "gmv_share", "previous_orders", "previous_gmv")

    def respond(self, *, export_format: str, **kwargs):
        period = self.period()
        brands = selectors.brand_breakdown(self.tenant, period=period, shop=self.shop)
        rows = (tuple(getattr(row, column) for column in self.columns) for row in brands)
        basename = f"brands-{self.tenant.slug}-{period.start:%Y%m%d}-{period.end:%Y%m%d}"
        return export_response(export_format, basename=basename, header=self.columns, rows=rows, sheet_title="Brands")


# --- Sync ---------------------------------------------------------------------------------


SYNC_HISTORY_TABLE = Table(
    "sync-history-table",
    [
        Column("kind", "Sync"),
        Column("shop", "Shop", sort=None),
        Column("state", "Status"),
        Column("items_done", "Orders", numeric=True),
        Column("created_at", "Started"),
        Column("finished_at", "Finished"),
    ],
    default_sort="-created_at",
    per_page=25,
)


class SyncPageView(ShopPageView):
    template_name = "shop_sync/sync.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        history = SYNC_HISTORY_TABLE.bind(self.request, selectors.sync_history(self.tenant))
        shop_names = {selectors.shop_target(shop): shop.name for shop in self.shops}
        context.update(
            statuses=selectors.sync_status(self.tenant),
            table=history,
            history=[(run, selectors.sync_run_progress(run), shop_names.get(run.target, run.target)) for run in history.rows],
            can_manage=Role.allows(self.request.role, Role.ADMIN),
        )
        return context


class SyncShopCardView(TenantPageView):
    """One shop's card on the sync page, polled by htmx while a sync of it runs: stored orders,
    last syncs and progress move without a reload. Answers 286 (stop polling) once none runs."""

    template_name = "shop_sync/partials/shop_card.html"

    def dispatch(self, request, *args, **kwargs):
        if is_htmx(request) and not request.user.is_authenticated:
            # The session expired mid-poll: send the whole page to the login form instead of
            # swapping the login page into the card.
            response = HttpResponse(status=HTMX_STOP_POLLING)
            response["HX-Redirect"] = redirect_to_login(reverse("shop_sync:sync")).url
            return response
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        shop = get_object_or_404(selectors.shops_for_tenant(self.tenant), pk=kwargs["pk"])
        (status,) = selectors.sync_status(self.tenant, shop=shop)
        context = self.get_context_data(status=status, can_manage=Role.allows(request.role, Role.ADMIN))
        return self.render_to_response(context, status=200 if status.running else HTMX_STOP_POLLING)


class SyncStartView(TenantPageView):
    """POST (admin): start a full or incremental sync of one of the tenant's shops."""

    min_role = Role.ADMIN
    http_method_names = ["post"]
    error_redirect = "shop_sync:sync"

    def post(self, request, *args, pk: int, mode: str, **kwargs):
        shop = get_object_or_404(selectors.shops_for_tenant(self.tenant), pk=pk)
        start = orders_full_sync_start if mode == "full" else orders_incremental_sync_start
        try:
            start(tenant=self.tenant, shop=shop, requested_by=request.user)
        except SyncRunConflict as conflict:
            # Not a failure: the sync the admin asked for is already on its way.
            messages.warning(request, f"A sync of {shop.name} is already {conflict.run.state}; its progress is shown below.")
        else:
            label = "Full sync" if mode == "full" else "Sync"
            messages.success(request, f"{label} of {shop.name} started.")
        return redirect("shop_sync:sync")


class SyncHistoryExportView(TenantPageView):
    min_role = Role.ANALYST

    def get(self, request, *args, export_format: str, **kwargs):
        header, rows = selectors.sync_history_export_rows(self.tenant)
        return export_response(export_format, basename=f"shop-syncs-{self.tenant.slug}", header=header, rows=rows, sheet_title="Syncs")
