"""The seed's root-level TikTok paths: the lead webhook and the instant pages API."""

from django.urls import path

from tiktok_ads.api.instant_pages import InstantPagesView
from tiktok_ads.webhooks import LeadWebhookView

urlpatterns = [
    path("tiktok/webhook", LeadWebhookView.as_view(), name="tiktok-lead-webhook"),
    path("tiktok/instant-pages", InstantPagesView.as_view(), name="tiktok-instant-pages"),
]
