from django.contrib.auth import views as auth_views
from django.urls import path

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
]
