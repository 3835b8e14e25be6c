"""Members settings page (owner): list, add by username or email, change role, remove; the last
owner can be neither demoted nor removed."""

import pytest

from core.models import Membership, Role
from tests.conftest import make_user
from tests.fixtures.html import messages, parse

pytestmark = pytest.mark.django_db


def roles(tenant) -> dict[str, str]:
    return dict(Membership.objects.filter(tenant=tenant).values_list("user__username", "role"))


@pytest.mark.parametrize("role", [Role.VIEWER, Role.ANALYST, Role.ADMIN])
def test_members_page_and_actions_need_owner(web_client_for, member_factory, tenant_a, role):
    client, _ = web_client_for(tenant_a, role)
    member_factory(tenant_a, Role.OWNER)
    make_user("newbie")
    viewer = Membership.objects.get(tenant=tenant_a, role=role)
    before = roles(tenant_a)

    assert client.get("/settings/members/").status_code == 403
    assert client.post("/settings/members/", {"user": "newbie", "role": "owner"}).status_code == 403
    assert client.post(f"/settings/members/{viewer.pk}/role/", {"role": "owner"}).status_code == 403
    assert client.post(f"/settings/members/{viewer.pk}/remove/").status_code == 403
    assert roles(tenant_a) == before


def test_list(web_client_for, member_factory, tenant_a, tenant_b):
    client, owner = web_client_for(tenant_a, Role.OWNER, username="olivia")
    member_factory(tenant_a, Role.ANALYST, username="anna")
    member_factory(tenant_b, Role.OWNER, username="bob")

    page = parse(client.get("/settings/members/").content)

    rows = page.find("table").rows()
    assert [row[:2] for row in rows] == [["anna", "anna@example.com"], ["olivia (you)", "olivia@example.com"]]
    selected = [
        [o.attrs["value"] for o in tr.find("select").find_all("option") if "selected" in o.attrs]
        for tr in page.find("table").find_all("tr")[1:]
    ]
    assert selected == [["analyst"], ["owner"]]
    assert page.find_all("h2")[1].text == "2 members"


@pytest.mark.parametrize("identifier", ["newbie", "NEWBIE@example.com"])
def test_add_by_username_or_email(web_client_for, tenant_a, identifier):
    client, _ = web_client_for(tenant_a, Role.OWNER, username="olivia")
    newbie = make_user("newbie")

    response = client.post("/settings/members/", {"user": identifier, "role": "analyst"}, follow=True)

    assert response.redirect_chain == [("/settings/members/", 302)]
    assert messages(response.content) == ["newbie added as analyst."]
    assert Membership.objects.get(tenant=tenant_a, user=newbie).role == Role.ANALYST


@pytest.mark.parametrize(
    ("data", "status", "error"),
    [
        ({"user": "nobody", "role": "viewer"}, 400, "Username or email Unknown user."),
        ({"user": "", "role": "viewer"}, 400, "Username or email This field is required."),
        (
            {"user": "newbie", "role": "emperor"},
            400,
            "Role Viewer Analyst Admin Owner Select a valid choice. emperor is not one of the available choices.",
        ),
    ],
)
def test_add_refuses_bad_input_and_changes_nothing(web_client_for, tenant_a, data, status, error):
    client, _ = web_client_for(tenant_a, Role.OWNER, username="olivia")
    make_user("newbie")

    response = client.post("/settings/members/", data)

    assert response.status_code == status
    assert [field.text for field in parse(response.content).find_all(cls="has-error")] == [error]
    assert roles(tenant_a) == {"olivia": "owner"}


def test_adding_an_existing_member_is_a_conflict(web_client_for, member_factory, tenant_a):
    client, _ = web_client_for(tenant_a, Role.OWNER, username="olivia")
    member_factory(tenant_a, Role.VIEWER, username="vic")

    response = client.post("/settings/members/", {"user": "vic", "role": "admin"})

    assert response.status_code == 409
    assert parse(response.content).find(cls="nonfield").text == "vic is already a member."
    assert roles(tenant_a) == {"olivia": "owner", "vic": "viewer"}


def test_change_role(web_client_for, member_factory, tenant_a):
    client, _ = web_client_for(tenant_a, Role.OWNER, username="olivia")
    member_factory(tenant_a, Role.VIEWER, username="vic")
    vic = Membership.objects.get(user__username="vic")

    response = client.post(f"/settings/members/{vic.pk}/role/", {"role": "admin"}, follow=True)

    assert response.redirect_chain == [("/settings/members/", 302)]
    assert messages(response.content) == ["vic is now admin."]
    assert roles(tenant_a) == {"olivia": "owner", "vic": "admin"}


