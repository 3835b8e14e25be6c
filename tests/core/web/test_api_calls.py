"""Upstream call log page: filters, pagination, CSV export for analysts, tenant isolation."""

import csv
import io

import pytest

from core.models import Role
from tests.fixtures.html import parse

pytestmark = pytest.mark.django_db


def test_list_shows_the_tenants_calls_newest_first(web_client_for, tenant_a, tenant_b, api_call_factory):
    client, _ = web_client_for(tenant_a, Role.VIEWER)
    api_call_factory(tenant_a, minutes_ago=9, duration_ms=1234, attempts=1, correlation_id="c0ffee")
    api_call_factory(
        tenant_a,
        provider="tiktok_business",
        method="POST",
        endpoint="/open_api/v1.3/gmv_max/report/get/",
        outcome="rate_limited",
        status_code=429,
        attempts=4,
        duration_ms=8120,
        error_message="Too many requests",
        minutes_ago=2,
    )
    api_call_factory(tenant_b, provider="shopee", endpoint="/api/v2/livestream/get_session_detail")

    response = client.get("/api-calls/")

    assert response.status_code == 200
    rows = parse(response.content).find("table").rows()
    assert [row[1:] for row in rows] == [
        ["tiktok_business", "POST /open_api/v1.3/gmv_max/report/get/ Too many requests", "429", "rate_limited", "8,120 ms", "4", ""],
        ["tiktok_shop", "GET /order/202309/orders/search", "200", "ok", "1,234 ms", "1", "c0ffee"],
    ]
    assert b"shopee" not in response.content and b"livestream" not in response.content


def test_filters_offer_the_tenants_values_and_apply(web_client_for, tenant_a, tenant_b, api_call_factory):
    client, _ = web_client_for(tenant_a, Role.VIEWER)
    api_call_factory(tenant_a, provider="tiktok_shop", outcome="ok")
    api_call_factory(tenant_a, provider="tiktok_shop", outcome="server_error", status_code=502)
    api_call_factory(tenant_a, provider="meta_capi", outcome="ok")
    api_call_factory(tenant_b, provider="shopee", outcome="timeout", status_code=None)

    page = parse(client.get("/api-calls/").content)
    assert [o.text for o in page.find("select", id="id_provider").find_all("option")] == ["All", "meta_capi", "tiktok_shop"]
    assert [o.text for o in page.find("select", id="id_outcome").find_all("option")] == ["All", "ok", "server_error"]

    def calls(query):
        return [(row[1], row[4]) for row in parse(client.get(f"/api-calls/?{query}").content).find("table").rows()]

    assert calls("provider=tiktok_shop") == [("tiktok_shop", "server_error"), ("tiktok_shop", "ok")]
    assert calls("outcome=ok") == [("meta_capi", "ok"), ("tiktok_shop", "ok")]
    assert calls("provider=meta_capi&outcome=ok") == [("meta_capi", "ok")]
    # Another tenant's provider is not a valid choice here: the filter is refused, nothing leaks.
    refused = parse(client.get("/api-calls/?provider=shopee").content)
    assert refused.find(cls="has-error").find(cls="errorlist").text == "Select a valid choice. shopee is not one of the available choices."
    assert "shopee" not in [row[1] for row in refused.find("table").rows()]


def test_list_paginates_by_50_and_keeps_filters(web_client_for, tenant_a, api_call_factory):
    client, _ = web_client_for(tenant_a, Role.VIEWER)
    for i in range(55):
        api_call_factory(tenant_a, minutes_ago=i, endpoint=f"/orders/{i}")
    api_call_factory(tenant_a, provider="google_ads")

    first = parse(client.get("/api-calls/?provider=tiktok_shop").content)
    second = parse(client.get("/api-calls/?provider=tiktok_shop&page=2").content)

    assert len(first.find("table").rows()) == 50
    assert first.find("nav", cls="pagination").text == "Page 1 of 2 · 55 rows Next ›"
    assert first.find("nav", cls="pagination").find("a").attrs["href"] == "?provider=tiktok_shop&page=2"
    assert [row[2] for row in second.find("table").rows()] == [f"GET /orders/{i}" for i in range(50, 55)]


def test_empty_state(web_client_for, tenant_a):
    client, _ = web_client_for(tenant_a, Role.VIEWER)
    assert parse(client.get("/api-calls/").content).find(cls="empty").find("h2").text == "No upstream calls yet"


def test_export_is_for_analysts_and_up(web_client_for, tenant_a, api_call_factory):
    api_call_factory(tenant_a)
    viewer, _ = web_client_for(tenant_a, Role.VIEWER)
    analyst, _ = web_client_for(tenant_a, Role.ANALYST)

    assert viewer.get("/api-calls/export.csv").status_code == 403
    assert parse(viewer.get("/api-calls/").content).find_all("a", cls="button") == []
    buttons = parse(analyst.get("/api-calls/?outcome=ok").content).find_all("a", cls="button")
    assert [(b.text, b.attrs["href"]) for b in buttons] == [
        ("Export CSV", "/api-calls/export.csv?outcome=ok"),
        ("Export XLSX", "/api-calls/export.xlsx?outcome=ok"),
    ]
    assert analyst.get("/api-calls/export.pdf").status_code == 404


def test_export_xlsx_has_the_filtered_rows_as_typed_cells(web_client_for, tenant_a, tenant_b, api_call_factory):
    import openpyxl

    client, _ = web_client_for(tenant_a, Role.ANALYST)
    api_call_factory(tenant_a, outcome="ok", status_code=200, endpoint="/orders", duration_ms=42)
    api_call_factory(tenant_a, outcome="bad_request", status_code=400, endpoint="/x", error_message="-1 is not allowed")
    api_call_factory(tenant_b, outcome="bad_request", status_code=400, endpoint="/other-tenant")

    response = client.get("/api-calls/export.xlsx?outcome=bad_request")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith('attachment; filename="api-calls-tenant-a-')
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert sheet.title == "Upstream calls"
    assert rows[0][:6] == ("created_at", "provider", "method", "endpoint", "status_code", "outcome")
    assert len(rows) == 2
    assert rows[1][3:6] == ("/x", 400, "bad_request")
    assert rows[1][-1] == "'-1 is not allowed"


def test_export_csv_has_the_filtered_rows_and_neutralises_formulas(web_client_for, tenant_a, tenant_b, api_call_factory):
    client, _ = web_client_for(tenant_a, Role.ANALYST)
    call = api_call_factory(
        tenant_a, outcome="bad_request", status_code=400, error_message='=HYPERLINK("http://x")', duration_ms=42, correlation_id="abc"
    )
    api_call_factory(tenant_a, outcome="ok")
    api_call_factory(tenant_b, outcome="bad_request")

    response = client.get("/api-calls/export.csv?outcome=bad_request")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="api-calls-tenant-a-')
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows == [
        [
            "created_at",
            "provider",
            "method",
            "endpoint",
            "status_code",
            "outcome",
            "duration_ms",
            "attempts",
            "credential",
            "correlation_id",
            "error_message",
        ],
        [
            call.created_at.isoformat(),
            "tiktok_shop",
            "GET",
            "/order/202309/orders/search",
            "400",
            "bad_request",
            "42",
            "1",
            "",
            "abc",
            '\'=HYPERLINK("http://x")',
        ],
    ]
