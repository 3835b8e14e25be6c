"""Demo data: three destinations pointed at the sandbox, a booking webhook source, and a few
days of events (delivered by the worker like any others)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from conversions.models import Destination, EventSource, InboundSource, Platform
from conversions.services import events_ingest
from core.tenancy import tenant_scope

DEMO_SOURCE_SECRET = "whsec_demo_booking_secret"


def demo_seed(tenant) -> None:
    with tenant_scope(tenant):
        slug = tenant.slug.upper().replace("-", "")[:10]
        Destination.objects.get_or_create(
            tenant=tenant,
            name="TikTok pixel",
            defaults={"platform": Platform.TIKTOK, "pixel_id": f"C{slug}PIXEL", "access_token": f"tt-events-{tenant.slug}"},
        )
        Destination.objects.get_or_create(
            tenant=tenant,
            name="Google Ads",
            defaults={
                "platform": Platform.GOOGLE_ADS,
                "customer_id": "1234567890",
                "conversion_action_id": "987654321",
                "developer_token": "sandbox-developer-token",
                "oauth_client_id": "sandbox-client.apps.googleusercontent.com",
                "oauth_client_secret": "sandbox-client-secret",
                "refresh_token": f"1//sandbox-refresh-{tenant.slug}",
            },
        )
        Destination.objects.get_or_create(
            tenant=tenant,
            name="Meta pixel",
            defaults={"platform": Platform.META, "pixel_id": "1234567890123456", "access_token": f"EAAsandbox{tenant.slug}"},
        )
        InboundSource.objects.get_or_create(tenant=tenant, name="Booking system", defaults={"secret": DEMO_SOURCE_SECRET})
        now = timezone.now()
        names = ["TRIAL_BOOKED", "TRIAL_BOOKED", "APPOINTMENT_UPDATED", "TRIAL_RESCHEDULED", "TRIAL_CANCELED", "TRIAL_BOOKED"]
        events = []
        for n in range(30):
            name = names[n % len(names)]
            events.append(
                {
                    "event_id": f"demo-{tenant.slug}-{n:04d}",
                    "event_name": name,
                    "event_time": now - timedelta(hours=5 * n + 1),
                    "email": f"client{n}@example.com",
                    "phone": f"+1415555{n:04d}",
                    "ttclid": f"E.C.P.demo{n}" if n % 2 else "",
                    "gclid": f"EAIaIQobChMIdemo{n}" if n % 3 == 0 else "",
                    "fbp": f"fb.1.1700000000000.{n}" if n % 4 == 0 else "",
                    "page_url": "https://academy.example.com/schedule",
                    "value": "50.00",
                    "currency": "USD",
                }
            )
        events_ingest(tenant=tenant, events=events, source=EventSource.DEMO)
