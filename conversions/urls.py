"""Pages of conversions."""

from django.urls import path  # noqa: F401

app_name = "conversions"

urlpatterns = []
