"""Real Chromium: the destinations table follows a delivery's state live (htmx polling, no
reload), and "Send test event" shows the sandbox platform's answer in place."""

import pytest

from conversions.models import Delivery, DeliveryStatus, Destination, DestinationState, Platform
from conversions.services import events_ingest
from core.services import tenant_create
from core.tenancy import tenant_scope
from tests.conftest import make_user
from tests.conversions.conftest import event_payload
from tests.conversions.helpers import validated

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements-dev.txt)").expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-word-123"
LIVE = 15_000  # the table polls every 5 s


def log_in(page, next_url: str) -> None:
    page.goto(f"/login/?next={next_url}")
    page.fill("#id_username", "rosa")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


@pytest.fixture
def academy(transactional_db):
    user = make_user("rosa", password=PASSWORD)
    return tenant_create(name="Academy", slug="academy", owner=user)


def test_destinations_health_updates_live(academy, sandbox_live, browser_page, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    with tenant_scope(academy):
        tiktok = Destination.objects.create(tenant=academy, platform=Platform.TIKTOK, name="TikTok pixel", pixel_id="CACADEMY", access_token="tt-1")
        events_ingest(tenant=academy, events=validated(event_payload(1), event_payload(2)))

    page = browser_page
    log_in(page, "/conversions/destinations/")
    row = page.locator(f"#destination-{tiktok.pk}")
    expect(row.locator("[data-col=sent]")).to_have_text("2")
    expect(row.locator("[data-col=state]")).to_have_text("Active")
    page.evaluate("() => { window.__same_page = true }")

    # The platform refuses one event for good and the destination is paused: the row follows.
    with tenant_scope(academy):
        Delivery.objects.for_tenant(academy).filter(event__event_id="appt-2").update(status=DeliveryStatus.DEAD, reason="TikTok 40002: invalid email")
        Destination.objects.for_tenant(academy).filter(pk=tiktok.pk).update(state=DestinationState.PAUSED)
    expect(row.locator("[data-col=failed]")).to_have_text("1", timeout=LIVE)
    expect(row.locator("[data-col=sent]")).to_have_text("1")
    expect(row.locator("[data-col=state]")).to_have_text("Paused")
    expect(row.locator("button", has_text="Resume")).to_be_visible()
    assert page.evaluate("() => window.__same_page") is True  # swapped by htmx, never reloaded


def test_send_test_event_shows_the_platforms_answer(academy, sandbox_live, browser_page):
    with tenant_scope(academy):
        meta = Destination.objects.create(tenant=academy, platform=Platform.META, name="Meta pixel", pixel_id="1234567890123456", access_token="EAA1", test_event_code="TEST42")

    page = browser_page
    log_in(page, f"/conversions/settings/{meta.pk}/")
    expect(page.locator("h1")).to_have_text("Meta pixel")
    expect(page.locator("#id_access_token")).to_have_value("")  # write-only
    page.click("#send-test")
    answer = page.locator("#test-answer")
    expect(answer.locator(".chip")).to_have_text("Accepted")
    expect(answer).to_contain_text("HTTP 200")
    expect(answer.locator("#test-answer-response")).to_contain_text('"events_received": 1')
