"""integrations.google_ads: the OAuth refresh-token grant, the credentials it asks, and the
error names of an upload."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

import pytest

from core.http import AuthExpired, BadRequest, Misconfigured
from integrations.google_ads import GoogleAdsClient, GoogleOAuthCredentials, google_error_codes, row_index

BASE = "https://googleads.test"
TOKEN_URL = "https://oauth2.test/token"
UPLOAD = f"{BASE}/v22/customers/1234567890:uploadClickConversions"


def credentials(**kwargs):
    return GoogleOAuthCredentials(client_id="cid", client_secret="csecret", refresh_token="rtoken", **kwargs)


def client(tenant, creds, **kwargs):
    return GoogleAdsClient(
        tenant=tenant,
        customer_id="1234567890",
        developer_token="devtok",
        login_customer_id="111-222-3333",
        credentials=creds,
        token_url=TOKEN_URL,
        api_version="v22",
        base_url=BASE,
        credential_key="rtoken",
        **kwargs,
    )


def test_a_missing_token_is_fetched_first_and_handed_to_the_store(tenant_a, mock_upstream):
    stored: list[str] = []
    mock_upstream.post(TOKEN_URL, json={"access_token": "ya29.one", "expires_in": 3599})
    mock_upstream.post(UPLOAD, json={"results": [{}]})

    client(tenant_a, credentials(on_store=lambda token, expires: stored.append(token))).upload({"conversions": [{}]})

    oauth, upload = mock_upstream.calls
    assert parse_qs(oauth.request.body) == {
        "grant_type": ["refresh_token"],
        "client_id": ["cid"],
        "client_secret": ["csecret"],
        "refresh_token": ["rtoken"],
    }
    assert upload.request.headers["Authorization"] == "Bearer ya29.one"
    assert (upload.request.headers["developer-token"], upload.request.headers["login-customer-id"]) == ("devtok", "1112223333")
    assert stored == ["ya29.one"]


def test_a_refused_token_prefers_one_another_worker_stored(tenant_a, mock_upstream):
    fresh = datetime.now(UTC) + timedelta(hours=1)
    creds = credentials(access_token="ya29.old", expires_at=fresh, stored=lambda: ("ya29.other", fresh))
    mock_upstream.post(UPLOAD, status=401, json={"error": {"code": 401, "message": "Request had invalid authentication credentials."}})
    mock_upstream.post(UPLOAD, json={"results": [{}]})

    client(tenant_a, creds).upload({"conversions": [{}]})

    assert [call.request.url for call in mock_upstream.calls] == [UPLOAD, UPLOAD]  # no OAuth call
    assert mock_upstream.calls[1].request.headers["Authorization"] == "Bearer ya29.other"


def test_a_refused_refresh_token_is_auth_expired(tenant_a, mock_upstream):
    mock_upstream.post(TOKEN_URL, status=400, json={"error": "invalid_grant", "error_description": "Token has been expired or revoked."})

    with pytest.raises(AuthExpired) as caught:
        client(tenant_a, credentials()).upload({"conversions": [{}]})

    assert caught.value.message == "Google OAuth refresh refused: invalid_grant Token has been expired or revoked."
    assert "csecret" not in str(caught.value)


def failure(status, *codes):
    details = [{"errors": [{"errorCode": {"conversionUploadError": code}, "message": code} for code in codes]}]
    return {"error": {"code": status, "status": "INVALID_ARGUMENT", "message": "Request contains an invalid argument.", "details": details}}


@pytest.mark.parametrize(
    ("status", "codes", "expected"),
    [
        (400, ["NO_CONVERSION_ACTION_FOUND"], Misconfigured),
        (400, ["INVALID_CONVERSION_ACTION_TYPE"], Misconfigured),
        (400, ["GBRAID_WBRAID_BOTH_SET"], BadRequest),
        (403, ["USER_PERMISSION_DENIED"], Misconfigured),
    ],
)
def test_upload_errors(tenant_a, mock_upstream, status, codes, expected):
    fresh = datetime.now(UTC) + timedelta(hours=1)
    mock_upstream.post(UPLOAD, status=status, json=failure(status, *codes))

    with pytest.raises(expected) as caught:
        client(tenant_a, credentials(access_token="ya29.ok", expires_at=fresh)).upload({"conversions": [{}]})

    assert type(caught.value) is expected
    assert caught.value.message == "Google Ads INVALID_ARGUMENT: Request contains an invalid argument."


def test_partial_failure_helpers():
    error = {
        "errorCode": {"conversionUploadError": "TOO_RECENT_EVENT"},
        "location": {"fieldPathElements": [{"fieldName": "conversions", "index": 2}]},
    }
    assert google_error_codes([{"errors": [error]}]) == ["TOO_RECENT_EVENT"]
    assert row_index(error) == 2
    assert row_index({"location": {"fieldPathElements": [{"fieldName": "other"}]}}) is None
