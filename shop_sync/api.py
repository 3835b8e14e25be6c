"""TikTok Shop API: the seed's sync endpoints, orders, products, KPIs and brands.

Thin views: a serializer validates the query, a selector reads, a service starts syncs. Every
read is scoped by ``request.tenant``; another tenant's shop, order or product is a 404, the same
as a missing one. Roles: viewer reads, admin starts syncs.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response

from core.api.authentication import ApiKeyUser
from core.api.pagination import DefaultPagination
from core.api.serializers import ErrorSerializer, SyncRunSerializer
from core.api.viewsets import TenantScopedAPIView
from core.models import Role
from core.services import SyncRunConflict
from shop_sync import selectors
from shop_sync.models import Order
from shop_sync.serializers import (
    BrandBreakdownSerializer,
    KpiSummarySerializer,
    OrderDetailSerializer,
    OrderFilterQuerySerializer,
    OrderSerializer,
    OrderStatsSerializer,
    PeriodQuerySerializer,
    ProductAnalyticsSerializer,
    ProductQuerySerializer,
    ProductRankSerializer,
    ShopQuerySerializer,
    SkuQuerySerializer,
    SkuRankSerializer,
    StatusBreakdownSerializer,
    SyncStartQuerySerializer,
    SyncStatusSerializer,
    validated,
)
from shop_sync.services import orders_full_sync_start, orders_incremental_sync_start

TAG = "tiktok shop"
ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid filter or date; the message names the field."),
    403: OpenApiResponse(ErrorSerializer, description="Your role does not allow this."),
    404: OpenApiResponse(ErrorSerializer, description="No such shop, order or product in your tenant."),
    409: OpenApiResponse(ErrorSerializer, description="A sync of this kind is already running; `sync_run_id` names it."),
    502: OpenApiResponse(ErrorSerializer, description="TikTok Shop answered with an error (`upstream_error`)."),
    503: OpenApiResponse(
        ErrorSerializer, description="TikTok Shop is unavailable or rate limiting (`upstream_unavailable`, `rate_limited`); see `retry_after`."
    ),
}


def _errors(*codes: int) -> dict:
    return {code: ERRORS[code] for code in codes}


def _acting_user(request):
    return None if isinstance(request.user, ApiKeyUser) else request.user


class _ShopReadView(TenantScopedAPIView):
    model = Order
    read_role = Role.VIEWER
    pagination_class = None

    def ranked_page_response(self, rows, serializer_class):
        """One page of a ranking, each row numbered by its place in the whole ranking."""
        page = self.paginate_queryset(rows)
        offset = (self.paginator.page.number - 1) * self.paginator.get_page_size(self.request)
        ranked = [{**row, "rank": offset + n} for n, row in enumerate(page, start=1)]
        return self.get_paginated_response(serializer_class(ranked, many=True).data)


# --- Sync (the seed's paths) --------------------------------------------------------------


class _SyncStartView(_ShopReadView):
    """POST starts a sync of one shop: 202 with the run, or 409 with the running one."""

    write_role = Role.ADMIN
    start = None  # the service starting this kind of sync

    def post(self, request):
        query = validated(SyncStartQuerySerializer, request)
        shop = selectors.shop_resolve_for_sync(request.tenant, shop_id=query.validated_data.get("shop_id"))
        try:
            run = self.start_sync(tenant=request.tenant, shop=shop, requested_by=_acting_user(request))
        except SyncRunConflict as conflict:
            body = {
                "error": {
                    "code": conflict.code,
                    "message": conflict.message,
                    "fields": {},
                    "sync_run_id": conflict.run.pk,
                    "run": SyncRunSerializer(conflict.run).data,
                }
            }
            return Response(body, status=status.HTTP_409_CONFLICT)
        return Response(SyncRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


SYNC_START_PARAMS = [
    OpenApiParameter("shop_id", str, description="The platform's shop id; optional when the tenant has exactly one active shop.")
]


class SyncOrdersIncrementalView(_SyncStartView):
    @extend_schema(
        summary="Start an incremental order sync (admin)",
        description="Fetches orders with update_time ≥ watermark − 5 minutes. Answers 202 with the run at once; "
        "its progress is in GET /api/sync/status and /api/sync-runs/{id}/.",
        parameters=SYNC_START_PARAMS,
        request=None,
        responses={202: SyncRunSerializer, **_errors(400, 403, 404, 409)},
        tags=[TAG],
    )
    def post(self, request):
        return super().post(request)

    @staticmethod
    def start_sync(**kwargs):
        return orders_incremental_sync_start(**kwargs)


class SyncOrdersFullView(_SyncStartView):
    @extend_schema(
        summary="Start a full order sync (admin)",
        description="Re-reads the shop's whole history in parallel time windows. 202 with the run; 409 with the running one.",
        parameters=SYNC_START_PARAMS,
        request=None,
        responses={202: SyncRunSerializer, **_errors(400, 403, 404, 409, 502, 503)},
        tags=[TAG],
    )
    def post(self, request):
        return super().post(request)

    @staticmethod
    def start_sync(**kwargs):
        return orders_full_sync_start(**kwargs)


class SyncStatusView(_ShopReadView):
    @extend_schema(
        summary="Sync metadata per shop and the running sync's progress",
        parameters=[ShopQuerySerializer],
        responses={200: SyncStatusSerializer, **_errors(400, 404)},
        tags=[TAG],
    )
    def get(self, request):
        query = validated(ShopQuerySerializer, request)
        statuses = selectors.sync_status(request.tenant, shop=query.shop(request.tenant))
        return Response(SyncStatusSerializer({"shops": statuses}).data)


# --- Orders -------------------------------------------------------------------------------


class OrdersPagination(DefaultPagination):
    page_size = selectors.ORDERS_PAGE_SIZE
    page_size_query_param = None  # the seed's fixed 50 per page


class OrderListView(_ShopReadView):
    serializer_class = OrderSerializer
    pagination_class = OrdersPagination

    @extend_schema(
        summary="Orders, newest first, 50 per page",
        parameters=[OrderFilterQuerySerializer, OpenApiParameter("page", int, description="Page number, from 1.")],
        responses={200: OrderSerializer(many=True), **_errors(400, 404)},
        tags=[TAG],
    )
    def get(self, request):
        query = validated(OrderFilterQuerySerializer, request)
        orders = selectors.orders_list(request.tenant, query.filters(request.tenant))
        page = self.paginate_queryset(orders)
        return self.get_paginated_response(OrderSerializer(page, many=True).data)


class OrderDetailView(_ShopReadView):
    @extend_schema(summary="One order with its lines", responses={200: OrderDetailSerializer, **_errors(404)}, tags=[TAG])
    def get(self, request, order_id: str):
        order = selectors.order_get(request.tenant, order_id=order_id)
        order.lines_list = list(selectors.order_lines(order))
        return Response(OrderDetailSerializer(order).data)


class OrderStatsView(_ShopReadView):
    @extend_schema(
        summary="Order statistics: total orders, GMV and average order value (per currency)",
        parameters=[OrderFilterQuerySerializer],
        responses={200: OrderStatsSerializer, **_errors(400, 404)},
        tags=[TAG],
    )
    def get(self, request):
        query = validated(OrderFilterQuerySerializer, request)
        return Response(OrderStatsSerializer(selectors.order_stats(request.tenant, query.filters(request.tenant))).data)


class OrderStatusBreakdownView(_ShopReadView):
    @extend_schema(
        summary="Orders per status, most frequent first",
        parameters=[OrderFilterQuerySerializer],
        responses={200: StatusBreakdownSerializer, **_errors(400, 404)},
        tags=[TAG],
    )
    def get(self, request):
        query = validated(OrderFilterQuerySerializer, request)
        statuses = selectors.order_status_breakdown(request.tenant, query.filters(request.tenant))
        return Response(StatusBreakdownSerializer({"total_orders": sum(s.orders for s in statuses), "statuses": statuses}).data)


# --- Products -----------------------------------------------------------------------------


class ProductListView(_ShopReadView):
    serializer_class = ProductRankSerializer
    pagination_class = DefaultPagination

    @extend_schema(
        summary="Products ranked by GMV or units sold over a period",
        parameters=[ProductQuerySerializer, OpenApiParameter("page", int)],
        responses={200: ProductRankSerializer(many=True), **_errors(400, 404)},
        tags=[TAG],
    )
    def get(self, request):
        query = validated(ProductQuerySerializer, request)
        shop = query.shop(request.tenant)
        rows = selectors.products_ranking(
            request.tenant,
            period=query.period(request.tenant, shop),
            shop=shop,
            order_by=query.validated_data["order_by"],
            brand=query.validated_data.get("brand", ""),
        )
        return self.ranked_page_response(rows, ProductRankSerializer)


class SkuListView(_ShopReadView):
    serializer_class = SkuRankSerializer
    pagination_class = DefaultPagination

    @extend_schema(
        summary="SKUs ranked by GMV or units sold over a period",
        parameters=[SkuQuerySerializer, OpenApiParameter("page", int)],
        responses={200: SkuRankSerializer(many=True), **_errors(400, 404)},
        tags=[TAG],
    )
    def get(self, request):
        query = validated(SkuQuerySerializer, request)
        shop = query.shop(request.tenant)
        rows = selectors.skus_ranking(
            request.tenant,
            period=query.period(request.tenant, shop),
            shop=shop,
            product_id=query.validated_data.get("product_id", ""),
            order_by=query.validated_data["order_by"],
        )
        return self.ranked_page_response(rows, SkuRankSerializer)


class ProductAnalyticsView(_ShopReadView):
    @extend_schema(
        summary="One product over a period: totals against the previous period, SKUs, daily series",
        parameters=[PeriodQuerySerializer],
        responses={200: ProductAnalyticsSerializer, **_errors(400, 404)},
        tags=[TAG],
    )
    def get(self, request, product_id: str):
        query = validated(PeriodQuerySerializer, request)
        shop = query.shop(request.tenant)
        analytics = selectors.product_analytics(request.tenant, product_id=product_id, period=query.period(request.tenant, shop), shop=shop)
        return Response(ProductAnalyticsSerializer(analytics).data)


# --- KPIs and brands ----------------------------------------------------------------------


class KpiSummaryView(_ShopReadView):
    @extend_schema(
        summary="KPI summary: totals, daily trend (30 days by default) and period-over-period comparison",
        description="Read from the daily rollups (days in the shop's time zone). Money per currency.",
        parameters=[PeriodQuerySerializer],
        responses={200: KpiSummarySerializer, **_errors(400, 404)},
        tags=[TAG],
    )
    def get(self, request):
        query = validated(PeriodQuerySerializer, request)
        shop = query.shop(request.tenant)
        summary = selectors.kpi_summary(request.tenant, period=query.period(request.tenant, shop), shop=shop)
        return Response(KpiSummarySerializer(summary).data)


class BrandBreakdownView(_ShopReadView):
    @extend_schema(
        summary="Brand breakdown and comparison with the previous equal period",
        parameters=[PeriodQuerySerializer],
        responses={200: BrandBreakdownSerializer, **_errors(400, 404)},
        tags=[TAG],
    )
    def get(self, request):
        query = validated(PeriodQuerySerializer, request)
        shop = query.shop(request.tenant)
        period = query.period(request.tenant, shop)
        brands = selectors.brand_breakdown(request.tenant, period=period, shop=shop)
        return Response(BrandBreakdownSerializer({"period": period, "previous_period": period.previous, "brands": brands}).data)
