"""A destination woken later or resumed by an admin, and test sends with the env credentials."""

from __future__ import annotations

import json
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from conversions.clients import destination_breaker
from conversions.models import Delivery, DeliveryStatus, Destination, DestinationState, Event, Platform
from conversions.platforms import adapter_for, breaker_name
from conversions.services.ingest import EVENT_FIELDS, deliveries_enqueue
from core.exceptions import Conflict
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
    return _send_one(_env_destination(platform), event_data, tenant=Tenant(name="test endpoint", slug="-"))


def _send_one(destination: Destination, event_data: dict, *, tenant: Tenant) -> dict:
    """Skip rules, payload, call and answer of one event: the delivery path without the outbox."""
    adapter = adapter_for(destination.platform)
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
    client = adapter.client(destination, tenant=tenant)
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


# --- Destination settings (the in-app pages) -------------------------------------------------

# What an admin edits, per platform (secrets are write-only: blank keeps the stored one).
COMMON_FIELDS = ("name", "mode", "test_event_code", "phone_country_code", "batch_size", "event_mapping")
PLATFORM_FIELDS = {
    Platform.TIKTOK: ("pixel_id", "access_token"),
    Platform.META: ("pixel_id", "access_token"),
    Platform.GOOGLE_ADS: (
        "customer_id",
        "login_customer_id",
        "conversion_action_id",
        "developer_token",
        "oauth_client_id",
        "oauth_client_secret",
        "refresh_token",
    ),
}
SECRET_FIELDS = ("access_token", "developer_token", "oauth_client_secret", "refresh_token")


def destination_save(*, tenant: Tenant, data: dict, destination: Destination | None = None, platform: str = "") -> Destination:
    """Create or update a destination from a settings form. A blank secret keeps the stored one;
    changed credentials of a destination that was waiting for them make it active again and send
    its held deliveries."""
    creating = destination is None
    if creating:
        destination = Destination(tenant=tenant, platform=platform)
    allowed = COMMON_FIELDS + PLATFORM_FIELDS[destination.platform]
    before = _credentials_of(destination)
    for name in allowed:
        if name not in data:
            continue
        value = data[name]
        if name in SECRET_FIELDS and not value:
            continue
        setattr(destination, name, value if value is not None or name == "batch_size" else "")
    credentials_changed = not creating and _credentials_of(destination) != before
    if credentials_changed and destination.platform == Platform.GOOGLE_ADS:
        # The cached access token belongs to the old OAuth client / refresh token.
        destination.oauth_access_token, destination.oauth_access_token_expires_at = "", None
    taken = Conflict(f"A destination named “{destination.name}” already exists.", extra={"fields": {"name": ["Pick another name."]}})
    if Destination.objects.for_tenant(tenant).filter(name=destination.name).exclude(pk=destination.pk).exists():
        raise taken
    try:
        with transaction.atomic():
            destination.save()
    except IntegrityError:
        raise taken from None
    if credentials_changed and destination.state in (DestinationState.NEEDS_TOKEN, DestinationState.MISCONFIGURED):
        destination_resume(destination=destination)
    return destination


def _credentials_of(destination: Destination) -> tuple:
    return tuple(getattr(destination, name) for fields in PLATFORM_FIELDS.values() for name in fields)


def destination_pause(*, destination: Destination) -> int:
    """Paused: nothing is sent; new and open deliveries wait (held) until it is resumed."""
    Destination.objects.for_tenant(destination.tenant_id).filter(pk=destination.pk).update(state=DestinationState.PAUSED, updated_at=timezone.now())
    destination.state = DestinationState.PAUSED
    return Delivery.objects.for_tenant(destination.tenant_id).filter(destination=destination, status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED]).count()


def destination_delete(*, destination: Destination) -> int:
    """Deletes the destination with its deliveries (the events stay); the count of deliveries gone."""
    count = Delivery.objects.for_tenant(destination.tenant_id).filter(destination=destination).count()
    destination.delete()
    return count


TEST_EVENT_NAME = "TRIAL_BOOKED"


def destination_test_send(*, destination: Destination) -> dict:
    """One test event through the destination's own delivery path (its credentials, mapping,
    hashing, client and breaker, with its test event code), stored nowhere; the platform's
    answer as ``{ok, skipped, reason, status, body, requestBody, event_id}``."""
    now = timezone.now().replace(microsecond=0)
    event_data = {
        "event_id": f"test-{uuid.uuid4().hex[:12]}",
        "event_name": TEST_EVENT_NAME,
        "event_time": now,
        "email": "test@example.com",
        "phone": "+14155551234",
        "ttclid": "E.C.P.test-event",
        "ttp": "test-ttp",
        "gclid": "TeSter-test-event-gclid",
        "fbp": f"fb.1.{int(now.timestamp()) * 1000}.1234567890",
        "page_url": "https://example.com/test-event",
        "user_agent": "Mozilla/5.0 (test event)",
        "ip": "203.0.113.10",
    }
    answer = _send_one(destination, event_data, tenant=destination.tenant)
    return {**answer, "event_id": event_data["event_id"]}
