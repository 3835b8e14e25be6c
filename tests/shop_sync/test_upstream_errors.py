"""A TikTok Shop outage while starting a full sync (its synchronous probe call): the API answers
503 JSON with ``retry_after`` (body and ``Retry-After``), the page shows the reason; never a 500,
and no run is left behind."""

import pytest

from core.models import Role, SyncRun
from tests.fixtures.html import messages
from tests.shop_sync.data import make_shop

pytestmark = pytest.mark.django_db

OUTAGE = 20  # more than any retry budget


@pytest.fixture(autouse=True)
def _fast_retries(settings):
    settings.UPSTREAM_BACKOFF_BASE = 0.0
    settings.UPSTREAM_BACKOFF_MAX = 0.0


@pytest.fixture
def shop(tenant_a):
    return make_shop(tenant_a, shop_id="7494000000001", name="Glow MY", currency="MYR", time_zone="Asia/Kuala_Lumpur")


@pytest.fixture
def api_admin(api_client_for, tenant_a):
    return api_client_for(tenant_a, Role.ADMIN)


@pytest.fixture
def web_admin(web_client_for, tenant_a):
    return web_client_for(tenant_a, Role.ADMIN)[0]


def test_full_sync_start_during_an_outage_is_503_with_retry_after(api_admin, shop, sandbox):
    sandbox.set_faults("tiktok-shop", status=503, times=OUTAGE)
    response = api_admin.post("/api/sync/orders/full")
    assert response.status_code == 503
    error = response.json()["error"]
    assert (error["code"], error["provider"], error["fields"]) == ("upstream_unavailable", "tiktok_shop", {})
    assert error["retry_after"] >= 1 and response["Retry-After"] == str(error["retry_after"])
    assert error["message"] == f"TikTok Shop is unavailable right now; try again in {error['retry_after']} seconds."
    assert SyncRun.all_tenants.count() == 0


def test_full_sync_start_throttled_beyond_the_retry_budget_is_503_rate_limited(api_admin, shop, sandbox):
    sandbox.set_faults("tiktok-shop", status=429, retry_after=2, times=OUTAGE)
    response = api_admin.post("/api/sync/orders/full")
    assert response.status_code == 503
    error = response.json()["error"]
    assert (error["code"], error["retry_after"], response["Retry-After"]) == ("rate_limited", 2, "2")
    assert error["message"] == "TikTok Shop is throttling our requests; try again in 2 seconds."
    assert SyncRun.all_tenants.count() == 0


def test_full_sync_start_with_an_unreadable_answer_is_502(api_admin, shop, sandbox):
    sandbox.set_faults("tiktok-shop", malformed=True, times=OUTAGE)
    response = api_admin.post("/api/sync/orders/full")
    assert response.status_code == 502
    error = response.json()["error"]
    assert error["code"] == "upstream_error" and "retry_after" not in error
    assert error["message"].startswith("TikTok Shop answered with an error")
    assert "Retry-After" not in response
    assert SyncRun.all_tenants.count() == 0


def test_the_sync_page_shows_the_outage_instead_of_a_500(web_admin, shop, sandbox):
    sandbox.set_faults("tiktok-shop", status=503, times=OUTAGE)
    response = web_admin.post(f"/shop/sync/{shop.pk}/full/")
    assert response.status_code == 302 and response["Location"] == "/shop/sync/"
    page = web_admin.get(response["Location"])
    assert page.status_code == 200
    [message] = messages(page.content)
    assert message.startswith("TikTok Shop is unavailable right now; try again in ")
    assert SyncRun.all_tenants.count() == 0


def test_an_htmx_sync_start_during_an_outage_gets_the_error_fragment(web_admin, shop, sandbox):
    sandbox.set_faults("tiktok-shop", status=503, times=OUTAGE)
    response = web_admin.post(f"/shop/sync/{shop.pk}/full/", HTTP_HX_REQUEST="true")
    assert response.status_code == 503
    assert response["X-Error-Fragment"] == "1" and int(response["Retry-After"]) >= 1
    html = response.content.decode()
    assert 'data-error-code="upstream_unavailable"' in html and "TikTok Shop is unavailable right now" in html
    assert "<html" not in html
    assert SyncRun.all_tenants.count() == 0
