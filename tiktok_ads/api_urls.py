"""API routes of tiktok_ads, mounted at /api/ (names in ``tiktok_ads-api``)."""

from django.urls import path

from tiktok_ads import api

app_name = "tiktok_ads-api"

advertiser_list = api.AdvertiserViewSet.as_view({"get": "list"})
advertiser_detail = api.AdvertiserViewSet.as_view({"get": "retrieve"})

urlpatterns = [
    path("ads/advertisers/", advertiser_list, name="advertiser-list"),
    path("ads/advertisers/<int:pk>/", advertiser_detail, name="advertiser-detail"),
]
