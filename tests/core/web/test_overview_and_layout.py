"""Overview page, base layout (navigation, switcher, user and role), auth pages, error pages,
vendored static files."""

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.test import Client

from core.models import Membership, Role, SyncState, Tenant
from core.registry import NavEntry
from tests.fixtures.html import messages, parse

pytestmark = pytest.mark.django_db


def nav_labels(content, apps=(None, "core")) -> list[str]:
    """The top bar's entries; by default the platform's own, whatever domain apps add."""
    return [_entry_label(a) for a in parse(content).find("nav").find_all("a") if a.attrs.get("data-app") in apps]


def _entry_label(link) -> str:
    """A navigation entry's label, without its hint (the ``<small>`` under it)."""
    return "".join(child for child in link.children if isinstance(child, str)).strip()


def test_overview_recent_syncs_are_the_current_tenants(web_client_for, tenant_a, tenant_b, sync_run_factory):
    client, _ = web_client_for(tenant_a, Role.VIEWER)
    sync_run_factory(tenant_a, target="shop:2", state=SyncState.SUCCEEDED, items_done=120, items_total=120)
    sync_run_factory(tenant_a, target="shop:2", state=SyncState.SUCCEEDED, items_done=80, items_total=80)
    sync_run_factory(tenant_a, target="shop:3", state=SyncState.FAILED, error="token expired")
    sync_run_factory(tenant_a, target="shop:1", state=SyncState.RUNNING, items_total=200, items_done=50, label="Acme orders")
    sync_run_factory(tenant_b, target="shop:b-only", state=SyncState.RUNNING, label="B orders")

    response = client.get("/")

    assert response.status_code == 200
    page = parse(response.content)
    assert page.find("h1").text == "Tenant A"
    runs = page.find(id="freshness").rows()
    assert [row[:2] for row in runs] == [
        ["Acme orders", "Running 50 / 200 items 25%"],
        ["Orders", "Failed 0 items 0%"],
        ["Orders", "Done 80 / 80 items 100%"],
        ["Orders", "Done 120 / 120 items 100%"],
    ]
    assert b"B orders" not in response.content and b"shop:b-only" not in response.content


def test_overview_running_sync_polls_and_finished_ones_do_not(web_client_for, tenant_a, sync_run_factory):
    client, _ = web_client_for(tenant_a, Role.VIEWER)
    running = sync_run_factory(tenant_a, target="shop:1", items_total=10, items_done=1)
    done = sync_run_factory(tenant_a, target="shop:2", state=SyncState.SUCCEEDED)

    page = parse(client.get("/").content)

    bar = page.find(id=f"sync-run-{running.pk}-progress-compact")
    assert (bar.attrs["hx-get"], bar.attrs["hx-trigger"]) == (f"/sync-runs/{running.pk}/progress/?compact=1", "every 1s")
    assert "hx-get" not in page.find(id=f"sync-run-{done.pk}-progress-compact").attrs


def test_overview_empty_states(web_client_for, tenant_a):
    client, _ = web_client_for(tenant_a, Role.OWNER)

    page = parse(client.get("/").content)

    assert page.find(id="freshness").find(cls="empty").find("h2").text == "No syncs yet"
    assert page.find(id="overview-sources").find(cls="empty").find("h2").text == "Nothing in this range yet"


@pytest.mark.parametrize(
    ("role", "entries"),
    [
        (Role.VIEWER, ["Overview", "Schedules", "Saved views", "Sync history", "Platform calls"]),
        (Role.ANALYST, ["Overview", "Schedules", "Saved views", "Sync history", "Platform calls"]),
        (Role.ADMIN, ["Overview", "Workspace", "API keys", "Schedules", "Saved views", "Sync history", "Platform calls"]),
        (Role.OWNER, ["Overview", "Workspace", "Members", "API keys", "Schedules", "Saved views", "Sync history", "Platform calls"]),
    ],
)
def test_navigation_shows_the_pages_the_role_may_open(web_client_for, tenant_a, role, entries):
    client, user = web_client_for(tenant_a, role)

    response = client.get("/sync-runs/")

    assert nav_labels(response.content) == entries
    page = parse(response.content)
    assert [_entry_label(a) for a in page.find("nav").find_all("a", cls="active")] == ["Sync history"]
    assert page.find(cls="account").text == f"Tenant A {user.username} {role} Log out"


