"""Authentication and the error body: API keys, sessions with CSRF, and the 4xx rules."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from core.models import ApiCallLog, ApiKey, Role
from core.services import api_key_create, api_key_revoke
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def bearer(raw_key: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    return api


def test_me_with_an_api_key(tenant_a):
    issued = api_key_create(tenant=tenant_a, name="reporting", role=Role.ANALYST)
    response = bearer(issued.raw_key).get("/api/me/")
    assert response.status_code == 200
    assert response.json() == {
        "principal": {"type": "api_key", "id": issued.api_key.pk, "prefix": issued.api_key.prefix, "name": "reporting"},
        "tenant": {"id": tenant_a.pk, "name": "Tenant A", "slug": "tenant-a", "time_zone": "UTC"},
        "role": "analyst",
    }


def test_me_with_a_session(tenant_a, session_api_client_for):
    tenant_a.time_zone = "Asia/Jakarta"
    tenant_a.save()
    client, user = session_api_client_for(tenant_a, Role.VIEWER, username="vera")
    response = client.get("/api/me/")
    assert response.status_code == 200
    assert response.json() == {
        "principal": {"type": "user", "id": user.pk, "username": "vera", "email": "vera@example.com"},
        "tenant": {"id": tenant_a.pk, "name": "Tenant A", "slug": "tenant-a", "time_zone": "Asia/Jakarta"},
        "role": "viewer",
    }


def test_no_credentials_is_401_with_the_error_body(db):
    response = APIClient().get("/api/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json() == {
        "error": {"code": "not_authenticated", "message": "Authentication credentials were not provided.", "fields": {}}
    }


@pytest.mark.parametrize(
    "header",
    [
        "Bearer cap_deadbeef_not-a-real-secret",  # well-formed, unknown prefix
        "Bearer something-else",  # not a key at all
    ],
)
def test_unknown_api_key_is_401(tenant_a, header):
    issued = api_key_create(tenant=tenant_a, name="real")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=header)
    response = api.get("/api/me/")
    assert response.status_code == 401
    assert response.json() == {"error": {"code": "authentication_failed", "message": "Unknown or revoked API key.", "fields": {}}}
    assert ApiKey.objects.get(pk=issued.api_key.pk).last_used_at is None


def test_right_prefix_wrong_secret_is_401(tenant_a):
    issued = api_key_create(tenant=tenant_a, name="real")
    forged = f"cap_{issued.api_key.prefix}_forged-secret"
    response = bearer(forged).get("/api/me/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_empty_bearer_is_401(db):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Bearer ")
    response = api.get("/api/me/")
    assert response.status_code == 401
    assert response.json()["error"] == {"code": "authentication_failed", "message": "Missing API key after 'Bearer'.", "fields": {}}


def test_revoked_key_is_401(tenant_a):
    issued = api_key_create(tenant=tenant_a, name="old")
    assert bearer(issued.raw_key).get("/api/me/").status_code == 200
    api_key_revoke(api_key=issued.api_key)
    response = bearer(issued.raw_key).get("/api/me/")
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "Unknown or revoked API key."


def test_last_used_at_is_written_at_most_once_a_minute(tenant_a):
    issued = api_key_create(tenant=tenant_a, name="poller")
    api = bearer(issued.raw_key)

    api.get("/api/me/")
    first_use = ApiKey.objects.get(pk=issued.api_key.pk).last_used_at
    assert first_use is not None and timezone.now() - first_use < timedelta(minutes=1)

    api.get("/api/me/")
    assert ApiKey.objects.get(pk=issued.api_key.pk).last_used_at == first_use  # throttled

    thirty_seconds_ago = timezone.now() - timedelta(seconds=30)
    ApiKey.objects.filter(pk=issued.api_key.pk).update(last_used_at=thirty_seconds_ago)
    api.get("/api/me/")
    assert ApiKey.objects.get(pk=issued.api_key.pk).last_used_at == thirty_seconds_ago

    two_minutes_ago = timezone.now() - timedelta(minutes=2)
    ApiKey.objects.filter(pk=issued.api_key.pk).update(last_used_at=two_minutes_ago)
    api.get("/api/me/")
    assert ApiKey.objects.get(pk=issued.api_key.pk).last_used_at > two_minutes_ago + timedelta(seconds=60)


def test_a_user_without_a_tenant_is_403(db):
    api = APIClient()
    api.force_login(make_user("loner"))
    response = api.get("/api/sync-runs/")
    assert response.status_code == 403
    assert response.json() == {"error": {"code": "permission_denied", "message": "You are not a member of any tenant.", "fields": {}}}


def test_api_key_wins_over_the_session_tenant(tenant_a, tenant_b, session_api_client_for):
    """A browser session of tenant A sending tenant B's key acts as B, never as a mix."""
    client, _ = session_api_client_for(tenant_a, Role.OWNER)
    issued = api_key_create(tenant=tenant_b, name="b key", role=Role.VIEWER)
    response = client.get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {issued.raw_key}")
    assert response.json()["tenant"]["slug"] == "tenant-b"
    assert response.json()["role"] == "viewer"


