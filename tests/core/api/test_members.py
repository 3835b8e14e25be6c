"""/api/members/: admins list members; owners add, change roles and remove."""

import pytest

from core.models import Membership, Role
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client(tenant_a, session_api_client_for):
    client, user = session_api_client_for(tenant_a, Role.OWNER, username="olga")
    return client


def post(client, url, payload):
    return client.post(url, payload, format="json", **client.csrf_headers)


def test_admins_list_members_sorted_by_username(tenant_a, tenant_b, member_factory, api_client_for):
    zed = member_factory(tenant_a, Role.VIEWER, username="zed")
    amy = member_factory(tenant_a, Role.ADMIN, username="amy")
    member_factory(tenant_b, Role.OWNER, username="bob")
    body = api_client_for(tenant_a, Role.ADMIN).get("/api/members/").json()
    assert body["count"] == 2
    first = body["results"][0]
    membership = Membership.objects.get(user=amy)
    assert first == {
        "id": membership.pk,
        "user": {"id": amy.pk, "username": "amy", "email": "amy@example.com"},
        "role": "admin",
        "created_at": first["created_at"],
        "last_active_at": None,
    }
    assert [row["user"]["username"] for row in body["results"]] == ["amy", "zed"]
    assert zed.pk in [row["user"]["id"] for row in body["results"]]


def test_analysts_cannot_list_members(tenant_a, api_client_for):
    response = api_client_for(tenant_a, Role.ANALYST).get("/api/members/")
    assert response.status_code == 403


def test_owner_adds_a_member_by_username_or_email(tenant_a, owner_client):
    make_user("newbie")
    make_user("second")
    response = post(owner_client, "/api/members/", {"user": "newbie", "role": "analyst"})
    assert response.status_code == 201
    assert (response.json()["user"]["username"], response.json()["role"]) == ("newbie", "analyst")
    by_email = post(owner_client, "/api/members/", {"user": "SECOND@example.com"})
    assert by_email.status_code == 201
    assert by_email.json()["role"] == "viewer"
    assert dict(Membership.objects.filter(tenant=tenant_a).values_list("user__username", "role")) == {
        "olga": "owner",
        "newbie": "analyst",
        "second": "viewer",
    }


def test_adding_an_unknown_user_is_400(tenant_a, owner_client):
    response = post(owner_client, "/api/members/", {"user": "ghost", "role": "viewer"})
    assert response.status_code == 400
    assert response.json() == {
        "error": {"code": "unknown_user", "message": "No user named 'ghost'.", "fields": {"user": ["Unknown user."]}}
    }


def test_adding_a_member_twice_is_409(tenant_a, owner_client, member_factory):
    member_factory(tenant_a, Role.VIEWER, username="vic")
    response = post(owner_client, "/api/members/", {"user": "vic", "role": "admin"})
    assert response.status_code == 409
    assert response.json()["error"] == {"code": "already_member", "message": "vic is already a member.", "fields": {}}
    assert Membership.objects.get(user__username="vic").role == Role.VIEWER


def test_unknown_role_is_400(tenant_a, owner_client):
    make_user("newbie")
    response = post(owner_client, "/api/members/", {"user": "newbie", "role": "god"})
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"role": ['"god" is not a valid choice.']}
    assert not Membership.objects.filter(user__username="newbie").exists()


def test_owner_changes_a_role(tenant_a, owner_client, member_factory):
    vic = member_factory(tenant_a, Role.VIEWER, username="vic")
    membership = Membership.objects.get(user=vic)
    response = owner_client.patch(f"/api/members/{membership.pk}/", {"role": "admin"}, format="json", **owner_client.csrf_headers)
    assert response.status_code == 200
    assert response.json()["role"] == "admin"
    membership.refresh_from_db()
    assert membership.role == Role.ADMIN


def test_the_last_owner_stays_an_owner(tenant_a, owner_client):
    mine = Membership.objects.get(user__username="olga")
    demote = owner_client.patch(f"/api/members/{mine.pk}/", {"role": "viewer"}, format="json", **owner_client.csrf_headers)
    assert demote.status_code == 409
    assert demote.json() == {"error": {"code": "last_owner", "message": "A tenant needs at least one owner.", "fields": {}}}
    leave = owner_client.delete(f"/api/members/{mine.pk}/", **owner_client.csrf_headers)
    assert leave.status_code == 409
    mine.refresh_from_db()
    assert mine.role == Role.OWNER


def test_owner_removes_a_member(tenant_a, owner_client, member_factory):
    vic = member_factory(tenant_a, Role.VIEWER, username="vic")
    membership = Membership.objects.get(user=vic)
    response = owner_client.delete(f"/api/members/{membership.pk}/", **owner_client.csrf_headers)
    assert response.status_code == 204
    assert response.content == b""
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_put_is_not_offered(tenant_a, owner_client):
    mine = Membership.objects.get(user__username="olga")
    response = owner_client.put(f"/api/members/{mine.pk}/", {"role": "owner"}, format="json", **owner_client.csrf_headers)
    assert response.status_code == 405


def test_admins_and_api_keys_cannot_change_members(tenant_a, member_factory, session_api_client_for, api_client_for):
    vic = member_factory(tenant_a, Role.VIEWER, username="vic")
    membership = Membership.objects.get(user=vic)
    make_user("newbie")
    admin, _ = session_api_client_for(tenant_a, Role.ADMIN)
    key = api_client_for(tenant_a, Role.ADMIN)  # keys are at most admin
    for client, headers in ((admin, admin.csrf_headers), (key, {})):
        assert client.patch(f"/api/members/{membership.pk}/", {"role": "owner"}, format="json", **headers).status_code == 403
        assert client.delete(f"/api/members/{membership.pk}/", **headers).status_code == 403
        assert client.post("/api/members/", {"user": "newbie"}, format="json", **headers).status_code == 403
    membership.refresh_from_db()
    assert membership.role == Role.VIEWER
    assert not Membership.objects.filter(user__username="newbie").exists()


def test_another_tenants_member_is_404(tenant_a, tenant_b, owner_client, member_factory):
    bob = member_factory(tenant_b, Role.VIEWER, username="bob")
    theirs = Membership.objects.get(user=bob)
    assert owner_client.get(f"/api/members/{theirs.pk}/").status_code == 404
    assert (
        owner_client.patch(f"/api/members/{theirs.pk}/", {"role": "owner"}, format="json", **owner_client.csrf_headers).status_code == 404
    )
    assert owner_client.delete(f"/api/members/{theirs.pk}/", **owner_client.csrf_headers).status_code == 404
    theirs.refresh_from_db()
    assert theirs.role == Role.VIEWER
