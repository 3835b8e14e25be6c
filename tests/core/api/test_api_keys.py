"""/api/api-keys/: admins list, issue (the key is shown once) and revoke keys."""

import re

import pytest
from rest_framework.test import APIClient

from core.models import ApiKey, Role
from core.selectors import hash_api_key
from core.services import api_key_create

pytestmark = pytest.mark.django_db

LISTED_FIELDS = {"id", "name", "prefix", "role", "is_active", "created_by", "created_at", "last_used_at", "revoked_at"}


def test_create_returns_the_key_once_and_it_works(tenant_a, session_api_client_for):
    client, user = session_api_client_for(tenant_a, Role.ADMIN, username="ada")
    response = client.post("/api/api-keys/", {"name": "  BI export  ", "role": "viewer"}, format="json", **client.csrf_headers)
    assert response.status_code == 201
    assert "no-store" in response["Cache-Control"]
    body = response.json()
    assert set(body) == LISTED_FIELDS | {"key"}
    stored = ApiKey.objects.get(pk=body["id"])
    assert re.fullmatch(rf"cap_{stored.prefix}_[A-Za-z0-9-]{{43}}", body["key"])
    assert stored.key_hash == hash_api_key(body["key"])
    assert (body["name"], body["role"], body["prefix"], body["created_by"], body["is_active"]) == (
        "BI export",
        "viewer",
        stored.prefix,
        "ada",
        True,
    )
    assert (stored.tenant_id, stored.created_by_id) == (tenant_a.pk, user.pk)

    # The key authenticates, as a viewer of tenant A ...
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {body['key']}")
    assert api.get("/api/me/").json()["principal"] == {"type": "api_key", "id": stored.pk, "prefix": stored.prefix, "name": "BI export"}
    # ... and is never shown again.
    detail = client.get(f"/api/api-keys/{stored.pk}/")
    assert set(detail.json()) == LISTED_FIELDS
    assert body["key"] not in detail.content.decode()
    assert body["key"] not in client.get("/api/api-keys/").content.decode()


def test_writes_from_a_session_need_the_csrf_token(tenant_a, session_api_client_for):
    client, _ = session_api_client_for(tenant_a, Role.ADMIN)
    response = client.post("/api/api-keys/", {"name": "no token"}, format="json")
    assert response.status_code == 403
    assert response.json() == {"error": {"code": "permission_denied", "message": "CSRF Failed: CSRF token missing.", "fields": {}}}
    assert not ApiKey.objects.filter(name="no token").exists()


def test_a_key_created_with_a_key_has_no_creator(tenant_a, api_client_for):
    response = api_client_for(tenant_a, Role.ADMIN).post("/api/api-keys/", {"name": "robot"}, format="json")
    assert response.status_code == 201
    assert (response.json()["created_by"], response.json()["role"]) == (None, "analyst")


def test_list_never_shows_hashes(tenant_a, tenant_b, api_client_for):
    mine = api_key_create(tenant=tenant_a, name="one", role=Role.VIEWER)
    api_key_create(tenant=tenant_b, name="theirs")
    api = api_client_for(tenant_a, Role.ADMIN)
    response = api.get("/api/api-keys/")
    body = response.json()
    assert body["count"] == 2  # "one" and the key the client authenticates with
    assert sorted(row["name"] for row in body["results"]) == ["one", "test key"]
    assert all(set(row) == LISTED_FIELDS for row in body["results"])
    text = response.content.decode()
    assert mine.api_key.key_hash not in text and mine.raw_key not in text and "key_hash" not in text


@pytest.mark.parametrize(
    "payload,fields",
    [
        ({"name": "x", "role": "owner"}, {"role": ['"owner" is not a valid choice.']}),
        ({"role": "viewer"}, {"name": ["This field is required."]}),
        ({"name": "n" * 101}, {"name": ["Ensure this field has no more than 100 characters."]}),
    ],
)
def test_invalid_input_is_400_and_creates_nothing(tenant_a, api_client_for, payload, fields):
    api = api_client_for(tenant_a, Role.ADMIN)
    response = api.post("/api/api-keys/", payload, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "error": {"code": "invalid", "message": f"Some fields are invalid: {', '.join(sorted(fields))}", "fields": fields}
    }
    assert ApiKey.objects.filter(tenant=tenant_a).count() == 1


def test_blank_name_is_400(tenant_a, api_client_for):
    response = api_client_for(tenant_a, Role.ADMIN).post("/api/api-keys/", {"name": "   "}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"name": ["This field may not be blank."]}


def test_revoke(tenant_a, api_client_for):
    target = api_key_create(tenant=tenant_a, name="leaked")
    response = api_client_for(tenant_a, Role.ADMIN).post(f"/api/api-keys/{target.api_key.pk}/revoke/")
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert response.json()["revoked_at"] is not None
    revoked = APIClient()
    revoked.credentials(HTTP_AUTHORIZATION=f"Bearer {target.raw_key}")
    assert revoked.get("/api/me/").status_code == 401


@pytest.mark.parametrize("role", [Role.VIEWER, Role.ANALYST])
def test_keys_are_admin_only(tenant_a, api_client_for, role):
    target = api_key_create(tenant=tenant_a, name="keep")
    api = api_client_for(tenant_a, role)
    assert api.get("/api/api-keys/").status_code == 403
    assert api.post("/api/api-keys/", {"name": "sneaky"}, format="json").status_code == 403
    assert api.post(f"/api/api-keys/{target.api_key.pk}/revoke/").status_code == 403
    assert ApiKey.objects.get(pk=target.api_key.pk).revoked_at is None
    assert not ApiKey.objects.filter(name="sneaky").exists()


def test_another_tenants_key_is_404(tenant_a, tenant_b, api_client_for):
    theirs = api_key_create(tenant=tenant_b, name="b")
    api = api_client_for(tenant_a, Role.ADMIN)
    assert api.get(f"/api/api-keys/{theirs.api_key.pk}/").status_code == 404
    assert api.post(f"/api/api-keys/{theirs.api_key.pk}/revoke/").status_code == 404
    assert ApiKey.objects.get(pk=theirs.api_key.pk).revoked_at is None
