"""Destination settings in the app: per-platform forms (secrets write-only, masked, encrypted),
pause/resume/delete, the event mapping, role checks, another tenant's destination a 404, and
"Send test event" through the destination's own delivery path against the sandbox."""

from __future__ import annotations

import pytest
from django.db import connection

from conversions.models import Delivery, DeliveryStatus, Destination, DestinationState, Platform
from core.models import Role
from core.tenancy import tenant_scope
from sandbox.models import ConversionReceipt
from tests.conversions.conftest import event_payload, make_destination
from tests.conversions.helpers import ingest

pytestmark = pytest.mark.django_db


def stored(tenant, pk) -> Destination:
    with tenant_scope(tenant):
        return Destination.objects.for_tenant(tenant).get(pk=pk)


def test_admin_adds_a_tiktok_destination_with_a_write_only_token(tenant_a, web_client_for):
    admin, _ = web_client_for(tenant_a, Role.ADMIN)
    form = admin.get("/conversions/settings/new/", {"platform": "TIKTOK"})
    assert form.status_code == 200
    html = form.content.decode()
    assert "Pixel code" in html and "Events API access token" in html and "Customer id" not in html
    response = admin.post(
        "/conversions/settings/new/",
        {"platform": "TIKTOK", "name": "Shop pixel", "mode": "live", "pixel_id": "CPIX1", "access_token": "tt-secret-9876", "map_TRIAL_BOOKED": "CompleteRegistration", "map_APPOINTMENT_UPDATED": "-"},
    )
    assert response.status_code == 302
    destination = Destination.objects.for_tenant(tenant_a).get(name="Shop pixel")
    assert (destination.platform, destination.pixel_id, destination.access_token) == ("TIKTOK", "CPIX1", "tt-secret-9876")
    assert destination.event_mapping == {"TRIAL_BOOKED": "CompleteRegistration", "APPOINTMENT_UPDATED": ""}
    with connection.cursor() as cursor:  # encrypted at rest
        cursor.execute("SELECT access_token FROM conversions_destination WHERE id = %s", [destination.pk])
        assert "tt-secret-9876" not in cursor.fetchone()[0]

    page = admin.get(response["Location"]).content.decode()
    assert "tt-secret-9876" not in page
    assert "Stored: ••••••••9876. Leave blank to keep it." in page
    assert 'value="CompleteRegistration"' in page and 'name="map_APPOINTMENT_UPDATED" value="-"' in page.replace('maxlength="100" ', "")

    # A blank token keeps the stored one; a new pixel is saved.
    admin.post(f"/conversions/settings/{destination.pk}/", {"name": "Shop pixel", "mode": "live", "pixel_id": "CPIX2", "access_token": ""})
    destination = stored(tenant_a, destination.pk)
    assert (destination.pixel_id, destination.access_token, destination.event_mapping) == ("CPIX2", "tt-secret-9876", {})

    listing = admin.get("/conversions/settings/").content.decode()
    assert "Shop pixel" in listing and "tt-secret" not in listing
    assert 'id="mapping-table"' in listing and "SubmitForm" in listing


