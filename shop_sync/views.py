"""TikTok Shop pages: dashboard, orders (with lines loaded on demand), products, brands and the
sync page, plus their CSV/XLSX exports.

Views stay thin: the API's query serializers validate filters (``core.web.validated_query``; a bad
one re-renders the page with the message and a 400), selectors read, the sync services start syncs;
any other refusal takes ``core.web``'s one error path. Every object lookup is
scoped by ``request.tenant``, so another tenant's order or shop is a 404.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from core.exports import export_response
from core.models import Role
from core.services import SyncRunConflict
from core.web import InvalidQuery, TenantPageView, validated_query
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


class OrderListView(ShopPageView):
    template_name = "shop_sync/orders.html"
    query_serializer = OrderFilterQuerySerializer

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filters = self.query.filters(self.tenant)
        paginator = Paginator(selectors.orders_list(self.tenant, filters), selectors.ORDERS_PAGE_SIZE)
        page = paginator.get_page(self.request.GET.get("page"))
        context.update(
            page_obj=page,
            paginator=paginator,
            is_paginated=page.has_other_pages(),
            orders=page.object_list,
            stats=selectors.order_stats(self.tenant, filters),
            statuses=selectors.order_status_breakdown(self.tenant, filters),
            status_choices=selectors.ORDER_STATUSES,
            brand_choices=selectors.brands_for_tenant(self.tenant),
            export_query=_query_without(self.request, "page"),
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


class OrderExportView(ShopPageView):
    min_role = Role.ANALYST
    query_serializer = OrderFilterQuerySerializer

    template_name = "shop_sync/orders.html"

    def respond(self, *, export_format: str, **kwargs):
        header, rows = selectors.orders_export_rows(self.tenant, self.query.filters(self.tenant))
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


class SyncPageView(ShopPageView):
    template_name = "shop_sync/sync.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        history = Paginator(selectors.sync_history(self.tenant), 25).get_page(self.request.GET.get("page"))
        context.update(
            statuses=selectors.sync_status(self.tenant),
            history=[(run, selectors.sync_run_progress(run)) for run in history.object_list],
            page_obj=history,
            paginator=history.paginator,
            is_paginated=history.has_other_pages(),
            can_manage=Role.allows(self.request.role, Role.ADMIN),
        )
        return context


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
