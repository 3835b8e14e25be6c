"""TikTok Shop pages, mounted at ``/shop/`` (names in the ``shop_sync`` namespace)."""

from django.urls import path, re_path

from shop_sync import views, views_brands, views_connect

app_name = "shop_sync"

EXPORT = r"export\.(?P<export_format>csv|xlsx)$"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("orders/", views.OrderListView.as_view(), name="orders"),
    re_path(r"^orders/" + EXPORT, views.OrderExportView.as_view(), name="orders-export"),
    path("orders/<int:pk>/", views.OrderDetailView.as_view(), name="order-detail"),
    path("orders/<int:pk>/lines/", views.OrderLinesView.as_view(), name="order-lines"),
    path("products/", views.ProductListView.as_view(), name="products"),
    re_path(r"^products/(?P<level>products|skus)/" + EXPORT, views.ProductExportView.as_view(), name="products-export"),
    path("products/<str:product_id>/", views.ProductDetailView.as_view(), name="product-detail"),
    path("brands/", views.BrandListView.as_view(), name="brands"),
    re_path(r"^brands/" + EXPORT, views.BrandExportView.as_view(), name="brands-export"),
    path("brands/rules/", views_brands.BrandRuleListView.as_view(), name="brand-rules"),
    path("brands/rules/<int:pk>/", views_brands.BrandRuleEditView.as_view(), name="brand-rule-edit"),
    path("brands/rules/<int:pk>/delete/", views_brands.BrandRuleDeleteView.as_view(), name="brand-rule-delete"),
    path("brands/rules/accept/", views_brands.BrandSuggestionAcceptView.as_view(), name="brand-suggestion-accept"),
    path("sync/", views.SyncPageView.as_view(), name="sync"),
    path("sync/shops/<int:pk>/card/", views.SyncShopCardView.as_view(), name="sync-shop-card"),
    path("connect/", views_connect.shop_connect, name="connect"),
    path("oauth/callback/", views_connect.shop_oauth_callback, name="oauth-callback"),
    re_path(r"^sync/history/" + EXPORT, views.SyncHistoryExportView.as_view(), name="sync-history-export"),
    re_path(r"^sync/(?P<pk>[0-9]+)/(?P<mode>full|incremental)/$", views.SyncStartView.as_view(), name="sync-start"),
]
