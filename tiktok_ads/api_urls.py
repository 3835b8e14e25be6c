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

creative_list = api.CreativeViewSet.as_view({"get": "list", "post": "create"})
creative_detail = api.CreativeViewSet.as_view({"get": "retrieve"})

urlpatterns += [
    path("creatives/", creative_list, name="creative-list"),
    path("creatives/uploads/", api.VideoUploadCreateView.as_view(), name="creative-upload-list"),
    path("creatives/uploads/<str:upload_id>", api.VideoUploadDetailView.as_view(), name="creative-upload-detail"),
    path("creatives/<int:pk>/", creative_detail, name="creative-detail"),
]
