"""Admin: masked credentials, fixing a destination resumes its held deliveries; demo data."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from conversions.apps import ConversionsConfig
from conversions.models import Delivery, DeliveryStatus, Destination, Event, InboundSource
from tests.conversions.conftest import event_payload
from tests.conversions.helpers import delivery_of, ingest

pytestmark = pytest.mark.django_db


def superuser_client(client):
    user = get_user_model().objects.create_superuser(username="operator", email="op@example.com", password="pass-word-123")
    client.force_login(user)
    return client


def test_destination_admin_never_shows_credentials(client, tiktok_a, google_a):
    client = superuser_client(client)
    for url in (
        "/admin/conversions/destination/",
        f"/admin/conversions/destination/{tiktok_a.pk}/change/",
        f"/admin/conversions/destination/{google_a.pk}/change/",
    ):
        page = client.get(url)
        assert page.status_code == 200
        for secret in (b"tt-token-123", b"refresh-1", b"client-secret-1", b"dev-token-1"):
            assert secret not in page.content


def test_event_admin_masks_identifiers(client, tenant_a, tiktok_a):
    ingest(tenant_a, event_payload(1))
    event = Event.objects.for_tenant(tenant_a).get()
    page = superuser_client(client).get(f"/admin/conversions/event/{event.pk}/change/")
    assert page.status_code == 200
    assert b"U***@Example.com" in page.content
    assert b"User1@Example.com" not in page.content


def test_saving_a_fixed_destination_as_active_resumes_it(client, tenant_a, tiktok_a, platforms, django_capture_on_commit_callbacks):
    platforms.answers["tiktok"] = [(200, {"code": 40105, "message": "Access token is invalid or has expired.", "data": {}})]
    ingest(tenant_a, event_payload(1), capture=django_capture_on_commit_callbacks)
    assert Destination.objects.for_tenant(tenant_a).get(pk=tiktok_a.pk).state == "needs_token"
    platforms.answers["tiktok"] = [(200, {"code": 0, "message": "OK", "data": {}})]
    client = superuser_client(client)
    form = {
        "tenant": tenant_a.pk,
        "platform": "TIKTOK",
        "name": "TikTok",
        "state": "active",
        "mode": "live",
        "pixel_id": "CPIXEL123",
        "access_token": "tt-token-fresh",
        "event_mapping": "{}",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/conversions/destination/{tiktok_a.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert delivery_of(tiktok_a, "appt-1").status == DeliveryStatus.SENT
    assert platforms.headers["tiktok"][-1]["Access-Token"] == "tt-token-fresh"


def test_delivery_admin_replay_action(client, tenant_a, tiktok_a, platforms, django_capture_on_commit_callbacks):
    platforms.answers["tiktok"] = [(200, {"code": 40000, "message": "Invalid parameter", "data": {}})]
    ingest(tenant_a, event_payload(1), capture=django_capture_on_commit_callbacks)
    dead = delivery_of(tiktok_a, "appt-1")
    platforms.answers["tiktok"] = [(200, {"code": 0, "message": "OK", "data": {}})]
    with django_capture_on_commit_callbacks(execute=True):
        response = superuser_client(client).post("/admin/conversions/delivery/", {"action": "replay", "_selected_action": [dead.pk]})
    assert response.status_code == 302
    assert delivery_of(tiktok_a, "appt-1").status == DeliveryStatus.SENT


def test_demo_seed_creates_destinations_a_source_and_events(tenant_a):
    ConversionsConfig.demo_seed(None, tenant_a)
    assert sorted(Destination.objects.for_tenant(tenant_a).values_list("platform", flat=True)) == ["GOOGLE_ADS", "META", "TIKTOK"]
    assert InboundSource.objects.for_tenant(tenant_a).count() == 1
    assert Event.objects.for_tenant(tenant_a).count() == 30
    assert Delivery.objects.for_tenant(tenant_a).filter(status=DeliveryStatus.PENDING).count() == 90
    ConversionsConfig.demo_seed(None, tenant_a)  # a second run adds nothing
    assert Event.objects.for_tenant(tenant_a).count() == 30
