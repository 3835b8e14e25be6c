"""The Google OAuth token endpoint and the Google Ads uploadClickConversions emulators."""

import hashlib
import json
import uuid
from urllib.parse import urlencode

import pytest
import requests

from sandbox.emulators.google_ads import oauth
from sandbox.emulators.tiktok_events import receipts
from sandbox.models import ConversionReceipt, ReceivedRequest

TOKEN_URL = "/sandbox/google-oauth/token"
CUSTOMER = "1234567890"
URL = f"/sandbox/google-ads/v22/customers/{CUSTOMER}:uploadClickConversions"
ACTION = f"customers/{CUSTOMER}/conversionActions/987654321"
DEVELOPER_TOKEN = "dev-token-abc"
REFRESH = "1//refresh-token-abc"
EMAIL_HASH = hashlib.sha256(b"user@example.com").hexdigest()
PHONE_HASH = hashlib.sha256(b"+14155551234").hexdigest()
FAILURE_TYPE = "type.googleapis.com/google.ads.googleads.v22.errors.GoogleAdsFailure"


def refresh(client, **overrides):
    form = {
        "grant_type": "refresh_token",
        "client_id": "client-1.apps.googleusercontent.com",
        "client_secret": "shh",
        "refresh_token": REFRESH,
    }
    form.update(overrides)
    form = urlencode({key: value for key, value in form.items() if value is not None})
    return client.post(TOKEN_URL, data=form, content_type="application/x-www-form-urlencoded")


def access_token(client, **overrides) -> str:
    response = refresh(client, **overrides)
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


def conversion(n: int = 1, **overrides) -> dict:
    row = {
        "gclid": f"EAIaIQobChMI{n:06d}",
        "conversionAction": ACTION,
        "conversionDateTime": "2026-11-20 10:15:00+00:00",
        "conversionValue": 50.0,
        "currencyCode": "USD",
        "orderId": f"appt-{n}",
        "userIdentifiers": [{"hashedEmail": EMAIL_HASH}, {"hashedPhoneNumber": PHONE_HASH}],
    }
    row.update(overrides)
    return {key: value for key, value in row.items() if value is not None}


def upload(client, conversions=None, *, token=None, url=URL, headers=None, **top):
    body = {"conversions": conversions if conversions is not None else [conversion()], "partialFailure": True}
    body.update(top)
    all_headers = {"Authorization": f"Bearer {token or access_token(client)}", "developer-token": DEVELOPER_TOKEN}
    all_headers.update(headers or {})
    all_headers = {key: value for key, value in all_headers.items() if value is not None}
    return client.post(url, data=json.dumps(body), content_type="application/json", headers=all_headers)


def error_code(response) -> dict:
    return response.json()["error"]["details"][0]["errors"][0]["errorCode"]


def row_errors(body) -> list[tuple[int, str, dict]]:
    details = body["partialFailureError"]["details"][0]
    assert details["@type"] == FAILURE_TYPE
    return [
        (error["location"]["fieldPathElements"][0]["index"], error["location"]["fieldPathElements"][1]["fieldName"], error["errorCode"])
        for error in details["errors"]
    ]


# --- OAuth ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_refresh_grant_answers_a_bearer_token(client):
    response = refresh(client)
    assert response.status_code == 200
    body = response.json()
    assert body["access_token"].startswith("ya29.sbx.")
    assert body == {**body, "expires_in": 3599, "scope": "https://www.googleapis.com/auth/adwords", "token_type": "Bearer"}
    assert set(body) == {"access_token", "expires_in", "scope", "token_type"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "status", "error", "description"),
    [
        ({"grant_type": "authorization_code"}, 400, "unsupported_grant_type", "Invalid grant_type: authorization_code"),
        ({"grant_type": None}, 400, "invalid_request", "Missing required parameter: grant_type"),
        ({"refresh_token": None}, 400, "invalid_request", "Missing required parameter: refresh_token"),
        ({"client_secret": None}, 401, "invalid_client", "The OAuth client was not found."),
        ({"client_id": ""}, 401, "invalid_client", "The OAuth client was not found."),
    ],
)
def test_refresh_errors_in_googles_shape(client, overrides, status, error, description):
    response = refresh(client, **overrides)
    assert response.status_code == status
    assert response.json() == {"error": error, "error_description": description}


