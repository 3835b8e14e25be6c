"""integrations.meta: the Conversions API call and the Graph error codes."""

from __future__ import annotations

import pytest

from core.http import AuthExpired, BadRequest, Misconfigured, RateLimited, Upstream5xx
from integrations.base import StaticCredentials
from integrations.meta import MetaCapiClient

BASE = "https://graph.facebook.test"
EVENTS = f"{BASE}/v21.0/1234567890123456/events"


@pytest.fixture
def meta(tenant_a, upstream_sleeps):
    return MetaCapiClient(
        tenant=tenant_a,
        pixel_id="1234567890123456",
        credentials=StaticCredentials("EAAtoken123"),
        api_version="v21.0",
        base_url=BASE,
        credential_key="EAAtoken123",
        sleep=upstream_sleeps,
        max_attempts=1,
    )


def test_events_go_to_the_pixel_with_the_token_as_a_parameter(meta, mock_upstream, tenant_a):
    mock_upstream.post(EVENTS, json={"events_received": 1, "fbtrace_id": "AbC"})

    assert meta.send_events({"data": [{"event_name": "Lead"}]}) == {"events_received": 1, "fbtrace_id": "AbC"}
    assert "access_token=EAAtoken123" in mock_upstream.calls[0].request.url
    assert meta.last_call.endpoint == "/events"


@pytest.mark.parametrize(
    ("status", "error", "expected"),
    [
        (400, {"code": 190, "error_subcode": 463}, AuthExpired),
        (400, {"code": 4}, RateLimited),
        (400, {"code": 613}, RateLimited),
        (500, {"code": 2}, Upstream5xx),
        (400, {"code": 1, "is_transient": True}, Upstream5xx),
        (400, {"code": 10}, Misconfigured),
        (400, {"code": 100, "error_subcode": 33}, Misconfigured),
        (400, {"code": 100, "error_subcode": 2804050}, BadRequest),
        (503, {"code": 999}, Upstream5xx),
    ],
)
def test_graph_errors(meta, mock_upstream, status, error, expected):
    mock_upstream.post(EVENTS, status=status, json={"error": {"message": "Invalid parameter", "type": "OAuthException", **error}})

    with pytest.raises(expected) as caught:
        meta.send_events({"data": []})

    assert type(caught.value) is expected
    assert caught.value.code == error["code"]
    assert caught.value.message.startswith(f"Meta {error['code']}")
