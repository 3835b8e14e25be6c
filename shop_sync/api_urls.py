"""TikTok Shop API routes, mounted at ``/api/`` beside the platform's (names in ``shop_sync-api``).

The seed's sync paths are kept exactly as written (no trailing slash)."""

from django.urls import path

from shop_sync import api

app_name = "shop_sync-api"

urlpatterns = [
    path("sync/orders", api.SyncOrdersIncrementalView.as_view(), name="sync-orders"),
    path("sync/orders/full", api.SyncOrdersFullView.as_view(), name="sync-orders-full"),
    path("sync/status", api.SyncStatusView.as_view(), name="sync-status"),
    path("shop/orders/", api.OrderListView.as_view(), name="order-list"),
    path("shop/orders/stats/", api.OrderStatsView.as_view(), name="order-stats"),
    path("shop/orders/status-breakdown/", api.OrderStatusBreakdownView.as_view(), name="order-status-breakdown"),
    path("shop/orders/<str:order_id>/", api.OrderDetailView.as_view(), name="order-detail"),
    path("shop/products/", api.ProductListView.as_view(), name="product-list"),
    path("shop/products/<str:product_id>/analytics/", api.ProductAnalyticsView.as_view(), name="product-analytics"),
    path("shop/skus/", api.SkuListView.as_view(), name="sku-list"),
    path("shop/kpis/", api.KpiSummaryView.as_view(), name="kpi-summary"),
    path("shop/brands/", api.BrandBreakdownView.as_view(), name="brand-breakdown"),
]
