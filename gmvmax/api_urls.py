"""API routes of gmvmax, mounted at /api/."""

from django.urls import path  # noqa: F401

app_name = "gmvmax-api"

urlpatterns = []
