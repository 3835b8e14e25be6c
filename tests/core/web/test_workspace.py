"""Workspace settings (reporting currency, locale, zone, FX rates), saved views and search."""

from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps

from core.models import FxRate, Role, SavedView
from core.registry import SearchResult
from tests.fixtures.html import messages, parse

pytestmark = pytest.mark.django_db


def test_admin_sets_reporting_currency_locale_and_zone(web_client_for, tenant_a):
    client, _ = web_client_for(tenant_a, Role.ADMIN)

    response = client.post("/settings/workspace/", {"form": "workspace", "reporting_currency": "idr", "locale": "id_ID", "time_zone": "Asia/Jakarta"}, follow=True)

    assert messages(response.content) == ["Workspace settings saved."]
    tenant_a.refresh_from_db()
    assert (tenant_a.reporting_currency, tenant_a.locale, tenant_a.time_zone) == ("IDR", "id_ID", "Asia/Jakarta")


def test_bad_settings_are_refused_and_change_nothing(web_client_for, tenant_a):
    client, _ = web_client_for(tenant_a, Role.ADMIN)

    response = client.post("/settings/workspace/", {"form": "workspace", "reporting_currency": "USD", "locale": "en_GB", "time_zone": "Mars/Olympus"})

    assert response.status_code == 400
    assert parse(response.content).find(cls="errorlist").text == "Unknown time zone."
    tenant_a.refresh_from_db()
    assert tenant_a.time_zone == "UTC"


def test_fx_rates_are_added_replaced_and_removed(web_client_for, tenant_a, tenant_b):
    client, _ = web_client_for(tenant_a, Role.ADMIN)
    other = FxRate.objects.create(tenant=tenant_b, currency="IDR", day=date(2026, 1, 1), rate=Decimal("0.1"))

    client.post("/settings/workspace/", {"form": "fx", "currency": "idr", "day": "2026-01-01", "rate": "0.000061"}, follow=True)  # reads its message
    response = client.post("/settings/workspace/", {"form": "fx", "currency": "IDR", "day": "2026-01-01", "rate": "0.000063"}, follow=True)

    assert messages(response.content) == ["1 IDR = 0.000063 USD from 2026-01-01."]
    assert parse(response.content).find(id="fx-rates").rows() == [["IDR", "1 Jan 2026", "0.000063 USD", "Remove"]]
    rate = FxRate.objects.for_tenant(tenant_a).get()
    assert client.post(f"/settings/workspace/fx/{other.pk}/delete/").status_code == 404
    assert FxRate.all_tenants.filter(pk=other.pk).exists()
    client.post(f"/settings/workspace/fx/{rate.pk}/delete/")
    assert not FxRate.objects.for_tenant(tenant_a).exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"currency": "USD", "day": "2026-01-01", "rate": "1"}, "currency", "The reporting currency needs no rate."),
        ({"currency": "IDR", "day": "01/02/2026", "rate": "1"}, "day", "Enter a valid date."),
        ({"currency": "IDR", "day": "2026-01-01", "rate": "0"}, "rate", "Ensure this value is greater than or equal to 1E-10."),
    ],
)
def test_bad_fx_rates_are_refused(web_client_for, tenant_a, data, field, message):
    client, _ = web_client_for(tenant_a, Role.ADMIN)

    response = client.post("/settings/workspace/", {"form": "fx", **data})

    assert response.status_code == 400
    assert parse(response.content).find(id="fx").find(cls="errorlist").text == message
    assert not FxRate.objects.for_tenant(tenant_a).exists()


def test_viewers_cannot_open_workspace_settings(web_client_for, tenant_a):
    client, _ = web_client_for(tenant_a, Role.ANALYST)
    assert client.get("/settings/workspace/").status_code == 403


def test_saved_views_are_private_unless_shared(web_client_for, member_factory, tenant_a):
    client, alice = web_client_for(tenant_a, Role.ANALYST, username="alice")
    bob_client, bob = web_client_for(tenant_a, Role.VIEWER, username="bob")

    response = client.post("/saved-views/new/", {"name": "Top shops", "url": "/shop/products/?sort=-gmv&range=last_7"})
    client.post("/saved-views/new/", {"name": "Mine", "url": "/shop/orders/?status=UNPAID"})
    client.post("/saved-views/new/", {"name": "Team", "url": "/gmv-max/", "shared": "1"})

    assert (response.status_code, response["Location"]) == (302, "/shop/products/?sort=-gmv&range=last_7")
    assert [row[0] for row in parse(client.get("/saved-views/").content).find(id="saved-views").rows()] == ["Mine", "Team shared", "Top shops"]
    assert [row[0] for row in parse(bob_client.get("/saved-views/").content).find(id="saved-views").rows()] == ["Team shared"]
    team = SavedView.objects.for_tenant(tenant_a).get(name="Team")
    assert bob_client.post(f"/saved-views/{team.pk}/delete/").status_code == 302
    assert SavedView.objects.for_tenant(tenant_a).filter(name="Team").exists()  # only its author deletes it
    client.post(f"/saved-views/{team.pk}/delete/")
    assert not SavedView.objects.for_tenant(tenant_a).filter(name="Team").exists()


@pytest.mark.parametrize("url", ["https://evil.example/", "//evil.example/x", "/no-such-page/", "javascript:alert(1)"])
def test_only_product_pages_can_be_saved(web_client_for, tenant_a, url):
    client, _ = web_client_for(tenant_a, Role.VIEWER)

    response = client.post("/saved-views/new/", {"name": "x", "url": url}, follow=True)

    assert "Only pages of this product can be saved." in messages(response.content)
    assert not SavedView.objects.for_tenant(tenant_a).exists()


def test_another_tenants_saved_view_is_a_404(web_client_for, tenant_a, tenant_b):
    client, _ = web_client_for(tenant_a, Role.OWNER)
    _, bob = web_client_for(tenant_b, Role.OWNER, username="b-owner")
    theirs = SavedView.all_tenants.create(tenant=tenant_b, user=bob, name="B", path="/", shared=True)

    assert client.post(f"/saved-views/{theirs.pk}/delete/").status_code == 404
    assert "B" not in [row[0] for row in parse(client.get("/saved-views/").content).find_all("tr")]


def test_search_asks_every_app_and_groups_the_hits(web_client_for, tenant_a, monkeypatch):
    from tests.core.web.test_overview_and_layout import sandbox_as_platform_app

    sandbox = sandbox_as_platform_app(monkeypatch)
    seen = []

    def search(tenant, query, limit):
        seen.append((tenant.pk, query, limit))
        return [SearchResult("Order", "Order 5770001", "/shop/orders/1/", "Shop ID")] if query == "5770001" else []

    monkeypatch.setattr(sandbox, "search", search)
    client, _ = web_client_for(tenant_a, Role.VIEWER)

    page = parse(client.get("/search/", {"q": " 5770001 "}).content)

    assert page.find(id="search-results").find("li").text == "Order Order 5770001 · Shop ID"
    assert (tenant_a.pk, "5770001", 8) in seen
    assert parse(client.get("/search/", {"q": "zz"}).content).find(id="no-results").find("h2").text == "Nothing matches “zz”"
    assert parse(client.get("/search/", {"q": "z"}).content).find(cls="card").text.endswith("Type at least two characters.")
    assert apps.get_app_config("sandbox") is sandbox
