"""Delivery against the sandbox's TikTok Events API, Google Ads and Meta emulators: what they
accepted (their receipts) is exactly what was ingested, once per destination."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from conversions import services
from conversions.models import Delivery, DeliveryStatus, Destination, DestinationState, Platform
from core.tenancy import tenant_scope
from sandbox.models import ConversionReceipt
from tests.conversions.conftest import event_payload, make_destination
from tests.conversions.helpers import delivery_of, ingest

pytestmark = pytest.mark.django_db


@pytest.fixture
def destinations(tenant_a):
    return {
        "tiktok": make_destination(tenant_a, Platform.TIKTOK, batch_size=20),
        "google": make_destination(tenant_a, Platform.GOOGLE_ADS),
        "meta": make_destination(tenant_a, Platform.META),
    }


def receipts(emulator: str) -> Counter:
    return Counter(ConversionReceipt.objects.filter(emulator=emulator).values_list("event_id", flat=True))


def mixed_events(count: int) -> list[dict]:
    names = ["TRIAL_BOOKED", "TRIAL_RESCHEDULED", "APPOINTMENT_UPDATED", "TRIAL_CANCELED"]
    return [
        event_payload(
            n,
            event_name=names[n % 4],
            gclid=f"EAIaIQobChMI{n}" if n % 2 else None,
            fbp=f"fb.1.1700000000000.{n}",
            user_agent="Mozilla/5.0 (X11)",
            ip="203.0.113.9",
            external_id=f"client-{n}",
        )
        for n in range(count)
    ]


def test_every_mapped_event_reaches_every_emulator_once(tenant_a, destinations, sandbox, django_capture_on_commit_callbacks):
    ingest(tenant_a, *mixed_events(120), capture=django_capture_on_commit_callbacks)

    expected = {f"appt-{n}" for n in range(120) if n % 4 != 3}  # TRIAL_CANCELED is not sent
    for emulator in ("tiktok-events", "google-ads", "meta-graph"):
        got = receipts(emulator)
        assert set(got) == expected, emulator
        assert max(got.values()) == 1, emulator
    statuses = Counter(Delivery.objects.for_tenant(tenant_a).values_list("platform", "status"))
    assert statuses == {
        ("TIKTOK", "SENT"): 90,
        ("TIKTOK", "SKIPPED"): 30,
        ("GOOGLE_ADS", "SENT"): 90,
        ("GOOGLE_ADS", "SKIPPED"): 30,
        ("META", "SENT"): 90,
        ("META", "SKIPPED"): 30,
    }
    # TikTok claims 20 rows at a time (120 rows → 6 requests of 15 sent, 5 skipped each).
    assert ConversionReceipt.objects.filter(emulator="tiktok-events").values("request_id").distinct().count() == 6
    names = set(ConversionReceipt.objects.filter(emulator="tiktok-events").values_list("event_name", flat=True))
    assert names == {"SubmitForm", "Schedule"}


def test_revoked_tiktok_token_holds_until_the_destination_is_fixed(tenant_a, destinations, sandbox, django_capture_on_commit_callbacks):
    tiktok = destinations["tiktok"]
    sandbox.set_options("tiktok-events", revoked_tokens=[tiktok.access_token])
    ingest(tenant_a, *mixed_events(8), capture=django_capture_on_commit_callbacks)
    stored = Destination.objects.for_tenant(tenant_a).get(pk=tiktok.pk)
    assert stored.state == DestinationState.NEEDS_TOKEN
    assert stored.last_error == "TikTok 40105: Access token is invalid or has expired."
    assert receipts("tiktok-events") == Counter()
    assert len(receipts("meta-graph")) == 6  # the others are unaffected

    stored.access_token = "tt-token-rotated"
    stored.save()
    with tenant_scope(tenant_a), django_capture_on_commit_callbacks(execute=True):
        services.destination_resume(destination=stored)
    assert set(receipts("tiktok-events")) == {f"appt-{n}" for n in range(8) if n % 4 != 3}


def test_google_ads_token_expiry_is_refreshed_and_resends_are_deduplicated(
    tenant_a, destinations, sandbox, django_capture_on_commit_callbacks
):
    google = destinations["google"]
    ingest(tenant_a, event_payload(1, gclid="EAIaIQobChMIa"), capture=django_capture_on_commit_callbacks)
    assert Client().post("/sandbox/_control/google-oauth/tokens/expire", data={}, content_type="application/json").status_code == 200
    ingest(tenant_a, event_payload(2, gclid="EAIaIQobChMIb"), capture=django_capture_on_commit_callbacks)
    assert set(receipts("google-ads")) == {"appt-1", "appt-2"}
    assert delivery_of(google, "appt-2").status == DeliveryStatus.SENT

    # A resend of an accepted event (a crashed worker) is refused by Google as already used:
    # the delivery counts as sent, and nothing is recorded twice.
    with tenant_scope(tenant_a), django_capture_on_commit_callbacks(execute=True):
        Delivery.objects.for_tenant(tenant_a).filter(destination=google).update(status=DeliveryStatus.PENDING)
        services.deliveries_enqueue(tenant_id=tenant_a.pk, destination_ids=[google.pk])
    again = delivery_of(google, "appt-1")
    assert again.status == DeliveryStatus.SENT
    assert "ORDER_ID_ALREADY_IN_USE" in again.reason
    assert receipts("google-ads") == Counter({"appt-1": 1, "appt-2": 1})


def test_meta_old_event_is_skipped_and_the_batch_goes_through(tenant_a, destinations, sandbox, django_capture_on_commit_callbacks):
    old = (timezone.now() - timedelta(days=8)).isoformat()
    ingest(tenant_a, event_payload(1, event_time=old), event_payload(2), event_payload(3), capture=django_capture_on_commit_callbacks)
    assert set(receipts("meta-graph")) == {"appt-2", "appt-3"}
    assert delivery_of(destinations["meta"], "appt-1").status == DeliveryStatus.SKIPPED


def test_system_error_fault_retries_later_without_losing_the_event(tenant_a, destinations, sandbox, django_capture_on_commit_callbacks):
    tiktok = destinations["tiktok"]
    sandbox.set_faults("tiktok-events", status=500, times=1)
    ingest(tenant_a, event_payload(1), capture=django_capture_on_commit_callbacks)
    failed = delivery_of(tiktok, "appt-1")
    assert failed.status == DeliveryStatus.FAILED
    assert failed.reason == "TikTok 50000: System error."
    Delivery.objects.for_tenant(tenant_a).filter(pk=failed.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=61))
    with django_capture_on_commit_callbacks(execute=True):
        services.deliveries_sweep()
    assert delivery_of(tiktok, "appt-1").status == DeliveryStatus.SENT
    assert receipts("tiktok-events") == Counter({"appt-1": 1})