def test_malformed_json_is_400_naming_the_problem(tenant_a, api_client_for):
    response = api_client_for(tenant_a, Role.ADMIN).post("/api/api-keys/", data='{"name": ', content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "malformed_request",
            "message": "Malformed request body: JSON parse error - Expecting value: line 1 column 10 (char 9)",
            "fields": {},
        }
    }
    assert ApiKey.objects.filter(tenant=tenant_a).count() == 1  # only the key the client uses


def test_unsupported_media_type_is_415(tenant_a, api_client_for):
    response = api_client_for(tenant_a, Role.ADMIN).post("/api/api-keys/", data="name=x", content_type="text/plain")
    assert response.status_code == 415
    assert response.json() == {
        "error": {"code": "unsupported_media_type", "message": 'Unsupported media type "text/plain" in request.', "fields": {}}
    }


def test_wrong_method_is_405(tenant_a, api_client_for):
    response = api_client_for(tenant_a, Role.ADMIN).delete("/api/sync-runs/")
    assert response.status_code == 405
    assert response.json() == {"error": {"code": "method_not_allowed", "message": 'Method "DELETE" not allowed.', "fields": {}}}


def test_non_integer_id_is_404_before_any_view_code(tenant_a, api_client_for):
    response = api_client_for(tenant_a, Role.ADMIN).get("/api/sync-runs/abc/")
    assert response.status_code == 404


@pytest.mark.parametrize("role,status", [(Role.VIEWER, 200), (Role.ANALYST, 200)])
def test_viewers_and_analysts_read_the_call_log(tenant_a, api_client_for, role, status):
    assert api_client_for(tenant_a, role).get("/api/api-calls/").status_code == status


def test_pagination_is_50_a_page(tenant_a, api_client_for):
    ApiCallLog.all_tenants.bulk_create(
        [ApiCallLog(tenant=tenant_a, provider="tiktok_shop", method="GET", endpoint=f"/orders/{i}") for i in range(51)]
    )
    api = api_client_for(tenant_a, Role.VIEWER)
    first = api.get("/api/api-calls/").json()
    assert first["count"] == 51
    assert len(first["results"]) == 50
    assert first["next"] == "http://testserver/api/api-calls/?page=2"
    assert first["previous"] is None
    second = api.get("/api/api-calls/?page=2").json()
    assert len(second["results"]) == 1
    assert api.get("/api/api-calls/?page_size=7").json()["results"].__len__() == 7
    beyond = api.get("/api/api-calls/?page=3")
    assert beyond.status_code == 404
    assert beyond.json()["error"] == {"code": "not_found", "message": "Invalid page.", "fields": {}}
