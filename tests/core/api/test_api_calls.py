"""/api/api-calls/: the upstream call log, viewer and up, filtered by provider and outcome."""

from datetime import UTC, datetime, timedelta

import pytest

from core.models import ApiCallLog, Role

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def calls(tenant_a, tenant_b):
    rows = [
        ("tiktok_shop", "ok", 200),
        ("tiktok_shop", "rate_limited", 429),
        ("tiktok_business", "ok", 200),
        ("shopee", "upstream_5xx", 503),
    ]
    made = [
        ApiCallLog.all_tenants.create(
            tenant=tenant_a,
            provider=provider,
            method="GET",
            endpoint=f"/{provider}/orders",
            status_code=code,
            outcome=outcome,
            duration_ms=100 + i,
            attempts=1 + (outcome != "ok"),
            credential="••••••••a1b2",
            correlation_id=f"corr-{i}",
            created_at=T0 + timedelta(minutes=i),
        )
        for i, (provider, outcome, code) in enumerate(rows)
    ]
    ApiCallLog.all_tenants.create(tenant=tenant_b, provider="tiktok_shop", method="GET", endpoint="/b", outcome="ok")
    return made


def test_list_is_newest_first_and_tenant_scoped(tenant_a, calls, api_client_for):
    body = api_client_for(tenant_a, Role.VIEWER).get("/api/api-calls/").json()
    assert body["count"] == 4
    assert [row["correlation_id"] for row in body["results"]] == ["corr-3", "corr-2", "corr-1", "corr-0"]
    assert body["results"][0] == {
        "id": calls[3].pk,
        "provider": "shopee",
        "method": "GET",
        "endpoint": "/shopee/orders",
        "status_code": 503,
        "outcome": "upstream_5xx",
        "error_message": "",
        "duration_ms": 103,
        "attempts": 2,
        "credential": "••••••••a1b2",
        "correlation_id": "corr-3",
        "created_at": "2026-03-01T08:03:00Z",
    }


@pytest.mark.parametrize(
    "query,expected",
    [
        ("provider=tiktok_shop", ["corr-1", "corr-0"]),
        ("outcome=ok", ["corr-2", "corr-0"]),
        ("provider=tiktok_shop&outcome=rate_limited", ["corr-1"]),
        ("provider=lazada", []),
    ],
)
def test_filters(tenant_a, calls, api_client_for, query, expected):
    body = api_client_for(tenant_a, Role.VIEWER).get(f"/api/api-calls/?{query}").json()
    assert [row["correlation_id"] for row in body["results"]] == expected


def test_detail_and_another_tenants_call(tenant_a, tenant_b, calls, api_client_for):
    assert api_client_for(tenant_a, Role.VIEWER).get(f"/api/api-calls/{calls[0].pk}/").json()["endpoint"] == "/tiktok_shop/orders"
    response = api_client_for(tenant_b, Role.ADMIN).get(f"/api/api-calls/{calls[0].pk}/")
    assert response.status_code == 404


def test_the_log_is_read_only(tenant_a, calls, api_client_for):
    api = api_client_for(tenant_a, Role.ADMIN)
    assert api.post("/api/api-calls/", {"provider": "x"}, format="json").status_code == 405
    assert api.delete(f"/api/api-calls/{calls[0].pk}/").status_code == 405
    assert ApiCallLog.all_tenants.filter(tenant=tenant_a).count() == 4
