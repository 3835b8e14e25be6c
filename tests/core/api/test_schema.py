"""The OpenAPI schema and the Swagger UI, served without any CDN."""

import pytest

pytestmark = pytest.mark.django_db

ENDPOINTS = {
    "/api/me/": {"get"},
    "/api/sync-runs/": {"get"},
    "/api/sync-runs/{id}/": {"get"},
    "/api/sync-runs/{id}/resume/": {"post"},
    "/api/sync-runs/{id}/cancel/": {"post"},
    "/api/api-calls/": {"get"},
    "/api/api-calls/{id}/": {"get"},
    "/api/api-keys/": {"get", "post"},
    "/api/api-keys/{id}/": {"get"},
    "/api/api-keys/{id}/revoke/": {"post"},
    "/api/members/": {"get", "post"},
    "/api/members/{id}/": {"get", "patch", "delete"},
}


def test_schema_documents_every_endpoint(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    core_paths = {path: set(ops) - {"parameters"} for path, ops in schema["paths"].items() if path in ENDPOINTS}
    assert core_paths == ENDPOINTS
    assert set(schema["components"]["securitySchemes"]) == {"ApiKey", "cookieAuth"}
    created = schema["paths"]["/api/api-keys/"]["post"]["responses"]["201"]["content"]["application/json"]["schema"]["$ref"]
    assert created == "#/components/schemas/ApiKeyCreated"
    assert "key" in schema["components"]["schemas"]["ApiKeyCreated"]["properties"]
    assert "key_hash" not in response.content.decode()
    conflict = schema["paths"]["/api/sync-runs/{id}/resume/"]["post"]["responses"]["409"]["content"]["application/json"]["schema"]["$ref"]
    assert conflict == "#/components/schemas/Error"
    state_filter = next(p for p in schema["paths"]["/api/sync-runs/"]["get"]["parameters"] if p["name"] == "state")
    assert state_filter["schema"]["enum"] == ["cancelled", "failed", "pending", "running", "succeeded"]


def test_swagger_ui_is_served_from_our_static_files(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