def test_google_ads_and_meta_forms_ask_for_their_own_fields(tenant_a, web_client_for):
    admin, _ = web_client_for(tenant_a, Role.ADMIN)
    html = admin.get("/conversions/settings/new/", {"platform": "GOOGLE_ADS"}).content.decode()
    for label in ("Customer id", "Conversion action id", "Developer token", "OAuth client id", "OAuth client secret", "OAuth refresh token"):
        assert label in html
    assert "Pixel code" not in html
    refused = admin.post("/conversions/settings/new/", {"platform": "GOOGLE_ADS", "name": "Ads", "mode": "live", "customer_id": "12-34"})
    assert refused.status_code == 400
    errors = refused.context["form"].errors
    assert errors["customer_id"] == ["Enter the 10-digit id, e.g. 123-456-7890."]
    assert errors["refresh_token"] == ["Required for this platform."]
    ok = admin.post(
        "/conversions/settings/new/",
        {"platform": "GOOGLE_ADS", "name": "Ads", "mode": "live", "customer_id": "123-456-7890", "conversion_action_id": "555", "developer_token": "dev", "oauth_client_id": "cid", "oauth_client_secret": "cs", "refresh_token": "rt"},
    )
    assert ok.status_code == 302
    ads = Destination.objects.for_tenant(tenant_a).get(name="Ads")
    assert (ads.customer_id, ads.refresh_token) == ("1234567890", "rt")

    chooser = admin.get("/conversions/settings/new/")
    assert chooser.status_code == 200 and 'href="?platform=GOOGLE_ADS"' in chooser.content.decode()
    meta = admin.get("/conversions/settings/new/", {"platform": "META"}).content.decode()
    assert "Pixel (dataset) id" in meta and "Conversions API access token" in meta
    assert admin.get("/conversions/settings/new/", {"platform": "SNAPCHAT"}).status_code == 400
    duplicate = admin.post("/conversions/settings/new/", {"platform": "META", "name": "Ads", "mode": "live", "pixel_id": "1", "access_token": "t"})
    assert duplicate.status_code == 409
    assert duplicate.context["form"].errors["name"] == ["Pick another name."]


def test_pause_resume_and_delete(tenant_a, platforms, web_client_for, django_capture_on_commit_callbacks):
    tiktok = make_destination(tenant_a, Platform.TIKTOK)
    admin, _ = web_client_for(tenant_a, Role.ADMIN)
    assert admin.post(f"/conversions/destinations/{tiktok.pk}/pause/", {"next": "settings"})["Location"] == "/conversions/settings/"
    assert stored(tenant_a, tiktok.pk).state == DestinationState.PAUSED
    ingest(tenant_a, event_payload(1), capture=django_capture_on_commit_callbacks)
    assert Delivery.objects.for_tenant(tenant_a).get().status == DeliveryStatus.PENDING  # held while paused
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(f"/conversions/destinations/{tiktok.pk}/resume/", {"next": "settings"})
    assert Delivery.objects.for_tenant(tenant_a).get().status == DeliveryStatus.SENT

    assert admin.post(f"/conversions/settings/{tiktok.pk}/delete/").status_code == 302
    assert not Destination.objects.for_tenant(tenant_a).exists()
    assert not Delivery.objects.for_tenant(tenant_a).exists()


