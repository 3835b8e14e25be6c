from django.contrib.auth import views as auth_views
from django.urls import path, re_path

from core import views
from core.health import healthz

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(template_name="registration/login.html", redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("tenants/switch/", views.tenant_switch, name="tenant-switch"),
    path("sync-runs/", views.SyncRunListView.as_view(), name="sync-run-list"),
    path("sync-runs/<int:pk>/", views.SyncRunDetailView.as_view(), name="sync-run-detail"),
    path("sync-runs/<int:pk>/progress/", views.SyncRunProgressView.as_view(), name="sync-run-progress"),
    path("sync-runs/<int:pk>/resume/", views.SyncRunResumeView.as_view(), name="sync-run-resume"),
    path("sync-runs/<int:pk>/cancel/", views.SyncRunCancelView.as_view(), name="sync-run-cancel"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("saved-views/", views.SavedViewListView.as_view(), name="saved-view-list"),
    path("saved-views/new/", views.SavedViewCreateView.as_view(), name="saved-view-create"),
    path("saved-views/<int:pk>/delete/", views.SavedViewDeleteView.as_view(), name="saved-view-delete"),
    path("settings/workspace/", views.TenantSettingsView.as_view(), name="tenant-settings"),
    path("settings/schedules/", views.ScheduleListView.as_view(), name="schedule-list"),
    path("settings/workspace/fx/<int:pk>/delete/", views.FxRateDeleteView.as_view(), name="fx-rate-delete"),
    path("api-calls/", views.ApiCallListView.as_view(), name="api-call-list"),
    re_path(r"^api-calls/export\.(?P<export_format>csv|xlsx)$", views.ApiCallExportView.as_view(), name="api-call-export"),
    path("settings/api-keys/", views.ApiKeyListView.as_view(), name="api-key-list"),
    path("settings/api-keys/<int:pk>/revoke/", views.ApiKeyRevokeView.as_view(), name="api-key-revoke"),
    path("settings/members/", views.MemberListView.as_view(), name="member-list"),
    path("settings/members/<int:pk>/role/", views.MemberRoleView.as_view(), name="member-role"),
    path("settings/members/<int:pk>/remove/", views.MemberRemoveView.as_view(), name="member-remove"),
]
