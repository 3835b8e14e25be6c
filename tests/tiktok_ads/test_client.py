"""BusinessApiClient against the platform's shapes (``responses``): the Access-Token header,
JSON-encoded list parameters, paging, and every envelope code mapped to its error type."""

from __future__ import annotations

import json
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings

from core.http import AuthExpired, BadRequest, Misconfigured, RateLimited, Upstream5xx
from core.models import ApiCallLog
from tests.tiktok_ads.factories import make_advertiser
from tiktok_ads.client import BusinessApiClient
from tiktok_ads.models import BusinessConnection, ConnectionStatus

API = f"{settings.TIKTOK_BUSINESS_API_BASE}/open_api/v1.3"
STORES = f"{API}/gmv_max/store/list/"
REPORT = f"{API}/gmv_max/report/get/"
CAMPAIGNS = f"{API}/gmv_max/campaign/get/"
TOKEN = "act.test-token-0001.sig"


def envelope(data=None, code=0, message="OK"):
    return {"code": code, "message": message, "request_id": "20261118120000ABCDEF0123456789ABCDEF", "data": data or {}}


@pytest.fixture
def advertiser(tenant_a):
    return make_advertiser(tenant_a)


@pytest.fixture
def client(advertiser, upstream_sleeps):
    return BusinessApiClient.for_advertiser(advertiser, sleep=upstream_sleeps)


def query_of(call) -> dict:
    return {key: values[0] for key, values in parse_qs(urlsplit(call.request.url).query).items()}


def test_calls_carry_the_token_header_and_log_a_row(mock_upstream, client, tenant_a):
    mock_upstream.get(STORES, json=envelope({"store_list": [{"store_id": "5001", "is_gmv_max_available": True}]}))

    stores = client.gmv_max_stores("7001")

    assert stores == [{"store_id": "5001", "is_gmv_max_available": True}]
    request = mock_upstream.calls[0].request
    assert request.headers["Access-Token"] == TOKEN
    assert query_of(mock_upstream.calls[0]) == {"advertiser_id": "7001"}
    log = ApiCallLog.objects.for_tenant(tenant_a).get()
    assert (log.provider, log.endpoint, log.outcome) == ("tiktok_business", "/open_api/v1.3/gmv_max/store/list/", "ok")
    assert TOKEN not in log.credential


def test_report_pages_json_encode_lists_and_follow_page_info(mock_upstream, client):
    rows = [{"dimensions": {"campaign_id": "1", "stat_time_day": "2026-11-01 00:00:00"}, "metrics": {"cost": "1.00"}}]
    mock_upstream.get(REPORT, json=envelope({"list": rows, "page_info": {"page": 1, "page_size": 1, "total_number": 2, "total_page": 2}}))
    mock_upstream.get(REPORT, json=envelope({"list": rows, "page_info": {"page": 2, "page_size": 1, "total_number": 2, "total_page": 2}}))

    pages = list(
        client.gmv_max_report_pages(
            advertiser_id="7001",
            store_ids=["5001"],
            start_date=date(2026, 11, 1),
            end_date=date(2026, 11, 30),
            dimensions=["stat_time_day", "campaign_id"],
            metrics=["cost"],
            promotion_type="LIVE_GMV_MAX",
            filtering={"campaign_ids": ["1"]},
            page_size=1,
        )
    )

    assert pages == [rows, rows]
    first, second = (query_of(call) for call in mock_upstream.calls)
    assert first == {
        "advertiser_id": "7001",
        "store_ids": '["5001"]',
        "start_date": "2026-11-01",
        "end_date": "2026-11-30",
        "dimensions": '["stat_time_day","campaign_id"]',
        "metrics": '["cost"]',
        "gmv_max_promotion_type": "LIVE_GMV_MAX",
        "filtering": '{"campaign_ids":["1"]}',
        "page_size": "1",
        "page": "1",
    }
    assert second["page"] == "2"


def test_campaigns_fetch_every_page(mock_upstream, client):
    for page in (1, 2):
        rows = [{"campaign_id": f"{page}{n}"} for n in range(100 if page == 1 else 3)]
        mock_upstream.get(
            CAMPAIGNS, json=envelope({"list": rows, "page_info": {"page": page, "page_size": 100, "total_number": 103, "total_page": 2}})
        )

    campaigns = client.gmv_max_campaigns("7001", promotion_type="LIVE_GMV_MAX")

    assert len(campaigns) == 103
    assert json.loads(query_of(mock_upstream.calls[0])["filtering"]) == {"gmv_max_promotion_types": ["LIVE_GMV_MAX"]}
    assert query_of(mock_upstream.calls[0])["page_size"] == "100"


def test_rate_limit_code_is_retried_then_raised(mock_upstream, client, upstream_sleeps, settings):
    mock_upstream.get(STORES, json=envelope(code=40100, message="Too many requests."))

    with pytest.raises(RateLimited) as caught:
        client.gmv_max_stores("7001")

    assert caught.value.code == 40100
    assert len(mock_upstream.calls) == settings.UPSTREAM_MAX_ATTEMPTS
    assert len(upstream_sleeps) == settings.UPSTREAM_MAX_ATTEMPTS - 1


@pytest.mark.parametrize("code", [50000, 51004])
def test_platform_errors_are_retried(mock_upstream, client, code):
    mock_upstream.get(STORES, json=envelope(code=code, message="System error."))
    mock_upstream.get(STORES, json=envelope({"store_list": []}))

    assert client.gmv_max_stores("7001") == []
    assert len(mock_upstream.calls) == 2


