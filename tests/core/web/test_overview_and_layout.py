"""Overview page, base layout (navigation, switcher, user and role), auth pages, error pages,
vendored static files."""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.test import Client

from core.models import FxRate, Membership, Role, SyncState, Tenant
from core.registry import ChecklistStep, DailyFigure, NavEntry, Overview
from tests.fixtures.html import messages, parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def overview_source(monkeypatch):
    """Makes the sandbox app answer the overview hook with ``figures`` (one app is enough: core
    only adds up what the apps hand over)."""
    sandbox = apps.get_app_config("sandbox")

    def install(figures=(), freshness=(), checklist=()):
        monkeypatch.setattr(
            sandbox,
            "overview",
            lambda tenant, date_range: Overview(figures=list(figures), freshness=list(freshness), checklist=list(checklist)),
            raising=False,
        )

    sandbox_as_platform_app(monkeypatch, alone=True)
    return install


def sandbox_as_platform_app(monkeypatch, *, alone: bool = False):
    """platform_apps() lists PlatformAppConfig instances only; let the sandbox count as one."""
    from core.registry import PlatformAppConfig

    sandbox = apps.get_app_config("sandbox")
    hooks = (("nav", ()), ("nav_group", "Settings"), ("labels", {}), ("search", lambda tenant, query, limit: []), ("overview", lambda tenant, date_range: None))
    for name, value in hooks:
        if not hasattr(sandbox, name):
            monkeypatch.setattr(sandbox, name, value, raising=False)
    platform = [config for config in apps.get_app_configs() if isinstance(config, PlatformAppConfig)]
    # alone: the overview reads only what the test hands over, not the real apps' (empty) data.
    monkeypatch.setattr("core.registry.platform_apps", lambda: iter([sandbox] if alone else [*platform, sandbox]))
    return sandbox


def test_overview_blends_every_source_into_the_reporting_currency(web_client_for, tenant_a, overview_source):
    tenant_a.reporting_currency, tenant_a.time_zone = "USD", "Asia/Jakarta"
    tenant_a.save()
    FxRate.objects.create(tenant=tenant_a, currency="IDR", day=date(2026, 1, 1), rate=Decimal("0.00006"))
    FxRate.objects.create(tenant=tenant_a, currency="IDR", day=date(2026, 11, 20), rate=Decimal("0.00007"))
    FxRate.objects.create(tenant=tenant_a, currency="MYR", day=date(2026, 1, 1), rate=Decimal("0.25"))
    overview_source(
        figures=[
            DailyFigure(date(2026, 11, 19), "Shop ID", "IDR", gmv=Decimal("10000000"), orders=40),  # 600.00 USD
            DailyFigure(date(2026, 11, 20), "Shop ID", "IDR", gmv=Decimal("10000000"), orders=50),  # 700.00 USD
            DailyFigure(date(2026, 11, 20), "Shop MY", "MYR", gmv=Decimal("2000"), orders=10),  # 500.00 USD
            DailyFigure(date(2026, 11, 20), "Ads MY", "MYR", ad_spend=Decimal("1800")),  # 450.00 USD
            DailyFigure(date(2026, 11, 20), "TikTok Events", conversions=33),
            DailyFigure(date(2026, 11, 18), "Shop ID", "IDR", gmv=Decimal("5000000"), orders=20),  # before the range: previous period
            DailyFigure(date(2026, 11, 20), "Shop TH", "THB", gmv=Decimal("999"), orders=1),  # no rate: left out, named
        ]
    )
    client, _ = web_client_for(tenant_a, Role.VIEWER)

    response = client.get("/", {"range": "custom", "start": "2026-11-19", "end": "2026-11-20", "compare": "previous"})

    assert response.status_code == 200
    page = parse(response.content)
    assert page.find(id="stat-gmv").find(cls="stat-value").attrs["title"] == "$1,800.00"
    assert page.find(id="stat-orders").find(cls="stat-value").text == "101"
    assert page.find(id="stat-ad_spend").find(cls="stat-value").attrs["title"] == "$450.00"
    assert page.find(id="stat-mer").find(cls="stat-value").text == "4.00×"
    assert page.find(id="stat-conversions").find(cls="stat-value").text == "33"
    # Previous period (17-18 Nov): 5,000,000 IDR at 0.00006 = 300 USD; 1,800 is +500 %.
    assert page.find(id="stat-gmv").find(cls="stat-sub").text == "▲ 500.0% vs previous"
    assert page.find(id="missing-rates").text.startswith("No exchange rate to USD for THB")
    assert page.find(id="sources-table").rows() == [
        ["Shop ID", "$1,300.00 Rp 20M", "90", "$0.00", "–", "0"],
        ["Shop MY", "$500.00 RM 2,000.00", "10", "$0.00", "–", "0"],
        ["Ads MY", "$0.00", "0", "$450.00 RM 1,800.00", "–", "0"],
        ["Shop TH", "no rate ฿999.00", "1", "no rate", "–", "0"],
        ["TikTok Events", "$0.00", "0", "$0.00", "–", "33"],
    ]
    by_name = client.get("/", {"range": "custom", "start": "2026-11-19", "end": "2026-11-20", "sort": "source"})
    assert [row[0] for row in parse(by_name.content).find(id="sources-table").rows()] == ["Ads MY", "Shop ID", "Shop MY", "Shop TH", "TikTok Events"]
    chart = json.loads(page.find(id="overview-chart-data").text)
    assert chart["labels"] == ["2026-11-19", "2026-11-20"]
    assert chart["series"][0] == {"label": "GMV", "values": [600.0, 1200.0], "axis": "y", "kind": "", "stack": ""}
    assert chart["series"][2]["values"] == [None, 2.67]


