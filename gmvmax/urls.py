"""Pages of gmvmax."""

from django.urls import path  # noqa: F401

app_name = "gmvmax"

urlpatterns = []
