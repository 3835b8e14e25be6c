"""Autopilot API routes, mounted at ``/api/`` (namespace ``autopilot-api``): the seed's paths as written."""

from django.urls import re_path

from autopilot.api import brain, history, roi

app_name = "autopilot-api"

urlpatterns = [
    re_path(r"^brain/run-tiktok/?$", brain.RunTikTokView.as_view(), name="run-tiktok"),
    re_path(r"^brain/runs/(?P<pk>[0-9]+)/?$", brain.RunView.as_view(), name="run"),
    re_path(r"^autopilot/executions/?$", history.ExecutionsView.as_view(), name="executions"),
    re_path(r"^autopilot/reports/?$", history.ReportsView.as_view(), name="reports"),
    re_path(r"^roi/?$", roi.RoiView.as_view(), name="roi"),
]