@pytest.mark.django_db
def test_revoked_refresh_token_and_unknown_client(client, sandbox):
    revoked = client.post("/sandbox/_control/google-oauth/tokens", data=json.dumps({"revoke": [REFRESH]}), content_type="application/json")
    assert revoked.json() == {"emulator": "google-oauth", "revoked_tokens": [REFRESH]}
    response = refresh(client)
    assert response.status_code == 400 and response.json() == {
        "error": "invalid_grant",
        "error_description": "Token has been expired or revoked.",
    }
    client.post("/sandbox/_control/google-oauth/tokens", data=json.dumps({"restore": [REFRESH]}), content_type="application/json")
    assert refresh(client).status_code == 200
    sandbox.set_options("google-oauth", unknown_clients=["client-1.apps.googleusercontent.com"])
    assert refresh(client).json()["error"] == "invalid_client"


@pytest.mark.django_db
def test_oauth_request_is_recorded_with_secrets_masked(client):
    refresh(client)
    record = ReceivedRequest.objects.get(emulator="google-oauth")
    assert "shh" not in record.body and REFRESH not in record.body and "client-1.apps.googleusercontent.com" in record.body


@pytest.mark.django_db
def test_oauth_faults(client):
    response = client.post(TOKEN_URL, data={"grant_type": "refresh_token"}, headers={"X-Sandbox-Fault": "expired_token"})
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"
    response = client.post(TOKEN_URL, data={}, headers={"X-Sandbox-Fault": "status=429;retry_after=4"})
    assert response.status_code == 429 and response["Retry-After"] == "4" and response.json()["error"] == "rate_limit_exceeded"


# --- Authentication -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_fresh_token_uploads_and_the_row_gets_a_receipt(client):
    response = upload(client)
    assert response.status_code == 200
    body = response.json()
    assert body["results"] == [
        {"gclid": "EAIaIQobChMI000001", "conversionAction": ACTION, "conversionDateTime": "2026-11-20 10:15:00+00:00"}
    ]
    assert "partialFailureError" not in body
    assert int(body["jobId"]) >= 2**31 and isinstance(body["jobId"], str)
    receipt = ConversionReceipt.objects.get()
    assert (receipt.emulator, receipt.destination, receipt.event_id, receipt.event_name) == ("google-ads", ACTION, "appt-1", "")
    assert receipt.request_id == response["request-id"]


@pytest.mark.django_db
@pytest.mark.parametrize("version", ["v17", "v20", "v26"])
def test_any_api_version_is_served(client, version):
    response = upload(client, url=URL.replace("v22", version))
    assert response.status_code == 200 and len(response.json()["results"]) == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("authorization", "code"),
    [
        (None, "OAUTH_TOKEN_INVALID"),
        ("Bearer ", "OAUTH_TOKEN_INVALID"),
        ("Bearer ya29.not-from-google-oauth", "OAUTH_TOKEN_INVALID"),
        ("Basic dXNlcjpwYXNz", "OAUTH_TOKEN_INVALID"),
    ],
)
def test_missing_or_forged_tokens_are_401(client, authorization, code):
    response = upload(client, token="x", headers={"Authorization": authorization})
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == 401 and error["status"] == "UNAUTHENTICATED"
    assert error["details"][0]["@type"] == FAILURE_TYPE
    assert error_code(response) == {"authenticationError": code}
    assert ConversionReceipt.objects.count() == 0


@pytest.mark.django_db
def test_a_tampered_token_is_invalid(client):
    token = access_token(client)
    payload, _, mac = token.rpartition(".")
    assert error_code(upload(client, token=f"{payload}x.{mac}")) == {"authenticationError": "OAUTH_TOKEN_INVALID"}


@pytest.mark.django_db
def test_tokens_expire_after_expires_in(client, monkeypatch):
    token = access_token(client)
    issued = oauth.access_token_parse(token)
    assert round(issued.expires_at - issued.issued_at) == 3599
    monkeypatch.setattr(oauth, "clock", lambda: issued.expires_at - 1)
    assert upload(client, token=token).status_code == 200
    monkeypatch.setattr(oauth, "clock", lambda: issued.expires_at + 1)
    response = upload(client, token=token)
    assert response.status_code == 401 and error_code(response) == {"authenticationError": "OAUTH_TOKEN_EXPIRED"}


