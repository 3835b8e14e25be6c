"""TikTok Ads pages, mounted at ``/ads/`` (names in the ``tiktok_ads`` namespace)."""

from django.urls import path, re_path

from tiktok_ads import views

app_name = "tiktok_ads"

urlpatterns = [
    path("", views.AdvertiserListView.as_view(), name="advertisers"),
    path("creatives/", views.CreativeListView.as_view(), name="creatives"),
    path("connect/", views.ConnectView.as_view(), name="connect"),
    path("oauth/callback/", views.OAuthCallbackView.as_view(), name="oauth-callback"),
    path("connections/<int:pk>/refresh/", views.ConnectionRefreshView.as_view(), name="connection-refresh"),
    path("connections/<int:pk>/disconnect/", views.ConnectionDisconnectView.as_view(), name="connection-disconnect"),
    path("ad-accounts/new/", views.AdAccountCreateView.as_view(), name="ad-account-new"),
    path("settings/", views.TikTokSettingsView.as_view(), name="settings"),
    path("directions/", views.DirectionListView.as_view(), name="directions"),
    path("directions/new/", views.DirectionCreateView.as_view(), name="direction-new"),
    path("directions/budget-check/", views.DirectionBudgetCheckView.as_view(), name="direction-budget-check"),
    path("directions/<int:pk>/", views.DirectionEditView.as_view(), name="direction-edit"),
    path("directions/<int:pk>/delete/", views.DirectionDeleteView.as_view(), name="direction-delete"),
    path("actions/", views.ActionLogView.as_view(), name="actions"),
    path("campaign-builder/", views.CampaignBuilderView.as_view(), name="campaign-builder"),
    path("campaign-builder/budget-check/", views.BudgetCheckView.as_view(), name="budget-check"),
    path("campaign-builder/launches/<int:pk>/", views.LaunchProgressView.as_view(), name="launch-progress"),
    path("campaign-builder/launches/<int:pk>/resume/", views.LaunchResumePageView.as_view(), name="launch-resume"),
    path("campaigns/", views.CampaignListView.as_view(), name="campaigns"),
    path("campaigns/<int:pk>/status/", views.CampaignStatusPageView.as_view(), name="campaign-status"),
    path("leads/", views.LeadListView.as_view(), name="leads"),
    re_path(r"^leads/export\.(?P<export_format>csv|xlsx)$", views.LeadExportView.as_view(), name="leads-export"),
    path("leads/subscribe/<int:pk>/", views.LeadSubscribeView.as_view(), name="leads-subscribe"),
]
