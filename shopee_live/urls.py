"""Shopee Live pages, mounted at ``/live/`` (names in the ``shopee_live`` namespace)."""

from django.urls import path

from shopee_live.views import accounts, analytics, imports, live, promotions, sessions

app_name = "shopee_live"

urlpatterns = [
    path("", live.LiveNowView.as_view(), name="live"),
    path("partials/live-cards/", live.LiveCardsView.as_view(), name="live-cards"),
    path("sessions/", sessions.SessionListView.as_view(), name="sessions"),
    path("sessions/import/", imports.SessionImportView.as_view(), name="session-import"),
    path("sessions/import/<int:pk>/", imports.SessionImportDetailView.as_view(), name="session-import-detail"),
    path("sessions/<int:pk>/", sessions.SessionDetailView.as_view(), name="session-detail"),
    path("sessions/<int:pk>/coins/", sessions.SessionCoinsRefreshView.as_view(), name="session-coins"),
    path("analytics/", analytics.AnalyticsView.as_view(), name="analytics"),
    path("promotions/", promotions.PromotionsView.as_view(), name="promotions"),
    path("promotions/<int:account_pk>/edit/", promotions.PromotionEditView.as_view(), name="promotion-edit"),
    path("accounts/", accounts.AccountsView.as_view(), name="accounts"),
    path("accounts/studios/", accounts.StudioCreateView.as_view(), name="studio-create"),
    path("accounts/studios/<int:pk>/rename/", accounts.StudioRenameView.as_view(), name="studio-rename"),
    path("accounts/oauth/start/", accounts.OAuthStartView.as_view(), name="oauth-start"),
    path("accounts/oauth/callback/", accounts.OAuthCallbackView.as_view(), name="oauth-callback"),
    path("accounts/qr/", accounts.QrLoginView.as_view(), name="qr-login"),
    path("accounts/qr/<int:pk>/", accounts.QrLoginDetailView.as_view(), name="qr-login-detail"),
    path("accounts/qr/<int:pk>/status/", accounts.QrLoginStatusView.as_view(), name="qr-login-status"),
]
