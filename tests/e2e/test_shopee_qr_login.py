"""Real Chromium: connect a Shopee account with the QR login. The page draws the QR, polls its
status every two seconds, says when it was scanned, and lands on the connected account once the
sandbox's phone confirms (through the sandbox's control route)."""

import os

import pytest
import requests

from core.services import tenant_create
from shopee_live.models import QrLogin, ShopeeAccount, Studio
from tests.conftest import make_user

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements-dev.txt)").expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-word-123"
CONTROL_TOKEN = "e2e-control-token"


@pytest.fixture
def owner(transactional_db):
    user = make_user("dewi", password=PASSWORD)
    tenant = tenant_create(name="Kirana Live", slug="kirana-live", owner=user, time_zone="Asia/Jakarta")
    Studio.objects.create(tenant=tenant, name="Jakarta Studio")
    return user


@pytest.fixture
def live_sandbox(sandbox_live, settings):
    settings.SANDBOX_CONTROL_TOKEN = CONTROL_TOKEN
    return sandbox_live


def control(sandbox, path: str, body: dict) -> dict:
    from sandbox.control import CONTROL_TOKEN_HEADER

    answer = requests.post(f"{sandbox.base_url}/_control/{path}", json=body, headers={CONTROL_TOKEN_HEADER: CONTROL_TOKEN}, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_connect_with_qr_in_the_browser(owner, live_sandbox, browser_page):
    page = browser_page
    page.goto("/login/?next=/live/accounts/")
    page.fill("#id_username", "dewi")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Shopee accounts")

    page.click("#connect-qr")
    expect(page.locator("h1")).to_have_text("Connect a Shopee account with QR")
    page.select_option("#id_region", "ID")
    page.click("#qr-form button[type=submit]")

    expect(page.locator("h1")).to_have_text("Scan with the Shopee app")
    expect(page.locator("#qr-image")).to_be_visible()
    assert page.locator("#qr-image").get_attribute("src").startswith("data:image/svg+xml")
    expect(page.locator("#qr-status")).to_contain_text("Waiting for a scan")
    qr = QrLogin.all_tenants.get()

    # The phone scans: the next poll says so, without a reload.
    with page.expect_response(lambda response: response.url.endswith(f"/live/accounts/qr/{qr.pk}/status/")):
        control(live_sandbox, "shopee-web/qr/confirm", {"qrcode_id": qr.qrcode_id, "account": "demo-id-1", "action": "scan"})
    expect(page.locator("#qr-status")).to_contain_text("Scanned — confirm on your phone")

    control(live_sandbox, "shopee-web/qr/confirm", {"qrcode_id": qr.qrcode_id, "account": "demo-id-1"})
    expect(page.locator("#qr-status")).to_contain_text("Connected")
    account = ShopeeAccount.all_tenants.get()
    expect(page.locator("#qr-connected")).to_contain_text(account.name)

    page.click("#qr-account-link")
    expect(page.locator("h1")).to_have_text("Shopee accounts")
    row = page.locator(f"#account-{account.pk}")
    expect(row).to_contain_text(account.name)
    expect(row.locator("[data-field=status]")).to_have_text("Active")
    expect(row.locator("[data-field=seller-center]")).to_contain_text("••••••••")
    assert account.web_session not in page.content()
