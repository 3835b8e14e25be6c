"""Autopilot pages, mounted at ``/autopilot/`` (namespace ``autopilot``)."""

from django.urls import path

from autopilot.views import alerts, roi, runs

app_name = "autopilot"

urlpatterns = [
    # Brain runs: explained scores, proposed and executed actions (runs work).
    path("", runs.RunsView.as_view(), name="runs"),
    path("runs/<int:pk>/", runs.RunDetailView.as_view(), name="run"),
    # ROI analytics and the dashboard with Instagram/TikTok tabs (ROI work).
    path("roi/", roi.RoiView.as_view(), name="roi"),
    path("dashboard/", roi.DashboardView.as_view(), name="dashboard"),
    # Alert rules, their history and where notifications go (notifications work).
    path("alerts/", alerts.AlertsView.as_view(), name="alerts"),
]