@pytest.mark.django_db
def test_expire_control_and_refresh_again(client):
    token = access_token(client)
    expired = client.post("/sandbox/_control/google-oauth/tokens/expire", data="{}", content_type="application/json")
    assert expired.status_code == 200 and expired.json()["emulator"] == "google-oauth"
    assert error_code(upload(client, token=token)) == {"authenticationError": "OAUTH_TOKEN_EXPIRED"}
    fresh = access_token(client)
    while oauth.access_token_parse(fresh).issued_at <= expired.json()["expired_before"]:
        fresh = access_token(client)  # issued in the same millisecond as the expiry
    assert upload(client, token=fresh).status_code == 200


@pytest.mark.django_db
def test_revoking_the_refresh_token_revokes_its_access_tokens(client):
    token = access_token(client)
    other = access_token(client, refresh_token="1//another-refresh")
    client.post("/sandbox/_control/google-oauth/tokens", data=json.dumps({"revoke": [REFRESH]}), content_type="application/json")
    assert error_code(upload(client, token=token)) == {"authenticationError": "OAUTH_TOKEN_REVOKED"}
    assert upload(client, token=other).status_code == 200


@pytest.mark.django_db
def test_developer_token_missing_or_revoked(client):
    token = access_token(client)
    response = upload(client, token=token, headers={"developer-token": None})
    assert response.status_code == 401 and error_code(response) == {"authenticationError": "DEVELOPER_TOKEN_PARAMETER_MISSING"}
    client.post("/sandbox/_control/google-ads/tokens", data=json.dumps({"revoke": [DEVELOPER_TOKEN]}), content_type="application/json")
    response = upload(client, token=token)
    assert response.status_code == 403 and response.json()["error"]["status"] == "PERMISSION_DENIED"
    assert error_code(response) == {"authorizationError": "DEVELOPER_TOKEN_PROHIBITED"}
    client.post("/sandbox/_control/google-ads/tokens", data=json.dumps({"restore": [DEVELOPER_TOKEN]}), content_type="application/json")
    assert upload(client, token=token).status_code == 200


@pytest.mark.django_db
def test_developer_token_is_masked_in_the_record(client):
    upload(client)
    record = ReceivedRequest.objects.get(emulator="google-ads")
    assert DEVELOPER_TOKEN not in json.dumps(record.headers) and "ya29.sbx" not in json.dumps(record.headers)


# --- Request-level errors ---------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"partialFailure": False}, {"partialFailureError": "PARTIAL_FAILURE_MODE_REQUIRED"}),
        ({"partialFailure": None}, {"partialFailureError": "PARTIAL_FAILURE_MODE_REQUIRED"}),
        ({"conversions": []}, {"requestError": "REQUIRED_FIELD_MISSING"}),
        ({"url": "/sandbox/google-ads/v22/customers/123-456-7890:uploadClickConversions"}, {"requestError": "INVALID_CUSTOMER_ID"}),
        ({"headers": {"login-customer-id": "12-34"}}, {"authenticationError": "LOGIN_CUSTOMER_ID_PARAMETER_INVALID"}),
        ({"jobId": -1}, {"conversionUploadError": "INVALID_JOB_ID"}),
    ],
)
def test_request_level_errors_are_400_invalid_argument(client, kwargs, expected):
    response = upload(client, **kwargs)
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error["status"], error["message"]) == (400, "INVALID_ARGUMENT", "Request contains an invalid argument.")
    assert error_code(response) == expected
    assert ConversionReceipt.objects.count() == 0


@pytest.mark.django_db
def test_body_must_be_a_json_object(client):
    response = client.post(
        URL,
        data="[1]",
        content_type="application/json",
        headers={"Authorization": f"Bearer {access_token(client)}", "developer-token": "d"},
    )
    assert response.status_code == 400 and error_code(response) == {"requestError": "INVALID_INPUT"}


@pytest.mark.django_db
def test_login_customer_id_of_ten_digits_is_accepted(client):
    assert upload(client, headers={"login-customer-id": "9876543210"}).status_code == 200


