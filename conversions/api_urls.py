"""API routes of conversions, mounted at /api/."""

from django.urls import path  # noqa: F401

app_name = "conversions-api"

urlpatterns = []
