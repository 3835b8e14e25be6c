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
        ["TikTok Business API", "POST /open_api/v1.3/gmv_max/report/get/ Too many requests", "429", "Rate limited", "8,120 ms", "4", "–", "–"],
        ["TikTok Shop", "GET /order/202309/orders/search", "200", "OK", "1,234 ms", "1", "–", "c0ffeeCopy"],
    ]
    assert b"get_session_detail" not in response.content and b"livestream" not in response.content


def test_filters_offer_the_tenants_values_and_apply(web_client_for, tenant_a, tenant_b, api_call_factory):
    client, _ = web_client_for(tenant_a, Role.VIEWER)
    api_call_factory(tenant_a, provider="tiktok_shop", outcome="ok")
    api_call_factory(tenant_a, provider="tiktok_shop", outcome="server_error", status_code=502)
    api_call_factory(tenant_a, provider="meta_capi", outcome="ok")
    api_call_factory(tenant_b, provider="shopee", outcome="timeout", status_code=None)

    page = parse(client.get("/api-calls/").content)
    assert [(o.attrs["value"], o.text) for o in page.find("select", id="id_provider").find_all("option")] == [
        ("", "All"),
        ("meta_capi", "Meta Conversions API"),
        ("tiktok_shop", "TikTok Shop"),
    ]
    assert [o.text for o in page.find("select", id="id_outcome").find_all("option")] == ["All", "OK", "Platform error"]

    def calls(query):
        return [(row[1], row[4]) for row in parse(client.get(f"/api-calls/?{query}").content).find("table").rows()]

    assert calls("provider=tiktok_shop") == [("TikTok Shop", "Platform error"), ("TikTok Shop", "OK")]
    assert calls("outcome=ok") == [("Meta Conversions API", "OK"), ("TikTok Shop", "OK")]
    assert calls("provider=meta_capi&outcome=ok") == [("Meta Conversions API", "OK")]
    # Another tenant's provider is not a valid choice here: the filter is refused, nothing leaks.
    response = client.get("/api-calls/?provider=shopee")
    assert response.status_code == 400
    refused = parse(response.content)
    assert refused.find(cls="has-error").find(cls="errorlist").text == "Select a valid choice. shopee is not one of the available choices."
    assert "Shopee" not in [row[1] for row in refused.find("table").rows()]


def test_list_paginates_by_50_and_keeps_filters(web_client_for, tenant_a, api_call_factory):
    client, _ = web_client_for(tenant_a, Role.VIEWER)
    for i in range(55):
        api_call_factory(tenant_a, minutes_ago=i, endpoint=f"/orders/{i}")
    api_call_factory(tenant_a, provider="google_ads")

    first = parse(client.get("/api-calls/?provider=tiktok_shop").content)
    second = parse(client.get("/api-calls/?provider=tiktok_shop&page=2").content)

    assert len(first.find("table").rows()) == 50
    controls = first.find(id="api-calls-controls")
    assert controls.text.startswith("1–50 of 55 rows")
    assert controls.find("a").attrs["href"] == "/api-calls/?provider=tiktok_shop&page=2"
    assert [row[2] for row in second.find("table").rows()] == [f"GET /orders/{i}" for i in range(50, 55)]


def test_empty_state(web_client_for, tenant_a):
    client, _ = web_client_for(tenant_a, Role.VIEWER)
    assert parse(client.get("/api-calls/").content).find(cls="empty").find("h2").text == "No platform calls yet"