@pytest.mark.django_db
def test_at_most_2000_conversions_a_request_by_default(client, sandbox):
    token = access_token(client)
    assert upload(client, [conversion(n) for n in range(2000)], token=token).status_code == 200
    response = upload(client, [conversion(n) for n in range(2001)], token=token)
    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["errors"][0] == {
        "errorCode": {"conversionUploadError": "TOO_MANY_CONVERSIONS_IN_REQUEST"},
        "message": "Upload fewer than 2001 events in a single request.",
    }
    sandbox.set_options("google-ads", max_conversions=10)
    assert upload(client, [conversion(n) for n in range(3000, 3011)], token=token).status_code == 400
    assert ConversionReceipt.objects.count() == 2000


# --- Partial failures -----------------------------------------------------------------------


@pytest.mark.django_db
def test_row_errors_are_partial_failures_at_their_index(client):
    rows = [
        conversion(0),
        conversion(1, conversionDateTime="2026-11-20T10:15:00Z"),
        conversion(2, gclid=None, gbraid="GBRAID123", wbraid="WBRAID123"),
        conversion(3, userIdentifiers=[{"hashedEmail": "user@example.com"}]),
        conversion(4, conversionAction="conversionActions/987654321"),
        conversion(5, gclid=None, userIdentifiers=None),
        conversion(6, gclid="has spaces!"),
        conversion(7, gbraid="GBRAID123"),
        conversion(8, userIdentifiers=[{"addressInfo": {"city": "x"}}]),
        conversion(9, currencyCode="dollars"),
        conversion(10, conversionDateTime="2026-13-45 10:15:00+00:00"),
        conversion(11, gclid=None, wbraid="WBRAID-OK"),
        conversion(12, userIdentifiers=[{"hashedEmail": EMAIL_HASH}] * 6),
        conversion(13, conversionAction=None),
        conversion(14, conversionValue="50"),
    ]
    response = upload(client, rows)
    assert response.status_code == 200
    body = response.json()
    assert [bool(result) for result in body["results"]] == [True] + [False] * 10 + [True] + [False] * 3
    assert body["results"][11] == {"wbraid": "WBRAID-OK", "conversionAction": ACTION, "conversionDateTime": "2026-11-20 10:15:00+00:00"}
    assert body["partialFailureError"]["code"] == 3
    assert row_errors(body) == [
        (1, "conversion_date_time", {"dateError": "INVALID_STRING_DATE_TIME_SECONDS_WITH_OFFSET"}),
        (2, "wbraid", {"conversionUploadError": "GBRAID_WBRAID_BOTH_SET"}),
        (3, "user_identifiers", {"conversionUploadError": "INVALID_USER_IDENTIFIER"}),
        (4, "conversion_action", {"requestError": "INVALID_RESOURCE_NAME"}),
        (5, "gclid", {"fieldError": "REQUIRED"}),
        (6, "gclid", {"conversionUploadError": "UNPARSEABLE_GCLID"}),
        (7, "gbraid", {"fieldError": "VALUE_MUST_BE_UNSET"}),
        (8, "user_identifiers", {"conversionUploadError": "UNSUPPORTED_USER_IDENTIFIER"}),
        (9, "currency_code", {"fieldError": "INVALID_VALUE"}),
        (10, "conversion_date_time", {"dateError": "INVALID_STRING_DATE_TIME_SECONDS_WITH_OFFSET"}),
        (12, "user_identifiers", {"collectionSizeError": "TOO_MANY"}),
        (13, "conversion_action", {"fieldError": "REQUIRED"}),
        (14, "conversion_value", {"fieldError": "INVALID_VALUE"}),
    ]
    assert body["partialFailureError"]["message"].startswith(
        "The string date time is not in the format yyyy-mm-dd hh:mm:ss+|-hh:mm., at conversions[1].conversion_date_time, "
    )
    assert sorted(ConversionReceipt.objects.values_list("event_id", flat=True)) == ["appt-0", "appt-11"]


@pytest.mark.django_db
def test_enhanced_conversions_for_leads_need_no_click_id(client):
    row = conversion(1, gclid=None, orderId=None, userIdentifiers=[{"hashedEmail": EMAIL_HASH, "userIdentifierSource": "FIRST_PARTY"}])
    body = upload(client, [row]).json()
    assert body["results"][0]["userIdentifiers"] == row["userIdentifiers"]
    assert ConversionReceipt.objects.get().event_id == f"{EMAIL_HASH}|2026-11-20 10:15:00+00:00"


