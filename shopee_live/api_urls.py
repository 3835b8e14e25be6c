"""Shopee Live API routes, mounted at ``/api/`` (names in ``shopee_live-api``): the seed's paths
exactly as written (no trailing slash), plus ``qr-generate``."""

from django.urls import path

from shopee_live import api

app_name = "shopee_live-api"

P = "live-streaming/"

urlpatterns = [
    # QR login
    path(P + "qr-generate", api.QrGenerateView.as_view(), name="qr-generate"),
    path(P + "qr-status", api.QrStatusView.as_view(), name="qr-status"),
    path(P + "qr-login", api.QrLoginView.as_view(), name="qr-login"),
    # Creator
    path(P + "creator/user-info", api.CreatorUserInfoView.as_view(), name="creator-user-info"),
    path(P + "creator/session-list", api.CreatorSessionListView.as_view(), name="creator-session-list"),
    # Sessions
    path(P + "sessions", api.SessionsView.as_view(), name="sessions"),
    path(P + "sessions/sync", api.SessionSyncView.as_view(), name="session-sync"),
    path(P + "sessions/<str:session_id>", api.SessionDetailView.as_view(), name="session-detail"),
    # Promotions, items, campaigns
    path(P + "streaming-promotions", api.StreamingPromotionsView.as_view(), name="streaming-promotions"),
    path(P + "promotions/today", api.PromotionsTodayView.as_view(), name="promotions-today"),
    path(P + "promotions/edit", api.PromotionEditView.as_view(), name="promotion-edit"),
    path(P + "items/promotion", api.ItemPromotionsView.as_view(), name="item-promotions"),
    path(P + "items/promotion/<str:promo_id>", api.ItemPromotionDetailView.as_view(), name="item-promotion-detail"),
    path(P + "campaign/expense-today", api.CampaignExpenseTodayView.as_view(), name="campaign-expense-today"),
    path(P + "ads-data", api.AdsDataView.as_view(), name="ads-data"),
    # Coins
    path(P + "coin/start/<str:session_id>", api.CoinStartView.as_view(), name="coin-start"),
    path(P + "coin/giveout/<str:session_id>", api.CoinGiveoutView.as_view(), name="coin-giveout"),
    path(P + "coin/reward-info/<str:session_id>", api.CoinRewardInfoView.as_view(), name="coin-reward-info"),
    # Live status
    path(P + "shop-status", api.ShopStatusView.as_view(), name="shop-status"),
    # Analytics
    path(P + "analytics", api.AnalyticsView.as_view(), name="analytics"),
    path(P + "analytics/summary", api.AnalyticsSummaryView.as_view(), name="analytics-summary"),
    # Links
    path(P + "share-link/<str:session_id>", api.ShareLinkView.as_view(), name="share-link"),
    path(P + "product-url", api.ProductUrlView.as_view(), name="product-url"),
]