def test_navigation_includes_entries_declared_by_other_apps(web_client_for, tenant_a, monkeypatch):
    other = apps.get_app_config("conversions")
    monkeypatch.setattr(other, "nav", (NavEntry("Health", "healthz", Role.VIEWER), NavEntry("Secret admin page", "healthz", Role.ADMIN)))
    client, _ = web_client_for(tenant_a, Role.ANALYST)

    page = parse(client.get("/").content)

    links = [
        (_entry_label(a), a.attrs["href"], a.attrs.get("data-app"))
        for a in page.find("nav").find_all("a")
        if a.attrs.get("data-app") in (None, "core", "conversions")
    ]
    assert links == [
        ("Overview", "/", None),
        ("Health", "/healthz", "conversions"),  # its group (Conversions) comes before Settings
        ("Schedules", "/settings/schedules/", "core"),
        ("Saved views", "/saved-views/", "core"),
        ("Sync history", "/sync-runs/", "core"),
        ("Platform calls", "/api-calls/", "core"),
    ]


def test_switcher_lists_the_users_tenants_only_when_there_is_a_choice(member_factory, tenant_a, tenant_b):
    user = member_factory(tenant_a, Role.ADMIN)
    Membership.objects.create(user=user, tenant=tenant_b, role=Role.VIEWER)
    Tenant.objects.create(name="Tenant C", slug="tenant-c")
    client = Client()
    client.force_login(user)

    switcher = parse(client.get("/").content).find("form", cls="tenant-switcher")

    options = [(o.attrs["value"], o.text, "selected" in o.attrs) for o in switcher.find_all("option")]
    assert options == [(str(tenant_a.pk), "Tenant A", True), (str(tenant_b.pk), "Tenant B", False)]
    assert switcher.find("select").attrs["name"] == "tenant_id"

    single = Client()
    single.force_login(member_factory(tenant_a, Role.VIEWER, username="only-a"))
    assert parse(single.get("/").content).find_all("form", cls="tenant-switcher") == []


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get("/sync-runs/")
    assert (response.status_code, response["Location"]) == (302, "/login/?next=/sync-runs/")
    page = parse(client.get("/login/").content)
    assert page.find("h1").text == "Log in"
    assert page.find_all("nav") == []


def test_login_and_logout(client, owner_a):
    bad = client.post("/login/", {"username": owner_a.username, "password": "wrong-password"})
    assert bad.status_code == 200
    assert parse(bad.content).find(cls="errorlist").text == "Your username and password didn't match. Please try again."

    response = client.post("/login/", {"username": owner_a.username, "password": "pass-word-123"})
    assert (response.status_code, response["Location"]) == (302, "/")
    assert parse(client.get("/").content).find("h1").text == "Tenant A"

    response = client.post("/logout/")
    assert (response.status_code, response["Location"]) == (302, "/login/")
    assert client.get("/").status_code == 302
    assert client.get("/logout/").status_code == 405  # logout is a POST (CSRF-protected) only


def test_user_without_tenant_gets_a_friendly_page(client, db):
    user = get_user_model().objects.create_user("loner", password="pass-word-123")
    client.force_login(user)

    response = client.get("/")

    assert response.status_code == 403
    assert parse(response.content).find("h1").text == "No tenant yet"


def test_wrong_role_gets_the_friendly_403(web_client_for, tenant_a):
    client, _ = web_client_for(tenant_a, Role.ANALYST)

    response = client.get("/settings/api-keys/")

    assert response.status_code == 403
    page = parse(response.content)
    assert page.find("h1").text == "You can't open this page"
    assert "Your role in Tenant A is analyst" in page.find(cls="error-page").text


def test_unknown_page_gets_the_friendly_404(web_client_for, tenant_a):
    client, _ = web_client_for(tenant_a, Role.VIEWER)

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert parse(response.content).find("h1").text == "Nothing here"


def test_vendored_htmx_and_chartjs_are_served(client):
    htmx = client.get("/static/vendor/htmx.min.js")
    chart = client.get("/static/vendor/chart.umd.min.js")

    assert htmx.status_code == 200 and b'version:"2.0.11"' in b"".join(htmx.streaming_content)
    assert chart.status_code == 200 and b'version="4.6.1"' in b"".join(chart.streaming_content)


def test_flash_messages_render_once(web_client_for, tenant_a, tenant_b):
    client, user = web_client_for(tenant_a, Role.OWNER)
    Membership.objects.create(user=user, tenant=tenant_b, role=Role.OWNER)

    response = client.post("/tenants/switch/", {"tenant_id": tenant_b.pk, "next": "/"}, follow=True)

    assert messages(response.content) == ["Switched to Tenant B."]
    assert messages(client.get("/").content) == []


