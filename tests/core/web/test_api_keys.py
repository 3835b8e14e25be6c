"""API key settings page (admin and owner): list, create with the raw key shown once, revoke."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import ApiKey, Role
from core.selectors import api_key_authenticate
from core.services import api_key_create, api_key_revoke
from tests.fixtures.html import messages, parse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [Role.VIEWER, Role.ANALYST])
def test_page_and_actions_need_admin(web_client_for, tenant_a, role):
    client, _ = web_client_for(tenant_a, role)
    key = api_key_create(tenant=tenant_a, name="bi").api_key

    assert client.get("/settings/api-keys/").status_code == 403
    assert client.post("/settings/api-keys/", {"name": "sneaky", "role": "admin"}).status_code == 403
    assert client.post(f"/settings/api-keys/{key.pk}/revoke/").status_code == 403
    assert list(ApiKey.objects.filter(tenant=tenant_a).values_list("name", "revoked_at")) == [("bi", None)]


def test_list_shows_the_tenants_keys(web_client_for, tenant_a, tenant_b):
    client, admin = web_client_for(tenant_a, Role.ADMIN)
    used = api_key_create(tenant=tenant_a, name="Warehouse", role=Role.VIEWER, created_by=admin).api_key
    ApiKey.objects.filter(pk=used.pk).update(created_at=timezone.now() - timedelta(days=2), last_used_at=timezone.now())
    revoked = api_key_revoke(api_key=api_key_create(tenant=tenant_a, name="Old script").api_key)
    api_key_create(tenant=tenant_b, name="B's key")

    response = client.get("/settings/api-keys/")

    assert response.status_code == 200
    rows = parse(response.content).find("table").rows()
    assert [[row[0], row[1], row[2], row[4] != "never", row[5], row[6]] for row in rows] == [
        ["Old script", f"cap_{revoked.prefix}_…Copy", "Analyst", False, "Revoked", ""],
        ["Warehouse", f"cap_{used.prefix}_…Copy", "Viewer", True, "Active", "Revoke"],
    ]
    assert rows[1][3].endswith(f"by {admin.username}")
    assert b"B&#x27;s key" not in response.content and b"B's key" not in response.content


def test_empty_state(web_client_for, tenant_a):
    client, _ = web_client_for(tenant_a, Role.ADMIN)
    assert parse(client.get("/settings/api-keys/").content).find(cls="empty").find("h2").text == "No API keys yet"


def test_created_key_is_shown_once_and_works(web_client_for, tenant_a):
    client, admin = web_client_for(tenant_a, Role.ADMIN)

    response = client.post("/settings/api-keys/", {"name": "  BI warehouse ", "role": "viewer"})

    assert response.status_code == 201
    assert "no-store" in response["Cache-Control"]
    page = parse(response.content)
    raw_key = page.find(id="new-api-key").find("code", cls="secret").text
    key = ApiKey.objects.get(tenant=tenant_a)
    assert (key.name, key.role, key.created_by, key.revoked_at) == ("BI warehouse", "viewer", admin, None)
    assert raw_key.startswith(f"cap_{key.prefix}_") and len(raw_key) > 40
    assert api_key_authenticate(raw_key) == key
    assert key.key_hash != raw_key and raw_key not in key.key_hash
    assert messages(response.content) == ["API key “BI warehouse” created. Copy it now: it will not be shown again."]

    again = client.get("/settings/api-keys/")
    assert raw_key.encode() not in again.content
    assert parse(again.content).find_all(id="new-api-key") == []
    assert raw_key not in str(dict(client.session))


@pytest.mark.parametrize(
    ("data", "field", "error"),
    [
        ({"name": "", "role": "analyst"}, "name", "This field is required."),
        ({"name": "   ", "role": "analyst"}, "name", "This field is required."),
        ({"name": "x" * 101, "role": "analyst"}, "name", "Ensure this value has at most 100 characters (it has 101)."),
        ({"name": "ok", "role": "owner"}, "role", "Select a valid choice. owner is not one of the available choices."),
        ({"name": "ok"}, "role", "This field is required."),
    ],
)
def test_bad_input_is_refused_and_creates_nothing(web_client_for, tenant_a, data, field, error):
    client, _ = web_client_for(tenant_a, Role.ADMIN)

    response = client.post("/settings/api-keys/", data)

    assert response.status_code == 400
    page = parse(response.content)
    assert page.find("input" if field == "name" else "select", id=f"id_{field}") is not None
    errors = [el.text for el in page.find_all(cls="has-error")]
    assert len(errors) == 1 and errors[0].endswith(error)
    assert page.find_all(id="new-api-key") == []
    assert ApiKey.objects.filter(tenant=tenant_a).count() == 0


def test_revoke(web_client_for, tenant_a):
    client, _ = web_client_for(tenant_a, Role.ADMIN)
    issued = api_key_create(tenant=tenant_a, name="Script")

    response = client.post(f"/settings/api-keys/{issued.api_key.pk}/revoke/", follow=True)

    assert response.redirect_chain == [("/settings/api-keys/", 302)]
    assert messages(response.content) == ["API key “Script” revoked. Requests using it are now refused."]
    assert ApiKey.objects.get(pk=issued.api_key.pk).revoked_at is not None
    assert api_key_authenticate(issued.raw_key) is None
    row = parse(response.content).find("tr", id=f"api-key-{issued.api_key.pk}")
    assert [badge.text for badge in row.find_all(cls="badge")] == ["Analyst"]
    assert [(chip.text, sorted(chip.classes)) for chip in row.find_all(cls="chip")] == [("Revoked", ["chip", "chip-bad"])]
    assert row.find_all("form") == []  # nothing left to revoke

    again = client.post(f"/settings/api-keys/{issued.api_key.pk}/revoke/", follow=True)
    assert messages(again.content) == ["API key “Script” was already revoked."]


def test_revoke_form_asks_for_confirmation(web_client_for, tenant_a):
    client, _ = web_client_for(tenant_a, Role.ADMIN)
    key = api_key_create(tenant=tenant_a, name="Script").api_key

    form = parse(client.get("/settings/api-keys/").content).find("tr", id=f"api-key-{key.pk}").find("form")

    assert (form.attrs["method"], form.attrs["action"]) == ("post", f"/settings/api-keys/{key.pk}/revoke/")
    assert form.attrs["data-confirm"] == "Revoke “Script”? Systems using it lose access immediately."


def test_another_tenants_key_is_404(web_client_for, tenant_a, tenant_b):
    client, _ = web_client_for(tenant_a, Role.OWNER)
    key_b = api_key_create(tenant=tenant_b, name="B").api_key

    response = client.post(f"/settings/api-keys/{key_b.pk}/revoke/")

    assert response.status_code == 404
    assert ApiKey.objects.get(pk=key_b.pk).revoked_at is None


def test_the_prefix_has_a_copy_button_and_the_table_sorts(web_client_for, tenant_a):
    client, _ = web_client_for(tenant_a, Role.ADMIN)
    zeta = api_key_create(tenant=tenant_a, name="Zeta", role=Role.VIEWER).api_key
    alpha = api_key_create(tenant=tenant_a, name="Alpha", role=Role.ADMIN).api_key
    api_key_revoke(api_key=alpha)

    page = parse(client.get("/settings/api-keys/?sort=name").content)

    assert [row[0] for row in page.find("table").rows()] == ["Alpha", "Zeta"]
    button = page.find("tr", id=f"api-key-{zeta.pk}").find("button", cls="copy-button")
    assert (button.attrs["data-copy"], button.attrs["aria-label"]) == (f"cap_{zeta.prefix}", "Copy the prefix of Zeta")
    assert [row[0] for row in parse(client.get("/settings/api-keys/?sort=-name").content).find("table").rows()] == ["Zeta", "Alpha"]
    # Status: revoked keys sort by when they were revoked; active ones (no date) always last.
    assert [row[0] for row in parse(client.get("/settings/api-keys/?sort=revoked_at").content).find("table").rows()] == ["Alpha", "Zeta"]
