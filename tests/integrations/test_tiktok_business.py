"""integrations.tiktok_business: the one v1.3 return-code table, read the same way by the
Business API client (tiktok_ads, gmvmax) and the Events API client (conversions)."""

from __future__ import annotations

import pytest

from core.http import AuthExpired, BadRequest, Misconfigured, RateLimited, Upstream5xx
from core.models import ApiCallLog
from integrations.base import StaticCredentials
from integrations.tiktok_business import BusinessApiClient, TikTokEventsClient, code_of, error_class_for

BASE = "https://business-api.tiktok.test"
STORES = f"{BASE}/open_api/v1.3/gmv_max/store/list/"
TRACK = f"{BASE}/open_api/v1.3/event/track/"


def envelope(code=0, message="OK", data=None):
    return {"code": code, "message": message, "request_id": "2026120112000001", "data": data or {}}


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        # The two codes the old tables disagreed on (appendix, reference wave2 §B.9):
        (40001, Misconfigured),  # "no permission for the operation", not a bad token
        (51001, Upstream5xx),  # the 51xxx internal-error group, not a bad request
        # The rest of the appendix.
        (40000, BadRequest),
        (40002, BadRequest),
        (40007, BadRequest),
        (40101, BadRequest),
        (40110, BadRequest),
        (40016, RateLimited),
        (40100, RateLimited),
        (40132, RateLimited),
        (40133, RateLimited),
        (40102, AuthExpired),
        (40103, AuthExpired),
        (40104, AuthExpired),
        (40105, AuthExpired),
        (40106, Misconfigured),
        (40125, Misconfigured),
        (50000, Upstream5xx),
        (50002, Upstream5xx),
        (51305, Upstream5xx),
        (60001, Upstream5xx),
        (-1, BadRequest),  # a code that isn't a number
    ],
)
def test_return_codes(code, expected):
    assert error_class_for(code) is expected


def test_misconfigured_is_still_a_bad_request():
    # Callers that only know BadRequest (tiktok_ads' OAuth flow) keep treating it as one.
    assert issubclass(Misconfigured, BadRequest)


@pytest.mark.parametrize(("status", "expected"), [(429, RateLimited), (503, Upstream5xx), (401, AuthExpired)])
def test_an_http_status_that_says_more_wins_over_the_code(status, expected):
    assert error_class_for(40002, http_status=status) is expected


@pytest.mark.parametrize(
    ("payload", "code"), [({"code": 0}, None), ({"code": "0"}, None), ({"data": {}}, None), ("x", None), ({"code": "40001"}, 40001)]
)
def test_code_of(payload, code):
    assert code_of(payload) == code


@pytest.fixture
def business(tenant_a, upstream_sleeps):
    return BusinessApiClient(
        tenant=tenant_a,
        app_id="app-1",
        app_secret="app-secret-1",
        credentials=StaticCredentials("act.tok"),
        base_url=BASE,
        sleep=upstream_sleeps,
    )


@pytest.fixture
def events(tenant_a, upstream_sleeps):
    return TikTokEventsClient(tenant=tenant_a, credentials=StaticCredentials("ev.tok"), base_url=BASE, sleep=upstream_sleeps)


def test_both_clients_read_40001_as_misconfigured(business, events, mock_upstream, tenant_a):
    mock_upstream.get(STORES, json=envelope(40001, "No permission to operate advertiser_id 7001."))
    mock_upstream.post(TRACK, json=envelope(40001, "No permission to operate pixel code CPIXEL."))

    with pytest.raises(Misconfigured) as by_business:
        business.gmv_max_stores("7001")
    with pytest.raises(Misconfigured) as by_events:
        events.track({"event_source": "web", "event_source_id": "CPIXEL", "data": []})

    assert by_business.value.message == "No permission to operate advertiser_id 7001."
    assert by_events.value.message == "TikTok 40001: No permission to operate pixel code CPIXEL."
    assert len(mock_upstream.calls) == 2  # neither is retried
    assert set(ApiCallLog.objects.for_tenant(tenant_a).values_list("outcome", flat=True)) == {"misconfigured"}


def test_both_clients_retry_51001(business, events, mock_upstream, upstream_sleeps):
    for url, method in ((STORES, mock_upstream.get), (TRACK, mock_upstream.post)):
        method(url, json=envelope(51001, "Internal error."))
        method(url, json=envelope(data={"store_list": []}))

    assert business.gmv_max_stores("7001") == []
    assert events.track({"data": []})["code"] == 0
    assert len(mock_upstream.calls) == 4
    assert len(upstream_sleeps) == 2


def test_rate_limit_honours_retry_after(events, mock_upstream, upstream_sleeps):
    mock_upstream.post(TRACK, json=envelope(40100, "Too many requests."), headers={"Retry-After": "3"})
    mock_upstream.post(TRACK, json=envelope())

    events.track({"data": []})

    assert upstream_sleeps == [3.0]


def test_token_and_app_secret_never_reach_messages(business, mock_upstream):
    mock_upstream.get(STORES, json=envelope(40002, "bad act.tok with app-secret-1"))

    with pytest.raises(BadRequest) as caught:
        business.gmv_max_stores("7001")

    assert "act.tok" not in str(caught.value) and "app-secret-1" not in str(caught.value)
    assert mock_upstream.calls[0].request.headers["Access-Token"] == "act.tok"


def test_token_exchange_sends_no_token(tenant_a, mock_upstream):
    mock_upstream.post(f"{BASE}/open_api/v1.3/oauth2/access_token/", json=envelope(data={"access_token": "act.new", "advertiser_ids": [1]}))

    grant = BusinessApiClient(tenant=tenant_a, app_id="app-1", app_secret="app-secret-1", base_url=BASE).exchange_auth_code("c")

    assert grant == {"access_token": "act.new", "advertiser_ids": ["1"], "scope": []}
    assert "Access-Token" not in mock_upstream.calls[0].request.headers


def test_every_tiktok_business_user_reads_this_table():
    from conversions.clients import TikTokEventsClient as DestinationEventsClient
    from tiktok_ads.client import BusinessApiClient as AdsClient

    # gmvmax reaches the platform through tiktok_ads' client.
    assert issubclass(AdsClient, BusinessApiClient)
    assert issubclass(DestinationEventsClient, TikTokEventsClient)
    assert AdsClient.raise_for_response is DestinationEventsClient.raise_for_response is BusinessApiClient.raise_for_response
