"""A destination woken later or resumed by an admin, and test sends with the env credentials."""

from __future__ import annotations

import json

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from conversions.clients import destination_breaker
from conversions.models import Delivery, DeliveryStatus, Destination, DestinationState, Event, Platform
from conversions.platforms import adapter_for, breaker_name
from conversions.services.ingest import EVENT_FIELDS, deliveries_enqueue
from core.http import UpstreamError
from core.models import Tenant


def destination_wake_later(*, destination_id: int, tenant_id: int, seconds: float) -> bool:
    """Schedule one delayed delivery run; concurrent runs asking for the same wake share it."""
    # Longer waits are the sweeper's: a countdown that long would outlive the broker's visibility timeout.
    seconds = min(max(1, int(seconds + 0.999)), 300)
    if not cache.add(f"conversions:wake:{destination_id}", 1, timeout=seconds):
        return False
    deliveries_enqueue(tenant_id=tenant_id, destination_ids=[destination_id], countdown=seconds)
    return True


def destination_resume(*, destination: Destination) -> int:
    """An admin fixed the destination: active again, breaker closed, held deliveries due now."""
    now = timezone.now()
    with transaction.atomic():
        Destination.objects.for_tenant(destination.tenant_id).filter(pk=destination.pk).update(
            state=DestinationState.ACTIVE, updated_at=now
        )
        destination.state = DestinationState.ACTIVE
        resumed = (
            Delivery.objects.for_tenant(destination.tenant_id)
            .filter(destination=destination, status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED])
            .update(next_attempt_at=None, updated_at=now)
        )
        transaction.on_commit(lambda: deliveries_enqueue(tenant_id=destination.tenant_id, destination_ids=[destination.pk]))
    destination_breaker(breaker_name(destination)).close()
    return resumed


# --- Test endpoints (the seed's /api/test/<platform>) -------------------------------------------


def _env_destination(platform: str) -> Destination:
    """A destination built from the seed's environment variables (never saved)."""
    if platform == Platform.TIKTOK:
        return Destination(
            platform=platform,
            name="env",
            pixel_id=settings.TIKTOK_PIXEL_ID,
            access_token=settings.TIKTOK_ACCESS_TOKEN,
            test_event_code=settings.TIKTOK_TEST_EVENT_CODE,
        )
    if platform == Platform.GOOGLE_ADS:
        return Destination(
            platform=platform,
            name="env",
            customer_id=settings.GOOGLE_ADS_CUSTOMER_ID,
            login_customer_id=settings.GOOGLE_ADS_LOGIN_CUSTOMER_ID,
            conversion_action_id=settings.GOOGLE_ADS_CONVERSION_ACTION_ID,
            developer_token=settings.GOOGLE_ADS_DEVELOPER_TOKEN,
            oauth_client_id=settings.GOOGLE_ADS_CLIENT_ID,
            oauth_client_secret=settings.GOOGLE_ADS_CLIENT_SECRET,
            refresh_token=settings.GOOGLE_ADS_REFRESH_TOKEN,
        )
    return Destination(
        platform=platform,
        name="env",
        pixel_id=settings.META_PIXEL_ID,
        access_token=settings.META_ACCESS_TOKEN,
        test_event_code=settings.META_TEST_EVENT_CODE,
    )


def test_event_send(*, platform: str, event_data: dict) -> dict:
    """Send one event with the env credentials; the seed's answer ``{ok, status, body, requestBody}``
    (plus ``skipped``/``reason`` when the seed's rules skip it). Nothing is stored."""
    destination = _env_destination(platform)
    adapter = adapter_for(platform)
    event = Event(
        event_id=event_data["event_id"],
        name=event_data["event_name"],
        event_time=event_data["event_time"],
        value=event_data.get("value"),
        **{name: event_data.get(name) or "" for name in EVENT_FIELDS},
    )
    reason = adapter.skip_reason(destination, event)
    if reason:
        return {"ok": False, "skipped": True, "reason": reason, "status": None, "body": None, "requestBody": None}
    body = adapter.build_body(destination, [adapter.build_item(destination, event)])
    request_body = json.dumps(body, separators=(",", ":"))
    client = adapter.client(destination, tenant=Tenant(name="test endpoint", slug="-"))
    try:
        payload = adapter.send(client, body)
    except UpstreamError as error:
        response = json.dumps({"error": error.message, "code": error.code}, separators=(",", ":"), default=str)
        return {"ok": False, "status": error.status, "body": response, "requestBody": request_body}
    finally:
        client.close()
    status = client.last_call.status_code if client.last_call else 200
    results = adapter.row_results(payload, 1)
    return {
        "ok": results[0].status == "sent",
        "status": status,
        "body": json.dumps(payload, separators=(",", ":")),
        "requestBody": request_body,
    }
