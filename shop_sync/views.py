"""TikTok Shop pages: dashboard, orders (with lines loaded on demand), products, brands and the
sync page, plus their CSV/XLSX exports.

Views stay thin: the API's query serializers validate filters (``core.web.validated_query``; a bad
one re-renders the page with the message and a 400), selectors read, the sync services start syncs;
any other refusal takes ``core.web``'s one error path. Every object lookup is
scoped by ``request.tenant``, so another tenant's order or shop is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from core.dateranges import SESSION_KEY, DateRange, InvalidDateRange, date_range_context, date_range_for_request
from core.exports import export_response
from core.models import Role
from core.services import SyncRunConflict
from core.tables import Column, Table
from core.views.platform import HTMX_STOP_POLLING
from core.web import InvalidQuery, TenantPageView, is_htmx, validated_query
from shop_sync import selectors
from shop_sync.models import ConnectionStatus
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
    query_serializer = PeriodQuerySerializer

    def period(self):
        return self.query.period(self.tenant, self.shop)


# --- Dashboard ----------------------------------------------------------------------------


class DashboardView(PeriodPageView):
    template_name = "shop_sync/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        summary = selectors.kpi_summary(self.tenant, period=self.period(), shop=self.shop)
        context["summary"] = summary
        context["cards"] = [
            {"currency": currency, "totals": summary.totals.get(currency), "comparison": summary.comparison[currency]}
            for currency in summary.currencies
        ]
        context["chart_data"] = {
            "labels": [day["day"].isoformat() for day in summary.trend],
            "orders": [day["orders"] for day in summary.trend],
            "gmv": {currency: [str(day["by_currency"][currency]["gmv"]) for day in summary.trend] for currency in summary.currencies},
        }
        return context


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

    def range_zone(self):
        shop = getattr(self, "shop", None)  # unset when the filters were refused
        zones = {shop.time_zone} if shop else {shop.time_zone for shop in self.shops}
        return zones.pop() if len(zones) == 1 else self.tenant.time_zone

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


class ProductListView(ShopPageView):
    template_name = "shop_sync/products.html"
    query_serializer = ProductQuerySerializer
    per_page = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        period = self.query.period(self.tenant, self.shop)
        order_by = self.query.validated_data["order_by"]
        ranking = selectors.products_ranking(
            self.tenant, period=period, shop=self.shop, order_by=order_by, brand=self.query.validated_data.get("brand", "")
        )
        page = Paginator(ranking, self.per_page).get_page(self.request.GET.get("page"))
        offset = (page.number - 1) * self.per_page
        catalog = selectors.products_catalog(self.tenant, product_ids=[row["product_id"] for row in page.object_list])
        skus = selectors.skus_ranking(self.tenant, period=period, shop=self.shop, order_by=order_by)[: self.per_page]
        context.update(
            period=period,
            order_by=order_by,
            page_obj=page,
            paginator=page.paginator,
            is_paginated=page.has_other_pages(),
            products=[{**row, "rank": offset + n, "catalog": catalog.get(row["product_id"])} for n, row in enumerate(page.object_list, 1)],
            skus=[{**row, "rank": n} for n, row in enumerate(skus, 1)],
            brand_choices=selectors.brands_for_tenant(self.tenant),
            export_query=_query_without(self.request, "page"),
        )
        return context


class ProductExportView(ShopPageView):
    """``level`` "products" or "skus": the ranking over the chosen period, streamed."""

    min_role = Role.ANALYST
    query_serializer = ProductQuerySerializer
    template_name = "shop_sync/products.html"
    product_columns = ("product_id", "product_name", "brand", "currency", "units", "orders", "gmv")
    sku_columns = ("product_id", "product_name", "sku_id", "seller_sku", "sku_name", "currency", "units", "orders", "gmv")

    def respond(self, *, export_format: str, level: str, **kwargs):
        period = self.query.period(self.tenant, self.shop)
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


class ProductDetailView(PeriodPageView):
    template_name = "shop_sync/product_detail.html"

    def handle_no_permission(self):
        # After logging in, land on the product list: a login URL never carries a product id.
        if not self.request.user.is_authenticated:
            return redirect_to_login(reverse("shop_sync:products"))
        return super().handle_no_permission()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["analytics"] = selectors.product_analytics(
            self.tenant, product_id=kwargs["product_id"], period=self.period(), shop=self.shop
        )
        return context


# --- Brands -------------------------------------------------------------------------------


class BrandListView(PeriodPageView):
    template_name = "shop_sync/brands.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        period = self.period()
        brands = selectors.brand_breakdown(self.tenant, period=period, shop=self.shop)
        currencies = sorted({row.currency for row in brands})
        context.update(
            period=period,
            brands=brands,
            currencies=currencies,
            chart_data={
                currency: {
                    "labels": [row.brand for row in brands if row.currency == currency],
                    "current": [str(row.gmv) for row in brands if row.currency == currency],
                    "previous": [str(row.previous_gmv) for row in brands if row.currency == currency],
                }
                for currency in currencies
            },
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