def test_system_error_every_time_is_upstream_5xx(mock_upstream, client):
    mock_upstream.get(STORES, json=envelope(code=50000, message="System error."))

    with pytest.raises(Upstream5xx) as caught:
        client.gmv_max_stores("7001")

    assert caught.value.message == "System error."


@pytest.mark.parametrize("code", [40104, 40105])
def test_token_errors_mark_the_connection_needs_reauth(mock_upstream, client, advertiser, tenant_a, code):
    mock_upstream.get(STORES, json=envelope(code=code, message="The access token is invalid or has been revoked."))

    with pytest.raises(AuthExpired) as caught:
        client.gmv_max_stores("7001")

    assert caught.value.code == code
    assert len(mock_upstream.calls) == 1
    connection = BusinessConnection.objects.for_tenant(tenant_a).get(pk=advertiser.connection_id)
    assert connection.status == ConnectionStatus.NEEDS_REAUTH
    assert "reconnect" in connection.status_reason


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (40002, "end_date: The time span between start_date and end_date cannot exceed 93 days."),
        (40110, "The auth_code is invalid or has expired."),
        (40101, "The app_id and secret combination is invalid."),
    ],
)
def test_other_codes_are_bad_requests_with_the_platform_message(mock_upstream, client, advertiser, tenant_a, code, message):
    mock_upstream.get(STORES, json=envelope(code=code, message=message))

    with pytest.raises(BadRequest) as caught:
        client.gmv_max_stores("7001")

    assert (caught.value.code, caught.value.message) == (code, message)
    assert len(mock_upstream.calls) == 1
    assert BusinessConnection.objects.for_tenant(tenant_a).get(pk=advertiser.connection_id).status == ConnectionStatus.ACTIVE
    assert ApiCallLog.objects.for_tenant(tenant_a).get().outcome == "bad_request"


def test_no_permission_is_a_bad_request_of_a_misconfigured_account(mock_upstream, client, advertiser, tenant_a):
    # 40001 is "no permission for the operation" in the platform's return codes: never retried,
    # the token stays valid, and the call log says what needs fixing.
    mock_upstream.get(STORES, json=envelope(code=40001, message="No permission to operate advertiser_id 7001."))

    with pytest.raises(BadRequest) as caught:
        client.gmv_max_stores("7001")

    assert isinstance(caught.value, Misconfigured)
    assert (caught.value.code, caught.value.message) == (40001, "No permission to operate advertiser_id 7001.")
    assert len(mock_upstream.calls) == 1
    assert BusinessConnection.objects.for_tenant(tenant_a).get(pk=advertiser.connection_id).status == ConnectionStatus.ACTIVE
    assert ApiCallLog.objects.for_tenant(tenant_a).get().outcome == "misconfigured"


def test_the_token_never_reaches_error_messages(mock_upstream, client):
    mock_upstream.get(STORES, json=envelope(code=40002, message=f"bad token {TOKEN}"))

    with pytest.raises(BadRequest) as caught:
        client.gmv_max_stores("7001")

    assert TOKEN not in str(caught.value)


def test_exchange_posts_the_app_credentials(mock_upstream, tenant_a):
    mock_upstream.post(f"{API}/oauth2/access_token/", json=envelope({"access_token": "act.new", "advertiser_ids": [7001], "scope": [1]}))

    grant = BusinessApiClient(tenant=tenant_a).exchange_auth_code("code.abc.def")

    assert grant == {"access_token": "act.new", "advertiser_ids": ["7001"], "scope": [1]}
    body = json.loads(mock_upstream.calls[0].request.body)
    assert body == {"app_id": settings.TIKTOK_BUSINESS_APP_ID, "secret": settings.TIKTOK_BUSINESS_APP_SECRET, "auth_code": "code.abc.def"}
    assert "Access-Token" not in mock_upstream.calls[0].request.headers
    assert settings.TIKTOK_BUSINESS_APP_SECRET not in ApiCallLog.objects.for_tenant(tenant_a).get().credential


@pytest.mark.parametrize(
    ("start", "end", "page_size"),
    [
        (date(2026, 1, 1), date(2026, 1, 1) + timedelta(days=93), 1000),
        (date(2026, 1, 2), date(2026, 1, 1), 1000),
        (date(2026, 1, 1), date(2026, 1, 1), 1001),
    ],
    ids=["94-days", "reversed", "page-size"],
)
def test_report_requests_the_platform_would_refuse_are_not_sent(mock_upstream, client, start, end, page_size):
    pages = client.gmv_max_report_pages(
        advertiser_id="7001",
        store_ids=["5001"],
        start_date=start,
        end_date=end,
        dimensions=["stat_time_day", "campaign_id"],
        metrics=["cost"],
        promotion_type="PRODUCT_GMV_MAX",
        page_size=page_size,
    )

    with pytest.raises(ValueError):
        next(pages)

    assert len(mock_upstream.calls) == 0


def test_a_93_day_range_is_one_request(mock_upstream, client):
    mock_upstream.get(REPORT, json=envelope({"list": [], "page_info": {"page": 1, "page_size": 1000, "total_number": 0, "total_page": 0}}))

    pages = list(
        client.gmv_max_report_pages(
            advertiser_id="7001",
            store_ids=["5001"],
            start_date=date(2026, 1, 1),
            end_date=date(2026, 1, 1) + timedelta(days=92),  # both ends included: 93 days
            dimensions=["stat_time_day", "campaign_id"],
            metrics=["cost"],
            promotion_type="PRODUCT_GMV_MAX",
        )
    )

    assert pages == [[]]
    assert query_of(mock_upstream.calls[0])["end_date"] == "2026-04-03"