def test_overview_has_no_mer_without_shop_gmv(web_client_for, tenant_a, overview_source):
    overview_source(figures=[DailyFigure(date(2026, 11, 20), "Ads", "USD", ad_spend=Decimal("100")), DailyFigure(date(2026, 11, 19), "Ads", "USD", ad_spend=Decimal("50"))])
    client, _ = web_client_for(tenant_a, Role.VIEWER)

    page = parse(client.get("/", {"range": "custom", "start": "2026-11-20", "end": "2026-11-20", "compare": "previous"}).content)

    assert page.find(id="stat-mer").find(cls="stat-value").text == "–"
    # More spend is neither good nor bad by itself: its change is shown without a tone.
    change = page.find(id="stat-ad_spend").find(cls="delta")
    assert (change.attrs["class"], change.text) == ("delta flat", "▲ 100.0%")


def test_overview_onboarding_checklist_until_every_step_is_done(web_client_for, tenant_a, overview_source):
    client, _ = web_client_for(tenant_a, Role.OWNER)
    overview_source(checklist=[ChecklistStep(2, "First order sync", False, "/shop/sync/"), ChecklistStep(1, "Connect a TikTok Shop", True, "/shop/sync/")])

    steps = parse(client.get("/").content).find(id="onboarding").find_all("li")

    assert [(step.attrs["class"], step.find(cls="step-label").text) for step in steps] == [("done", "Connect a TikTok Shop"), ("", "First order sync")]
    overview_source(checklist=[ChecklistStep(1, "Connect a TikTok Shop", True, "/shop/sync/")])
    assert parse(client.get("/").content).find_all(id="onboarding") == []


def test_overview_recent_syncs_poll_while_running(web_client_for, tenant_a, tenant_b, sync_run_factory):
    client, _ = web_client_for(tenant_a, Role.VIEWER)
    running = sync_run_factory(tenant_a, target="shop:1", items_total=10, items_done=1, label="Acme orders")
    done = sync_run_factory(tenant_a, target="shop:2", state=SyncState.SUCCEEDED)
    sync_run_factory(tenant_b, target="shop:b-only", state=SyncState.RUNNING, label="B orders")

    response = client.get("/")
    page = parse(response.content)

    bar = page.find(id=f"sync-run-{running.pk}-progress-compact")
    assert (bar.attrs["hx-get"], bar.attrs["hx-trigger"]) == (f"/sync-runs/{running.pk}/progress/?compact=1", "every 1s")
    assert "hx-get" not in page.find(id=f"sync-run-{done.pk}-progress-compact").attrs
    assert [row[0] for row in page.find(id="freshness").rows()] == ["Orders", "Acme orders"]
    assert b"B orders" not in response.content


