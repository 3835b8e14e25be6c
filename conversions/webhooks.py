"""The booking webhook, ``POST /api/conversions/webhooks/bookings?source=<source uuid>`` (the URL
an admin gives the booking system; the source may come in ``X-Booking-Source`` instead).

Signed ``X-Booking-Signature: t=<unix>,v1=<hex>`` with the source's secret over ``f"{t}.{body}"``;
``X-Booking-Delivery`` names the delivery (replays answer 200 and store nothing). Refusals use
``core.webhooks``'s one error body."""

from __future__ import annotations

from conversions import services
from core.webhooks import WebhookView


class BookingWebhookView(WebhookView):
    def receive(self, request) -> dict:
        result = services.booking_webhook_receive(
            public_id=request.GET.get("source") or request.headers.get(services.SOURCE_HEADER, ""),
            body=request.body,
            signature=request.headers.get(services.SIGNATURE_HEADER, ""),
            delivery_id=request.headers.get(services.DELIVERY_HEADER, ""),
        )
        return {"ok": True, "duplicate": result.duplicate, "event_id": result.event_id}
