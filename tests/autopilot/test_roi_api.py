"""``GET /api/roi``: exact figures per group, instagram ↔ facebook, bad parameters named (400),
another tenant's ad account (404)."""

from __future__ import annotations

import pytest

from core.models import Role
from tests.autopilot.roi_fixtures import build_roi_world

RANGE = "from=2026-11-01&to=2026-11-03"


@pytest.fixture
def world(tenant_a):
    return build_roi_world(tenant_a)


@pytest.fixture
def api(api_client_for, tenant_a):
    return api_client_for(tenant_a, Role.VIEWER)


def test_tiktok_by_creative(api, world):
    response = api.get(f"/api/roi?platform=tiktok&{RANGE}&group_by=creative")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["platform"], body["uiPlatform"], body["currency"], body["from"], body["to"]) == (
        "tiktok",
        "tiktok",
        "KZT",
        "2026-11-01",
        "2026-11-03",
    )
    assert body["totals"]["spend"] == "1000.00" and body["totals"]["spendWithoutRate"] == {"MYR": "500.00"}
    assert body["totals"]["revenue"] == "8000.00" and body["totals"]["roi"] is None
    assert body["missingRates"] == ["MYR"]
    spring = next(row for row in body["rows"] if row["label"] == "Spring video ")
    assert spring == {
        "key": f"creative:{world['creative'].pk}", "label": "Spring video ", "spend": "1000.00", "spendWithoutRate": {},
        "impressions": 1000, "clicks": 50, "leads": 3, "storedLeads": 2, "cpl": "333.33", "purchases": 2,
        "revenue": "8000.00", "revenueWithoutRate": {}, "roi": "7.0000",
    }  # fmt: skip
    assert body["unattributed"] == {"revenue": "700.00", "revenueWithoutRate": {}, "count": 1}
    assert body["shopRevenue"] == {"revenue": "0.00", "revenueWithoutRate": {}, "count": 0}


def test_instagram_and_facebook_are_the_same_rows(api, world):
    instagram = api.get(f"/api/roi?platform=instagram&{RANGE}&group_by=day").json()
    facebook = api.get(f"/api/roi/?platform=facebook&{RANGE}&group_by=day").json()
    assert instagram == facebook
    assert instagram["platform"] == "facebook" and instagram["uiPlatform"] == "instagram"
    assert [row["spend"] for row in instagram["rows"]] == ["0.00", "5400.00", "5000.00"]
    assert instagram["totals"]["roi"] == "-1.0000"
    assert instagram["shopRevenue"] is None


def test_by_direction_with_legacy_rows(api, world):
    body = api.get(f"/api/roi?platform=instagram&{RANGE}").json()
    assert body["groupBy"] == "direction"
    assert {row["label"]: row["spend"] for row in body["rows"]} == {"Legacy ": "9500.00", "No direction": "900.00"}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("platform=snapchat", "platform"),
        ("group_by=campaign", "group_by"),
        ("from=9999-12-31&to=9999-12-31", "to"),
        ("from=9999-12-31", "from"),
        ("from=2026-11-01&to=9999-12-31", "to"),
        ("from=yesterday", "from"),
        ("from=2026-11-05&to=2026-11-01", "from"),
        ("accountId=abc", "accountId"),
    ],
)
def test_bad_parameters_are_400_naming_them(api, world, query, field):
    response = api.get(f"/api/roi?{query}")
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]


def test_account_filter_and_another_tenants_account(api, world, tenant_b):
    other = build_roi_world(tenant_b, tag="b-")
    assert api.get(f"/api/roi?accountId={other['account'].pk}&{RANGE}").status_code == 404
    assert api.get(f"/api/roi?accountId=999999&{RANGE}").status_code == 404
    body = api.get(f"/api/roi?accountId={world['account'].pk}&{RANGE}&group_by=creative").json()
    assert body["accountId"] == world["account"].pk
    assert [row["label"] for row in body["rows"]] == ["Spring video "]


def test_needs_authentication(api_client):
    assert api_client.get("/api/roi").status_code in (401, 403)
