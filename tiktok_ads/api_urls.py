"""API routes of tiktok_ads, mounted at /api/."""

from django.urls import path  # noqa: F401

app_name = "tiktok_ads-api"

urlpatterns = []
