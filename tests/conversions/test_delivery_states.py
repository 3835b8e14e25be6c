"""What a delivery really is, in words: a PENDING row is queued, held by its destination or
waiting for a retry; FAILED is retrying; DEAD failed for good; SKIPPED says why. The events page
shows exactly these chips, in the tenant's zone."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from conversions.models import Delivery, DeliveryStatus, Destination, DestinationState
from conversions.selectors import delivery_state
from core.models import Role
from core.tenancy import tenant_scope
from tests.conversions.conftest import event_payload, make_destination
from tests.conversions.helpers import event, ingest

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 4, 6, 0, tzinfo=UTC)  # 13:00 in Jakarta


@pytest.fixture
def jakarta(tenant_a):
    tenant_a.time_zone = "Asia/Jakarta"
    tenant_a.save(update_fields=["time_zone"])
    return tenant_a


def row(destination, status, **fields) -> Delivery:
    return Delivery(destination=destination, platform=destination.platform, status=status, **fields)


def words(delivery, **kwargs) -> tuple[str, str, str]:
    state = delivery_state(delivery, now=NOW, **kwargs)
    return state.code, state.text, state.tone


@pytest.mark.parametrize(
    ("status", "fields", "expected"),
    [
        (DeliveryStatus.SENT, {"sent_at": NOW - timedelta(minutes=5)}, ("SENT", "Sent", "sent")),
        (DeliveryStatus.SENDING, {}, ("SENDING", "Sending", "running")),
        (DeliveryStatus.PENDING, {}, ("QUEUED", "Queued", "processing")),
        (DeliveryStatus.FAILED, {"reason": "TikTok 50000: system error", "next_attempt_at": NOW + timedelta(minutes=5)}, ("RETRYING", "Retrying at 13:05", "retrying")),
        (DeliveryStatus.FAILED, {"reason": "HTTP 503", "next_attempt_at": NOW - timedelta(seconds=1)}, ("RETRYING", "Retrying now", "retrying")),
        (DeliveryStatus.FAILED, {"reason": "HTTP 503", "next_attempt_at": NOW + timedelta(days=1)}, ("RETRYING", "Retrying at 5 Dec, 13:00", "retrying")),
        (DeliveryStatus.PENDING, {"reason": "Held: circuit open", "next_attempt_at": NOW + timedelta(seconds=60)}, ("RETRYING", "Retrying at 13:01", "retrying")),
        (DeliveryStatus.DEAD, {"reason": "Meta 100: Invalid parameter"}, ("FAILED", "Failed: Meta 100: Invalid parameter", "failed")),
        (DeliveryStatus.DEAD, {"reason": "Gave up after 12 attempts: TikTok 50000: the system is busy"}, ("FAILED", "Failed: Gave up after 12 attempts: TikTok 50000…", "failed")),
        (DeliveryStatus.SKIPPED, {"reason": "TIKTOK mock mode"}, ("SKIPPED", "Skipped: mock mode", "skipped")),
        (DeliveryStatus.SKIPPED, {"reason": "Missing env: TIKTOK_PIXEL_ID, TIKTOK_ACCESS_TOKEN"}, ("SKIPPED", "Skipped: missing credentials", "skipped")),
        (DeliveryStatus.SKIPPED, {"reason": "No TikTok event mapping for: TRIAL_CANCELED"}, ("SKIPPED", "Skipped: event not mapped", "skipped")),
        (DeliveryStatus.SKIPPED, {"reason": "Missing ttclid/ttp and user identifiers (email/phone)"}, ("SKIPPED", "Skipped: no click id, email or phone", "skipped")),
        (DeliveryStatus.SKIPPED, {"reason": "Event older than 7 days: Meta rejects an event_time more than 7 days in the past"}, ("SKIPPED", "Skipped: older than 7 days", "skipped")),
    ],
)
def test_each_delivery_state_reads_as_what_it_is(jakarta, status, fields, expected):
    destination = make_destination(jakarta, "TIKTOK")
    with tenant_scope(jakarta):
        assert words(row(destination, status, **fields)) == expected


@pytest.mark.parametrize(
    ("state", "text"),
    [
        (DestinationState.PAUSED, "Held — destination paused"),
        (DestinationState.NEEDS_TOKEN, "Held — destination needs a new token"),
        (DestinationState.MISCONFIGURED, "Held — destination misconfigured"),
    ],
)
def test_held_deliveries_name_what_holds_them(jakarta, state, text):
    destination = make_destination(jakarta, "META", state=state)
    with tenant_scope(jakarta):
        for status in (DeliveryStatus.PENDING, DeliveryStatus.FAILED):
            held = row(destination, status, reason="Held: destination needs a new token (Meta 190)")
            assert words(held) == ("HELD", text, "held")
        # Resumed: the same row is simply queued again.
        assert words(row(destination, DeliveryStatus.PENDING), destination_state=DestinationState.ACTIVE) == ("QUEUED", "Queued", "processing")


def test_events_page_shows_the_exact_chips(jakarta, platforms, web_client_for, django_capture_on_commit_callbacks):
    tiktok = make_destination(jakarta, "TIKTOK")
    meta = make_destination(jakarta, "META", state=DestinationState.PAUSED)
    ingest(jakarta, event_payload(1), capture=django_capture_on_commit_callbacks)
    with tenant_scope(jakarta):
        Destination.objects.for_tenant(jakarta).filter(pk=meta.pk).update(state=DestinationState.PAUSED)
        later = make_destination(jakarta, "GOOGLE_ADS")  # added after the event: no delivery
    client, _ = web_client_for(jakarta, Role.VIEWER)
    html = client.get("/conversions/").content.decode()
    first = event(jakarta, "appt-1")
    row_html = html.split(f'id="event-{first.pk}"')[1].split("</tr>")[0]
    chips = re.findall(r'class="(chip chip-\w+) delivery-chip" data-destination="(\d+)" data-state="(\w+)"[^>]*><span class="chip-dest">(.*?)</span>(.*?)</span>', row_html)
    assert chips == [
        ("chip chip-neutral", str(later.pk), "NONE", "Google Ads", " · not sent"),
        ("chip chip-warn", str(meta.pk), "HELD", "Meta", " · Held — destination paused"),
        ("chip chip-ok", str(tiktok.pk), "SENT", "TikTok", " · Sent"),
    ]

    # Retrying: the time is the tenant's (Jakarta, UTC+7), named on the page.
    retry_at = timezone.now().replace(second=0, microsecond=0) + timedelta(minutes=30)
    with tenant_scope(jakarta):
        Delivery.objects.for_tenant(jakarta).filter(destination=tiktok).update(status=DeliveryStatus.FAILED, next_attempt_at=retry_at, reason="HTTP 503")
    html = client.get("/conversions/").content.decode()
    local = retry_at.astimezone(ZoneInfo("Asia/Jakarta"))
    same_day = local.date() == timezone.now().astimezone(local.tzinfo).date()
    expected = f"Retrying at {local:%H:%M}" if same_day else f"Retrying at {local.day} {local:%b}, {local:%H:%M}"
    assert f'<span class="chip-dest">TikTok</span> · {expected}</span>' in html
    assert "Asia/Jakarta (UTC+07:00)" in html


def test_event_detail_explains_each_delivery_and_copies_the_id(jakarta, platforms, web_client_for, django_capture_on_commit_callbacks):
    make_destination(jakarta, "TIKTOK")
    ingest(jakarta, event_payload(1), event_payload(2, event_name="TRIAL_CANCELED"), capture=django_capture_on_commit_callbacks)
    client, _ = web_client_for(jakarta, Role.VIEWER)
    html = client.get(f"/conversions/events/{event(jakarta, 'appt-1').pk}/").content.decode()
    assert 'data-copy="appt-1"' in html
    assert "Accepted by the platform at" in html
    html = client.get(f"/conversions/events/{event(jakarta, 'appt-2').pk}/").content.decode()
    assert '<span class="chip chip-warn" data-state="SKIPPED">Skipped: event not mapped</span>' in html
    assert "Not sent: No TikTok event mapping for: TRIAL_CANCELED." in html
