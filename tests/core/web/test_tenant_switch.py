"""Tenant switcher: POST only, changes request.tenant, refuses tenants the user isn't in."""

import pytest

from core.models import Membership, Role, Tenant
from tests.fixtures.html import messages, parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_tenant_client(web_client_for, tenant_a, tenant_b):
    client, user = web_client_for(tenant_a, Role.OWNER, username="olivia")
    Membership.objects.create(user=user, tenant=tenant_b, role=Role.VIEWER)
    return client


def test_switch_changes_the_tenant_and_role(two_tenant_client, tenant_a, tenant_b):
    assert two_tenant_client.get("/").wsgi_request.tenant == tenant_a

    response = two_tenant_client.post("/tenants/switch/", {"tenant_id": tenant_b.pk, "next": "/sync-runs/?state=failed"})

    assert (response.status_code, response["Location"]) == (302, "/sync-runs/?state=failed")
    assert two_tenant_client.session["active_tenant_id"] == tenant_b.pk
    after = two_tenant_client.get("/")
    assert (after.wsgi_request.tenant, after.wsgi_request.role) == (tenant_b, Role.VIEWER)
    page = parse(after.content)
    assert page.find("h1").text == "Tenant B"
    assert messages(after.content) == ["Switched to Tenant B."]
    assert page.find(cls="who", id=None).find(cls="badge").text == "viewer"
    assert two_tenant_client.get("/settings/members/").status_code == 403  # owner in A, viewer in B


def test_switch_refuses_a_tenant_the_user_is_not_a_member_of(two_tenant_client, tenant_a):
    other = Tenant.objects.create(name="Tenant C", slug="tenant-c")

    response = two_tenant_client.post("/tenants/switch/", {"tenant_id": other.pk}, follow=True)

    assert response.redirect_chain == [("/", 302)]
    assert messages(response.content) == ["You are not a member of that tenant."]
    assert response.wsgi_request.tenant == tenant_a
    assert "active_tenant_id" not in two_tenant_client.session
    assert parse(response.content).find("h1").text == "Tenant A"


@pytest.mark.parametrize("tenant_id", ["", "abc", "-1", "999999"])
def test_switch_refuses_garbage(two_tenant_client, tenant_a, tenant_id):
    response = two_tenant_client.post("/tenants/switch/", {"tenant_id": tenant_id}, follow=True)

    assert messages(response.content) == ["You are not a member of that tenant."]
    assert response.wsgi_request.tenant == tenant_a


@pytest.mark.parametrize(
    ("next_url", "destination"),
    [
        ("/api-calls/?provider=shopee", "/api-calls/?provider=shopee"),
        ("/sync-runs/12/", "/"),  # an object of the previous tenant would be a 404
        ("https://evil.example/phish", "/"),
        ("//evil.example/", "/"),
        ("/no/such/page/", "/"),
        ("", "/"),
    ],
)
def test_switch_goes_back_to_the_same_section_only(two_tenant_client, tenant_b, next_url, destination):
    response = two_tenant_client.post("/tenants/switch/", {"tenant_id": tenant_b.pk, "next": next_url})
    assert response["Location"] == destination


def test_switch_is_post_only_and_needs_login(client, two_tenant_client, tenant_b):
    assert two_tenant_client.get(f"/tenants/switch/?tenant_id={tenant_b.pk}").status_code == 405
    anonymous = client.post("/tenants/switch/", {"tenant_id": tenant_b.pk})
    assert (anonymous.status_code, anonymous["Location"]) == (302, "/login/?next=/tenants/switch/")


def test_switcher_form_posts_to_the_switch_url_with_the_current_page(two_tenant_client):
    form = parse(two_tenant_client.get("/api-calls/?outcome=ok").content).find("form", cls="tenant-switcher")

    assert (form.attrs["method"], form.attrs["action"]) == ("post", "/tenants/switch/")
    assert [i.attrs["value"] for i in form.find_all("input") if i.attrs.get("name") == "next"] == ["/api-calls/?outcome=ok"]
    assert "data-autosubmit" in form.find("select").attrs