def test_overview_of_a_new_tenant_is_the_onboarding_checklist(web_client_for, tenant_a):
    client, _ = web_client_for(tenant_a, Role.OWNER)

    page = parse(client.get("/").content)

    steps = [(li.find(cls="step-label").text, li.find("a").attrs["href"]) for li in page.find(id="onboarding").find_all("li")]
    assert steps == [
        ("Connect a TikTok Shop", "/shop/sync/"),
        ("First order sync (starts by itself after connecting)", "/shop/sync/"),
        ("Connect a TikTok ad account GMV Max reports and ad spend", "/ads/"),
        ("Add a conversion destination", "/conversions/settings/new/"),
        ("Connect a Shopee Live account Live sessions, items, coins and promotions", "/live/accounts/"),
    ]
    assert page.find(id="overview-sources").find(cls="empty").find("h2").text == "Nothing in this range yet"


def test_overview_refuses_a_bad_range_with_a_400(web_client_for, tenant_a):
    client, _ = web_client_for(tenant_a, Role.OWNER)

    response = client.get("/", {"range": "custom", "start": "9999-12-31"})

    assert response.status_code == 400
    assert "Pick a date between 2016-01-01 and next year." in response.content.decode()


SHOPEE_LIVE_PAGES = ["Live now", "Sessions", "Analytics", "Promotions", "Accounts"]


def nav(content) -> list[tuple[str, list[str]]]:
    page = parse(content).find("nav")
    return [(group.find(cls="nav-group-toggle").text, [a.text for a in group.find_all("a")]) for group in page.find_all(cls="nav-group")]


@pytest.mark.parametrize(
    ("role", "settings"),
    [
        (Role.VIEWER, ["Schedules How often data syncs", "Saved views", "Sync history", "Platform calls Every call to TikTok, Shopee, Google, Meta"]),
        (Role.ADMIN, ["Workspace Reporting currency, time zone, FX rates", "API keys", "Schedules How often data syncs", "Saved views", "Sync history", "Platform calls Every call to TikTok, Shopee, Google, Meta"]),
        (Role.OWNER, ["Workspace Reporting currency, time zone, FX rates", "Members", "API keys", "Schedules How often data syncs", "Saved views", "Sync history", "Platform calls Every call to TikTok, Shopee, Google, Meta"]),
    ],
)
def test_navigation_groups_the_pages_the_role_may_open(web_client_for, tenant_a, role, settings):
    client, user = web_client_for(tenant_a, role)

    response = client.get("/sync-runs/")

    groups = dict(nav(response.content))
    assert list(groups) == ["TikTok Shop", "Ads & GMV Max", "Autopilot", "Shopee Live", "Conversions", "Settings"]
    assert groups["Shopee Live"] == SHOPEE_LIVE_PAGES
    assert groups["Settings"] == settings
    page = parse(response.content)
    assert [a.text for a in page.find("nav").find_all("a", cls="active")] == ["Sync history"]
    assert [g.attrs["data-group"] for g in page.find_all(cls="nav-group") if "active" in g.attrs["class"].split()] == ["settings"]
    assert page.find(cls="account").text == f"Tenant A {user.username} {role} Log out"


def test_navigation_marks_one_entry_the_longest_match(web_client_for, tenant_a):
    client, _ = web_client_for(tenant_a, Role.VIEWER)

    page = parse(client.get("/shop/orders/").content)

    assert [a.text for a in page.find("nav").find_all("a", cls="active")] == ["Orders"]


def test_navigation_includes_entries_declared_by_other_apps(web_client_for, tenant_a, monkeypatch):
    sandbox = sandbox_as_platform_app(monkeypatch)
    monkeypatch.setattr(sandbox, "nav", (NavEntry("Health", "healthz", Role.VIEWER, group="Shopee Live"), NavEntry("Secret admin page", "healthz", Role.ADMIN)))
    client, _ = web_client_for(tenant_a, Role.ANALYST)

    groups = dict(nav(client.get("/").content))

    assert list(groups) == ["TikTok Shop", "Ads & GMV Max", "Autopilot", "Shopee Live", "Conversions", "Settings"]
    assert groups["Shopee Live"] == [*SHOPEE_LIVE_PAGES, "Health"]
    assert "Secret admin page" not in groups["Settings"]


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
