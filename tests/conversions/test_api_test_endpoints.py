"""The seed's test endpoints: Bearer test secret, the seed's body, {ok, status, body, requestBody}."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.django_db

SEED_BODY = {
    "eventId": "test-123",
    "eventName": "TRIAL_BOOKED",
    "eventTime": "2026-01-10T12:00:00Z",
    "ttclid": "E.C.P.abc123xyz",
    "email": "test@example.com",
    "phone": "+14155551234",
    "pageUrl": "https://virtu.academy/schedule",
}


@pytest.fixture(autouse=True)
def _env(settings):
    settings.CONVERSIONS_TEST_SECRET = "test-secret-1"
    settings.TIKTOK_PIXEL_ID = "CXXX"
    settings.TIKTOK_ACCESS_TOKEN = "tt-env-token"
    settings.META_PIXEL_ID = "1234567890123456"
    settings.META_ACCESS_TOKEN = "EAAenv"
    settings.GOOGLE_ADS_CUSTOMER_ID = "1234567890"
    settings.GOOGLE_ADS_CONVERSION_ACTION_ID = "55"
    settings.GOOGLE_ADS_DEVELOPER_TOKEN = "dev"
    settings.GOOGLE_ADS_CLIENT_ID = "cid"
    settings.GOOGLE_ADS_CLIENT_SECRET = "csecret"
    settings.GOOGLE_ADS_REFRESH_TOKEN = "rtoken"


@pytest.mark.parametrize("header", [None, "Bearer wrong", "test-secret-1", "Basic test-secret-1"])
@pytest.mark.parametrize("path", ["/api/test/tiktok", "/api/test/google-ads", "/api/test/meta"])
def test_missing_or_wrong_secret_is_401(path, header, api_client):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = api_client.post(path, SEED_BODY, format="json", **extra)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_tiktok_test_endpoint_answers_like_the_seed(api_client, sandbox):
    response = api_client.post("/api/test/tiktok", SEED_BODY, format="json", HTTP_AUTHORIZATION="Bearer test-secret-1")
    assert response.status_code == 200
    body = response.json()
    assert (body["ok"], body["status"]) == (True, 200)
    assert json.loads(body["body"])["code"] == 0
    request = json.loads(body["requestBody"])
    assert body["requestBody"].startswith(
        '{"event_source":"web","event_source_id":"CXXX","partner_name":"VirtuAnalytics","data":[{"event":"SubmitForm"'
    )
    assert request["data"][0]["event_id"] == "test-123"
    assert request["data"][0]["event_time"] == 1768046400
    assert "tt-env-token" not in response.content.decode()


def test_google_and_meta_test_endpoints_send(api_client, sandbox):
    google = api_client.post(
        "/api/test/google-ads", {**SEED_BODY, "gclid": "EAIaIQ"}, format="json", HTTP_AUTHORIZATION="Bearer test-secret-1"
    ).json()
    assert (google["ok"], google["status"]) == (True, 200)
    assert json.loads(google["requestBody"])["conversions"][0]["conversionDateTime"] == "2026-01-10 12:00:00+00:00"
    meta = api_client.post(
        "/api/test/meta", {**SEED_BODY, "eventTime": "2099-01-01T00:00:00Z"}, format="json", HTTP_AUTHORIZATION="Bearer test-secret-1"
    )
    assert meta.json() == {
        "ok": False,
        "skipped": True,
        "reason": "Event time in the future: Meta rejects it",
        "status": None,
        "body": None,
        "requestBody": None,
    }


def test_skip_reasons_come_back(api_client, settings):
    settings.TIKTOK_ACCESS_TOKEN = ""
    body = api_client.post("/api/test/tiktok", SEED_BODY, format="json", HTTP_AUTHORIZATION="Bearer test-secret-1").json()
    assert body["reason"] == "Missing env: TIKTOK_ACCESS_TOKEN"
    settings.OUTBOUND_MODE = "mock"
    body = api_client.post("/api/test/tiktok", SEED_BODY, format="json", HTTP_AUTHORIZATION="Bearer test-secret-1").json()
    assert body["reason"] == "TIKTOK mock mode"


def test_platform_error_is_reported_not_raised(api_client, sandbox):
    sandbox.set_options("tiktok-events", revoked_tokens=["tt-env-token"])
    body = api_client.post("/api/test/tiktok", SEED_BODY, format="json", HTTP_AUTHORIZATION="Bearer test-secret-1").json()
    assert body["ok"] is False
    assert body["status"] == 200
    assert "40105" in body["body"]
