"""GMV Max API routes, mounted at ``/api/``: the seed's paths exactly as written (no trailing slash)."""

from django.urls import path

from gmvmax import api

app_name = "gmvmax-api"

urlpatterns = [
    path("tiktok/gmv-max", api.CampaignsView.as_view(), name="campaigns"),
    path("tiktok/gmv-max/rooms", api.RoomsView.as_view(), name="rooms"),
    path("tiktok/gmv-max/backfills/<int:pk>", api.BackfillView.as_view(), name="backfill"),
]
