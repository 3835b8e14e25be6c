"""The product's own 404 page in a real browser with DEBUG off: the layout, a way home, search,
and nothing wider than a phone."""

import pytest

from core.services import tenant_create
from tests.conftest import make_user

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements-dev.txt)").expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-word-123"


def log_in(page, username):
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Acme Agency")


def test_an_unknown_page_is_the_products_404_with_a_link_home(settings, browser_page, live_server, transactional_db):
    settings.DEBUG = False
    tenant_create(name="Acme Agency", slug="acme", owner=make_user("olivia", password=PASSWORD))
    page = browser_page
    log_in(page, "olivia")

    response = page.goto("/no-such-report/")

    assert response.status == 404
    expect(page.locator(".error-page h1")).to_have_text("Nothing here")
    expect(page.locator(".error-page")).to_contain_text("We couldn't find this page in Acme Agency")
    expect(page.locator("body")).not_to_contain_text("URLconf")  # not Django's technical 404
    expect(page.locator("#error-q")).to_be_visible()

    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390

    page.click("text=Go to the overview")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("h1")).to_have_text("Acme Agency")


def test_the_login_page_fits_a_phone(browser_page, transactional_db):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto("/login/")

    expect(page.locator(".login-card h1")).to_have_text("Log in")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    box = page.locator(".login-form button[type=submit]").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