def test_change_role_refuses_an_unknown_role(web_client_for, member_factory, tenant_a):
    client, _ = web_client_for(tenant_a, Role.OWNER, username="olivia")
    member_factory(tenant_a, Role.VIEWER, username="vic")
    vic = Membership.objects.get(user__username="vic")

    response = client.post(f"/settings/members/{vic.pk}/role/", {"role": "superuser"})

    assert response.status_code == 400
    assert messages(response.content) == ["Choose one of the listed roles."]
    assert roles(tenant_a) == {"olivia": "owner", "vic": "viewer"}


def test_the_last_owner_cannot_be_demoted_or_removed(web_client_for, member_factory, tenant_a):
    client, _ = web_client_for(tenant_a, Role.OWNER, username="olivia")
    member_factory(tenant_a, Role.ADMIN, username="adam")
    olivia = Membership.objects.get(user__username="olivia")

    demoted = client.post(f"/settings/members/{olivia.pk}/role/", {"role": "admin"})
    removed = client.post(f"/settings/members/{olivia.pk}/remove/")

    assert demoted.status_code == removed.status_code == 409
    assert messages(demoted.content) == ["A tenant needs at least one owner."]
    assert messages(removed.content) == ["A tenant needs at least one owner."]
    assert parse(removed.content).find("h1").text == "Members"
    assert roles(tenant_a) == {"adam": "admin", "olivia": "owner"}


def test_an_owner_can_step_down_when_another_owner_remains(web_client_for, member_factory, tenant_a):
    client, _ = web_client_for(tenant_a, Role.OWNER, username="olivia")
    member_factory(tenant_a, Role.OWNER, username="otto")
    olivia = Membership.objects.get(user__username="olivia")

    response = client.post(f"/settings/members/{olivia.pk}/role/", {"role": "analyst"})

    assert (response.status_code, response["Location"]) == (302, "/")  # the members page is no longer hers
    assert roles(tenant_a) == {"olivia": "analyst", "otto": "owner"}
    assert client.get("/settings/members/").status_code == 403


def test_remove(web_client_for, member_factory, tenant_a):
    client, _ = web_client_for(tenant_a, Role.OWNER, username="olivia")
    member_factory(tenant_a, Role.ANALYST, username="anna")
    anna = Membership.objects.get(user__username="anna")

    response = client.post(f"/settings/members/{anna.pk}/remove/", follow=True)

    assert messages(response.content) == ["anna removed from Tenant A."]
    assert roles(tenant_a) == {"olivia": "owner"}


def test_remove_form_asks_for_confirmation(web_client_for, member_factory, tenant_a):
    client, _ = web_client_for(tenant_a, Role.OWNER, username="olivia")
    member_factory(tenant_a, Role.ANALYST, username="anna")
    anna = Membership.objects.get(user__username="anna")

    form = parse(client.get("/settings/members/").content).find("tr", id=f"member-{anna.pk}").find_all("form")[1]

    assert form.attrs["action"] == f"/settings/members/{anna.pk}/remove/"
    assert form.attrs["data-confirm"] == "Remove anna from Tenant A?"


@pytest.mark.parametrize("action", ["role", "remove"])
def test_another_tenants_membership_is_404(web_client_for, member_factory, tenant_a, tenant_b, action):
    client, _ = web_client_for(tenant_a, Role.OWNER)
    member_factory(tenant_b, Role.VIEWER, username="bea")
    bea = Membership.objects.get(user__username="bea")

    response = client.post(f"/settings/members/{bea.pk}/{action}/", {"role": "owner"})

    assert response.status_code == 404
    assert roles(tenant_b) == {"bea": "viewer"}


def test_members_table_sorts_and_shows_roles_and_times(web_client_for, member_factory, tenant_a):
    from datetime import UTC, datetime

    client, _ = web_client_for(tenant_a, Role.OWNER, username="olivia")
    anna = member_factory(tenant_a, Role.ANALYST, username="anna")
    Membership.objects.filter(tenant=tenant_a, user=anna).update(last_active_at=datetime(2026, 1, 2, 3, 4, tzinfo=UTC))

    by_name = parse(client.get("/settings/members/?sort=-user").content)
    by_activity = parse(client.get("/settings/members/?sort=last_active_at").content)

    assert [row[0] for row in by_name.find("table").rows()] == ["olivia (you)", "anna"]
    assert [row[0] for row in by_activity.find("table").rows()] == ["anna", "olivia (you)"]  # never active: last
    header = {th.attrs["data-col"]: th for th in by_name.find("thead").find_all("th") if "data-col" in th.attrs}
    assert header["user"].attrs["aria-sort"] == "descending"
    assert by_name.find(id="members-controls").text.startswith("1–2 of 2 rows")
