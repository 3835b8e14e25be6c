"""A TikTok Business outage during "refresh advertisers": the page says so (the 503 mapping's
message) and the connection stays active; never a 500."""

import pytest

from core.models import Role
from tests.fixtures.html import messages
from tests.tiktok_ads.helpers import connect_business
from tiktok_ads.models import ConnectionStatus


@pytest.fixture(autouse=True)
def _fast_retries(settings):
    settings.UPSTREAM_BACKOFF_BASE = 0.0
    settings.UPSTREAM_BACKOFF_MAX = 0.0


def test_refresh_during_an_outage_shows_the_reason(sandbox, tenant_a, web_client_for):
    connection = connect_business(tenant_a)
    client, _ = web_client_for(tenant_a, Role.ADMIN)
    sandbox.set_faults("tiktok-business", status=503, times=20)

    response = client.post(f"/ads/connections/{connection.pk}/refresh/")
    assert response.status_code == 302 and response["Location"] == "/ads/"
    [message] = messages(client.get("/ads/").content)
    assert message.startswith("TikTok is unavailable right now; try again in ")
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.ACTIVE