@pytest.mark.django_db
def test_unknown_conversion_action_is_a_row_error_until_fixed(client):
    other = f"customers/{CUSTOMER}/conversionActions/111"
    answer = client.post(
        "/sandbox/_control/google-ads/destinations", data=json.dumps({"break": ["987654321"]}), content_type="application/json"
    )
    assert answer.json() == {"emulator": "google-ads", "unknown": ["987654321"]}
    body = upload(client, [conversion(1), conversion(2, conversionAction=other)]).json()
    assert body["results"][0] == {} and body["results"][1]["conversionAction"] == other
    assert row_errors(body) == [(0, "conversion_action", {"conversionUploadError": "NO_CONVERSION_ACTION_FOUND"})]
    client.post("/sandbox/_control/google-ads/destinations", data=json.dumps({"fix": ["987654321"]}), content_type="application/json")
    client.post("/sandbox/_control/google-ads/destinations", data=json.dumps({"break": [other]}), content_type="application/json")
    body = upload(client, [conversion(1), conversion(3, conversionAction=other)]).json()
    assert row_errors(body) == [(1, "conversion_action", {"conversionUploadError": "NO_CONVERSION_ACTION_FOUND"})]


@pytest.mark.django_db
def test_the_same_click_conversion_twice_in_a_request_is_refused_once(client):
    no_order = conversion(5, orderId=None)
    body = upload(client, [no_order, conversion(6), dict(no_order)], token=access_token(client)).json()
    assert [bool(result) for result in body["results"]] == [True, True, False]
    assert row_errors(body) == [(2, "conversion_date_time", {"conversionUploadError": "DUPLICATE_CLICK_CONVERSION_IN_REQUEST"})]
    assert ConversionReceipt.objects.count() == 2


@pytest.mark.django_db
def test_order_ids_dedupe_within_and_across_requests(client):
    token = access_token(client)
    body = upload(client, [conversion(1), conversion(2), conversion(1, gclid="EAIaIQobChMIother")], token=token).json()
    assert row_errors(body) == [(2, "order_id", {"conversionUploadError": "DUPLICATE_ORDER_ID"})]
    resend = upload(client, [conversion(3), conversion(2), conversion(1)], token=token).json()
    assert [bool(result) for result in resend["results"]] == [True, False, False]
    assert row_errors(resend) == [
        (1, "order_id", {"conversionUploadError": "ORDER_ID_ALREADY_IN_USE"}),
        (2, "order_id", {"conversionUploadError": "ORDER_ID_ALREADY_IN_USE"}),
    ]
    no_order = conversion(9, orderId=None)
    assert upload(client, [no_order], token=token).json()["results"][0]
    again = upload(client, [no_order], token=token).json()
    assert row_errors(again) == [(0, "conversion_date_time", {"conversionUploadError": "CLICK_CONVERSION_ALREADY_EXISTS"})]
    summary = client.get("/sandbox/_control/google-ads/receipts/summary").json()
    assert summary == {
        "emulator": "google-ads",
        "total": 4,
        "distinct_event_ids": 4,
        "duplicates": 0,
        "without_event_id": 0,
        "by_destination": {ACTION: {"total": 4, "distinct_event_ids": 4, "duplicates": 0, "without_event_id": 0}},
        "duplicates_rejected": 3,
    }
    assert client.delete("/sandbox/_control/google-ads/receipts").json() == {"emulator": "google-ads", "deleted": 4}
    assert client.get("/sandbox/_control/google-ads/receipts/summary").json()["duplicates_rejected"] == 0


@pytest.mark.django_db
def test_reused_order_ids_can_be_accepted_and_then_count_as_duplicates(client, sandbox):
    sandbox.set_options("google-ads", reject_reused_order_ids=False)
    token = access_token(client)
    upload(client, [conversion(1)], token=token)
    assert "partialFailureError" not in upload(client, [conversion(1)], token=token).json()
    summary = client.get("/sandbox/_control/google-ads/receipts/summary").json()
    assert (summary["total"], summary["duplicates"], summary["duplicates_rejected"]) == (2, 1, 0)


