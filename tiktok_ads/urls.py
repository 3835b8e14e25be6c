"""Pages of tiktok_ads."""

from django.urls import path  # noqa: F401

app_name = "tiktok_ads"

urlpatterns = []
