from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from shop_sync.webhooks import tiktok_shop_webhook

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include("core.api.urls")),
    path("api/", include("shop_sync.api_urls")),
    path("api/", include("tiktok_ads.api_urls")),
    path("api/", include("gmvmax.api_urls")),
    path("api/", include("conversions.api_urls")),
    path("api/", include("shopee_live.api_urls")),
    path("api/", include("autopilot.api_urls")),
    path("shop/", include("shop_sync.urls")),
    path("ads/", include("tiktok_ads.urls")),
    path("gmv-max/", include("gmvmax.urls")),
    path("", include("gmvmax.alias_urls")),  # the seed's /debug-table-ikram
    path("conversions/", include("conversions.urls")),
    path("live/", include("shopee_live.urls")),
    path("autopilot/", include("autopilot.urls")),
    path("webhooks/tiktok-shop/", tiktok_shop_webhook, name="tiktok-shop-webhook"),
    path("", include("tiktok_ads.seed_urls")),  # the seed's /tiktok/webhook and /tiktok/instant-pages
    path("", include("core.urls")),
]

if settings.SANDBOX_ENABLED:
    urlpatterns.insert(0, path("sandbox/", include("sandbox.urls")))
