"""Real Chromium: events posted through the API are delivered to the sandbox's TikTok and Meta
emulators; the events page shows a chip per destination, a row expands into its deliveries
(request and response, identifiers masked), and the destinations page draws its chart."""

import pytest

from conversions.models import Destination, Platform
from conversions.services import events_ingest
from core.services import tenant_create
from core.tenancy import tenant_scope
from tests.conftest import make_user
from tests.conversions.conftest import event_payload
from tests.conversions.helpers import validated

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements-dev.txt)").expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-word-123"


def test_events_page_chips_expand_and_health(sandbox_live, browser_page, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    user = make_user("rosa", password=PASSWORD)
    tenant = tenant_create(name="Academy", slug="academy", owner=user)
    with tenant_scope(tenant):
        Destination.objects.create(tenant=tenant, platform=Platform.TIKTOK, name="TikTok pixel", pixel_id="CACADEMY", access_token="tt-1")
        Destination.objects.create(
            tenant=tenant, platform=Platform.META, name="Meta pixel", pixel_id="1234567890123456", access_token="EAA1"
        )
        # Committed at once (transactional test): the delivery tasks run inline against the live sandbox.
        events_ingest(tenant=tenant, events=validated(event_payload(1, ip="203.0.113.5"), event_payload(2, event_name="TRIAL_CANCELED")))

    page = browser_page
    page.goto("/login/?next=/conversions/")
    page.fill("#id_username", "rosa")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Conversion events")

    booked = page.locator("tr.event-row", has_text="appt-1")
    expect(booked.locator(".delivery-chip")).to_have_text(["Meta pixel · Sent", "TikTok pixel · Sent"])
    canceled = page.locator("tr.event-row", has_text="appt-2")
    expect(canceled.locator(".delivery-chip[data-state=SKIPPED]")).to_have_text(["Meta pixel · Skipped: event not mapped", "TikTok pixel · Skipped: event not mapped"])

    booked.locator("button.row-toggle").click()
    detail = page.locator("tr.event-detail:visible")
    expect(detail).to_contain_text("U***@Example.com")
    expect(detail).not_to_contain_text("User1@Example.com")
    detail.locator("summary", has_text="Request").first.click()
    expect(detail.locator("pre.json").first).to_contain_text('"event_id": "appt-1"')
    expect(detail).to_contain_text("203.0.113.x")

    page.goto("/conversions/destinations/")
    expect(page.locator("#destinations-table")).to_contain_text("TikTok pixel")
    expect(page.locator("#chart-deliveries")).to_be_visible()
    expect(page.locator("#chart-success")).to_be_visible()
    page.wait_for_function("() => !!window.Chart && Object.keys(window.Chart.instances).length === 2")