@pytest.mark.django_db
def test_validate_only_returns_errors_and_stores_nothing(client):
    body = upload(client, [conversion(1), conversion(2, gclid="bad gclid")], validateOnly=True).json()
    assert "results" not in body and "jobId" not in body
    assert row_errors(body) == [(1, "gclid", {"conversionUploadError": "UNPARSEABLE_GCLID"})]
    assert upload(client, [conversion(1)], validateOnly=True).json() == {}
    assert ConversionReceipt.objects.count() == 0


@pytest.mark.django_db
def test_a_given_job_id_is_echoed_as_a_string(client):
    assert upload(client, jobId=12345).json()["jobId"] == "12345"


# --- Rate limits and faults -------------------------------------------------------------


@pytest.mark.django_db
def test_qps_limit_is_429_resource_exhausted(client, sandbox, monkeypatch):
    monkeypatch.setattr(receipts, "clock", lambda: 1_900_000_000.25)
    sandbox.set_options("google-ads", qps=1)
    token, developer_token = access_token(client), f"dev-{uuid.uuid4()}"
    assert upload(client, [conversion(1)], token=token, headers={"developer-token": developer_token}).status_code == 200
    response = upload(client, [conversion(2)], token=token, headers={"developer-token": developer_token})
    assert response.status_code == 429 and response["Retry-After"] == "1"
    assert response.json()["error"]["status"] == "RESOURCE_EXHAUSTED"
    assert error_code(response) == {"quotaError": "RESOURCE_TEMPORARILY_EXHAUSTED"}
    assert ConversionReceipt.objects.count() == 1


@pytest.mark.django_db
def test_faults_in_googles_shape(client):
    token = access_token(client)
    limited = upload(client, token=token, headers={"X-Sandbox-Fault": "status=429;retry_after=7"})
    assert limited.status_code == 429 and limited["Retry-After"] == "7" and limited.json()["error"]["status"] == "RESOURCE_EXHAUSTED"
    expired = upload(client, token=token, headers={"X-Sandbox-Fault": "expired_token"})
    assert expired.status_code == 401 and error_code(expired) == {"authenticationError": "OAUTH_TOKEN_EXPIRED"}
    failed = upload(client, token=token, headers={"X-Sandbox-Fault": "status=500"})
    assert failed.status_code == 500 and failed.json() == {
        "error": {"code": 500, "message": "Internal error encountered.", "status": "INTERNAL"}
    }
    assert ConversionReceipt.objects.count() == 0


@pytest.mark.django_db
def test_order_ids_are_deduped_per_conversion_action(client):
    token = access_token(client)
    other = f"customers/{CUSTOMER}/conversionActions/555"
    body = upload(client, [conversion(1), conversion(1, conversionAction=other)], token=token).json()
    assert "partialFailureError" not in body and all(body["results"])
    again = upload(client, [conversion(1, conversionAction=other)], token=token).json()
    assert row_errors(again) == [(0, "order_id", {"conversionUploadError": "ORDER_ID_ALREADY_IN_USE"})]
    summary = client.get("/sandbox/_control/google-ads/receipts/summary").json()
    assert (summary["total"], summary["distinct_event_ids"], summary["duplicates"], summary["duplicates_rejected"]) == (2, 1, 0, 1)
    assert set(summary["by_destination"]) == {ACTION, other}


@pytest.mark.django_db
def test_the_settings_point_requests_at_the_emulators(sandbox, settings):
    token = requests.post(
        settings.GOOGLE_OAUTH_TOKEN_URL,
        data={"grant_type": "refresh_token", "client_id": "c", "client_secret": "s", "refresh_token": REFRESH},
        timeout=5,
    ).json()["access_token"]
    response = requests.post(
        f"{settings.GOOGLE_ADS_API_BASE}/v22/customers/{CUSTOMER}:uploadClickConversions",
        json={"conversions": [conversion(1)], "partialFailure": True},
        headers={"Authorization": f"Bearer {token}", "developer-token": DEVELOPER_TOKEN},
        timeout=5,
    )
    assert response.status_code == 200 and response.json()["results"][0]["gclid"] == "EAIaIQobChMI000001"
    assert [record.path for record in sandbox.received("google-ads")] == [
        f"/sandbox/google-ads/v22/customers/{CUSTOMER}:uploadClickConversions"
    ]
