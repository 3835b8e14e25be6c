"""Autopilot pages, mounted at ``/autopilot/`` (namespace ``autopilot``)."""

from django.urls import path

from autopilot.views import alerts, roi, runs, settings

app_name = "autopilot"

urlpatterns = [
    # Brain runs: explained scores, proposed and executed actions (runs work).
    path("", runs.RunsView.as_view(), name="runs"),
    path("runs/start/", runs.RunStartView.as_view(), name="run-start"),
    path("runs/<int:pk>/", runs.RunDetailView.as_view(), name="run"),
    path("runs/<int:pk>/body/", runs.RunBodyView.as_view(), name="run-body"),
    # ROI analytics and the dashboard with Instagram/TikTok tabs (ROI work).
    path("roi/", roi.RoiView.as_view(), name="roi"),
    path("dashboard/", roi.DashboardView.as_view(), name="dashboard"),
    # Alert rules, their history and where notifications go (notifications work).
    path("alerts/", alerts.AlertsView.as_view(), name="alerts"),
    # Daily-run schedules and TikTok direction limits (brain-runs work).
    path("settings/", settings.SettingsView.as_view(), name="settings"),
    path("alerts/new/", alerts.AlertRuleCreateView.as_view(), name="alert-create"),
    path("alerts/<int:pk>/", alerts.AlertRuleDetailView.as_view(), name="alert-rule"),
    path("alerts/<int:pk>/edit/", alerts.AlertRuleEditView.as_view(), name="alert-edit"),
    path("alerts/<int:pk>/delete/", alerts.AlertRuleDeleteView.as_view(), name="alert-delete"),
    path("notifications/", alerts.NotificationSettingsView.as_view(), name="notifications"),
    path("notifications/test/", alerts.NotificationTestView.as_view(), name="notification-test"),
]
