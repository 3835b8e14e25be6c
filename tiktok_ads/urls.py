"""TikTok Ads pages, mounted at ``/ads/`` (names in the ``tiktok_ads`` namespace)."""

from django.urls import path, re_path

from tiktok_ads import views

app_name = "tiktok_ads"

urlpatterns = [
    path("", views.AdvertiserListView.as_view(), name="advertisers"),
    path("connect/", views.ConnectView.as_view(), name="connect"),
    path("oauth/callback/", views.OAuthCallbackView.as_view(), name="oauth-callback"),
    path("connections/<int:pk>/refresh/", views.ConnectionRefreshView.as_view(), name="connection-refresh"),
    path("connections/<int:pk>/disconnect/", views.ConnectionDisconnectView.as_view(), name="connection-disconnect"),
    path("leads/", views.LeadListView.as_view(), name="leads"),
    re_path(r"^leads/export\.(?P<export_format>csv|xlsx)$", views.LeadExportView.as_view(), name="leads-export"),
    path("leads/subscribe/<int:pk>/", views.LeadSubscribeView.as_view(), name="leads-subscribe"),
]