def test_export_is_for_analysts_and_up(web_client_for, tenant_a, api_call_factory):
    api_call_factory(tenant_a)
    viewer, _ = web_client_for(tenant_a, Role.VIEWER)
    analyst, _ = web_client_for(tenant_a, Role.ANALYST)

    assert viewer.get("/api-calls/export.csv").status_code == 403
    assert parse(viewer.get("/api-calls/").content).find_all("a", cls="button") == []
    buttons = parse(analyst.get("/api-calls/?outcome=ok").content).find_all("a", cls="button")
    assert [(b.text, b.attrs["href"]) for b in buttons] == [
        ("Export CSV", "/api-calls/export.csv?outcome=ok&range=last_30"),
        ("Export XLSX", "/api-calls/export.xlsx?outcome=ok&range=last_30"),
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


@pytest.fixture
def three_calls(tenant_a, api_call_factory):
    slow = api_call_factory(tenant_a, provider="tiktok_shop", duration_ms=900, minutes_ago=30, endpoint="/b", status_code=200)
    fast = api_call_factory(tenant_a, provider="meta_capi", duration_ms=20, minutes_ago=10, endpoint="/c", status_code=500, outcome="upstream_5xx")
    middle = api_call_factory(tenant_a, provider="google_ads", duration_ms=300, minutes_ago=20, endpoint="/a", status_code=429, outcome="rate_limited")
    return {"slow": slow, "fast": fast, "middle": middle}


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["/c", "/a", "/b"]),  # newest first
        ("created_at", ["/b", "/a", "/c"]),
        ("-duration_ms", ["/b", "/a", "/c"]),
        ("duration_ms", ["/c", "/a", "/b"]),
        ("endpoint", ["/a", "/b", "/c"]),
        ("provider", ["/a", "/c", "/b"]),  # google_ads, meta_capi, tiktok_shop
        ("-status_code", ["/c", "/a", "/b"]),
    ],
)
def test_list_sorts_by_the_column_in_the_url(web_client_for, tenant_a, three_calls, sort, expected):
    client, _ = web_client_for(tenant_a, Role.VIEWER)

    rows = parse(client.get(f"/api-calls/?sort={sort}").content).find("table").rows()

    assert [row[2].split(" ")[1] for row in rows] == expected


def test_page_size_and_jump_to_page_keep_filters_and_sort(web_client_for, tenant_a, api_call_factory):
    client, _ = web_client_for(tenant_a, Role.VIEWER)
    for i in range(120):
        api_call_factory(tenant_a, minutes_ago=i, endpoint=f"/orders/{i}", duration_ms=i)

    page = parse(client.get("/api-calls/?sort=duration_ms&per_page=25&page=3").content)

    assert [row[2] for row in page.find("table").rows()][:2] == ["GET /orders/50", "GET /orders/51"]
    controls = page.find(id="api-calls-controls")
    assert controls.text.startswith("51–75 of 120 rows")
    jump = controls.find("form", cls="jump")
    assert [(i.attrs["name"], i.attrs.get("value")) for i in jump.find_all("input")] == [
        ("sort", "duration_ms"),
        ("per_page", "25"),
        ("page", "3"),
    ]
    assert jump.find("input", id="api-calls-page").attrs["max"] == "5"


def test_outcomes_read_as_chips_with_the_code_in_the_title(web_client_for, tenant_a, three_calls):
    client, _ = web_client_for(tenant_a, Role.VIEWER)

    chips = parse(client.get("/api-calls/?sort=endpoint").content).find("table").find_all(cls="chip")

    assert [(chip.text, chip.attrs["title"], sorted(chip.classes)) for chip in chips] == [
        ("Rate limited", "rate_limited", ["chip", "chip-warn"]),
        ("OK", "ok", ["chip", "chip-ok"]),
        ("Platform error", "upstream_5xx", ["chip", "chip-bad"]),
    ]


def test_filter_by_correlation_id(web_client_for, tenant_a, tenant_b, api_call_factory):
    client, _ = web_client_for(tenant_a, Role.ANALYST)
    api_call_factory(tenant_a, correlation_id="run-7", endpoint="/mine")
    api_call_factory(tenant_a, correlation_id="run-8", endpoint="/other")
    api_call_factory(tenant_b, correlation_id="run-7", endpoint="/tenant-b")

    rows = parse(client.get("/api-calls/?correlation_id=run-7").content).find("table").rows()

    assert [row[2] for row in rows] == ["GET /mine"]
    exported = b"".join(client.get("/api-calls/export.csv?correlation_id=run-7").streaming_content).decode()
    assert "/mine" in exported and "/other" not in exported and "/tenant-b" not in exported


def test_export_refuses_a_bad_filter_with_a_400(web_client_for, tenant_a, api_call_factory):
    client, _ = web_client_for(tenant_a, Role.ANALYST)
    api_call_factory(tenant_a)

    response = client.get("/api-calls/export.csv?outcome=exploded")

    assert response.status_code == 400
    assert parse(response.content).find(cls="error-message").text == "Some filters are invalid: outcome"