def test_viewers_read_admins_write(tenant_a, web_client_for):
    tiktok = make_destination(tenant_a, Platform.TIKTOK)
    viewer, _ = web_client_for(tenant_a, Role.VIEWER)
    assert viewer.get("/conversions/settings/").status_code == 200
    page = viewer.get(f"/conversions/settings/{tiktok.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<fieldset disabled>" in html and "tt-token-123" not in html and "Send test event" not in html
    assert viewer.get("/conversions/settings/new/", {"platform": "TIKTOK"}).status_code == 403
    for url in (f"/conversions/settings/{tiktok.pk}/", f"/conversions/settings/{tiktok.pk}/delete/", f"/conversions/settings/{tiktok.pk}/test/", f"/conversions/destinations/{tiktok.pk}/pause/"):
        assert viewer.post(url, {"name": "x", "mode": "live", "pixel_id": "x"}).status_code == 403, url
    analyst, _ = web_client_for(tenant_a, Role.ANALYST)
    assert analyst.post("/conversions/settings/new/", {"platform": "TIKTOK", "name": "x"}).status_code == 403
    assert stored(tenant_a, tiktok.pk).name == "TikTok" and stored(tenant_a, tiktok.pk).state == DestinationState.ACTIVE


def test_another_tenants_destination_is_a_404(tenant_a, tenant_b, web_client_for):
    tiktok = make_destination(tenant_a, Platform.TIKTOK)
    other, _ = web_client_for(tenant_b, Role.OWNER)
    assert other.get(f"/conversions/settings/{tiktok.pk}/").status_code == 404
    for url in (f"/conversions/settings/{tiktok.pk}/", f"/conversions/settings/{tiktok.pk}/delete/", f"/conversions/settings/{tiktok.pk}/test/", f"/conversions/destinations/{tiktok.pk}/pause/"):
        assert other.post(url, {"name": "x", "mode": "live", "pixel_id": "x", "access_token": "y"}).status_code == 404, url
    assert stored(tenant_a, tiktok.pk).name == "TikTok"
    listing = other.get("/conversions/settings/").content.decode()
    assert f'id="destination-{tiktok.pk}"' not in listing and "No destinations yet" in listing


def test_send_test_event_reaches_the_sandbox_and_shows_its_answer(tenant_a, sandbox, web_client_for):
    tiktok = make_destination(tenant_a, Platform.TIKTOK, test_event_code="TEST123")
    admin, _ = web_client_for(tenant_a, Role.ADMIN)
    response = admin.post(f"/conversions/settings/{tiktok.pk}/test/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<span class="chip chip-ok">Accepted</span> HTTP 200' in html
    assert "&quot;code&quot;: 0" in html and "&quot;test_event_code&quot;: &quot;TEST123&quot;" in html
    receipt = ConversionReceipt.objects.get(emulator="tiktok-events")
    assert receipt.event_id.startswith("test-") and receipt.event_id in html
    assert not Delivery.objects.for_tenant(tenant_a).exists()  # nothing stored

    # A revoked token: the platform's refusal, shown as it came.
    sandbox.set_options("tiktok-events", revoked_tokens=[tiktok.access_token])
    html = admin.post(f"/conversions/settings/{tiktok.pk}/test/", HTTP_HX_REQUEST="true").content.decode()
    assert '<span class="chip chip-bad">Refused</span>' in html and "40105" in html

    # Mock mode: not sent, and the page says why.
    Destination.objects.for_tenant(tenant_a).filter(pk=tiktok.pk).update(mode="mock")
    html = admin.post(f"/conversions/settings/{tiktok.pk}/test/", HTTP_HX_REQUEST="true").content.decode()
    assert '<span class="chip chip-warn">Not sent</span> TIKTOK mock mode' in html


@pytest.mark.parametrize("platform", [Platform.GOOGLE_ADS, Platform.META])
def test_send_test_event_to_google_ads_and_meta(tenant_a, sandbox, web_client_for, platform):
    destination = make_destination(tenant_a, platform)
    admin, _ = web_client_for(tenant_a, Role.ADMIN)
    html = admin.post(f"/conversions/settings/{destination.pk}/test/", HTTP_HX_REQUEST="true").content.decode()
    assert '<span class="chip chip-ok">Accepted</span> HTTP 200' in html, html
    emulator = {"GOOGLE_ADS": "google-ads", "META": "meta-graph"}[platform]
    assert ConversionReceipt.objects.filter(emulator=emulator, event_id__startswith="test-").count() == 1


def test_saving_keeps_a_custom_event_mapping(tenant_a, web_client_for):
    tiktok = make_destination(tenant_a, Platform.TIKTOK, event_mapping={"PURCHASE": "CompletePayment"})
    admin, _ = web_client_for(tenant_a, Role.ADMIN)
    form = admin.get(f"/conversions/settings/{tiktok.pk}/").context["form"]
    assert form.initial["map_PURCHASE"] == "CompletePayment"
    admin.post(f"/conversions/settings/{tiktok.pk}/", {"name": "TikTok", "mode": "live", "pixel_id": "CPIXEL123", "map_PURCHASE": "CompletePayment", "map_TRIAL_CANCELED": "Contact"})
    assert stored(tenant_a, tiktok.pk).event_mapping == {"PURCHASE": "CompletePayment", "TRIAL_CANCELED": "Contact"}
