"""API routes of conversions, mounted at /api/ (names in ``conversions-api``).

The seed's test endpoints keep their paths (``/api/test/<platform>``, no trailing slash)."""

from django.urls import path

from conversions import api, webhooks

app_name = "conversions-api"

urlpatterns = [
    path("conversions/events", api.EventListView.as_view(), name="events"),
    path("conversions/events/<int:pk>", api.EventDetailView.as_view(), name="event-detail"),
    path("conversions/deliveries/replay", api.DeliveryReplayView.as_view(), name="deliveries-replay"),
    path("conversions/webhooks/bookings", webhooks.BookingWebhookView.as_view(), name="booking-webhook"),
    path("test/tiktok", api.TikTokTestView.as_view(), name="test-tiktok"),
    path("test/google-ads", api.GoogleAdsTestView.as_view(), name="test-google-ads"),
    path("test/meta", api.MetaTestView.as_view(), name="test-meta"),
]
