"""The ROI routes (page, CSV export, dashboard, ``GET /api/roi``) as tenant B with tenant A's ROI
world stored: A's ad account is a 404 wherever it is named, and nothing of A shows (the full
walk covers the routes too; this names them with the query parameters that take A's ids)."""

import pytest

from core.models import Role
from tests.autopilot.roi_fixtures import build_roi_world

A_TAG = "sentinel-a-"
RANGE = "range=custom&start=2026-11-01&end=2026-11-03"
API_RANGE = "from=2026-11-01&to=2026-11-03"


@pytest.fixture
def worlds(tenant_a, tenant_b):
    return build_roi_world(tenant_a, tag=A_TAG), build_roi_world(tenant_b, tag="b-")


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


def test_roi_routes_show_tenant_b_nothing_of_tenant_a(worlds, member_factory, tenant_b, client, api_client_for):
    world_a, world_b = worlds
    client.force_login(member_factory(tenant_b, Role.VIEWER))
    api = api_client_for(tenant_b, Role.VIEWER)
    a_account = world_a["account"].pk

    for url in (
        f"/autopilot/roi/?account={a_account}&{RANGE}",
        f"/autopilot/roi/?account={a_account}&{RANGE}&export=csv",
        f"/autopilot/roi/?platform=instagram&account={a_account}&{RANGE}",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert A_TAG not in _body(response)
    assert api.get(f"/api/roi?accountId={a_account}&{API_RANGE}").status_code == 404

    for url in (
        f"/autopilot/roi/?{RANGE}",
        f"/autopilot/roi/?platform=instagram&{RANGE}",
        f"/autopilot/roi/?{RANGE}&export=csv",
        f"/autopilot/roi/?account={world_b['account'].pk}&{RANGE}",
        "/autopilot/dashboard/?platform=tiktok",
        "/autopilot/dashboard/?platform=instagram",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert A_TAG not in _body(response), url
    for group in ("direction", "creative", "day"):
        response = api.get(f"/api/roi?{API_RANGE}&group_by={group}")
        assert response.status_code == 200
        assert A_TAG not in response.content.decode()
    assert "Spring video b-" in client.get(f"/autopilot/roi/?{RANGE}").content.decode()
