"""With DEBUG off users see the product's own error pages (templates/404.html, 500.html), not
Django's debug pages."""

from __future__ import annotations

import pytest
from django.test import Client

from core.models import Role
from tests.fixtures.html import parse

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.error_urls")]


def test_unknown_url_renders_the_products_404(settings, client_a):
    settings.DEBUG = False
    response = client_a.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Nothing here" in html and "Tenant A" in html  # templates/404.html, in the member's tenant
    assert "Page not found" not in html and "URLconf" not in html  # not Django's technical 404


def test_an_error_renders_the_products_500(settings):
    settings.DEBUG = False
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert "Traceback" not in html and "ZeroDivisionError" not in html


def test_the_404_page_offers_search_and_the_way_home(settings, client_a):
    settings.DEBUG = False
    page = parse(client_a.get("/sync-runs/999999/").content)

    error = page.find(cls="error-page")
    assert error.attrs["data-status"] == "404"
    search = error.find("form", cls="error-search")
    assert (search.attrs["action"], search.find("input").attrs["name"]) == ("/search/", "q")
    assert [(a.text, a.attrs["href"]) for a in error.find(cls="error-actions").find_all("a")] == [
        ("Go to the overview", "/"),
        ("Sync history", "/sync-runs/"),
    ]
    assert page.find("nav").find("a", cls="nav-top").text == "Overview"  # the product's layout, navigation included


def test_the_403_page_names_the_role_and_the_way_back(settings, web_client_for, tenant_a):
    settings.DEBUG = False
    client, _ = web_client_for(tenant_a, Role.VIEWER)

    response = client.get("/settings/members/")

    assert response.status_code == 403
    error = parse(response.content).find(cls="error-page")
    assert error.find("h1").text == "You can't open this page"
    assert "Your role in Tenant A is viewer" in error.text
    assert error.find(cls="error-actions").find("a").attrs["href"] == "/"


def test_a_bad_request_renders_the_products_400(settings):
    settings.DEBUG = False
    response = Client(raise_request_exception=False).get("/", HTTP_HOST="evil.example")  # not in ALLOWED_HOSTS
    assert response.status_code == 400
    page = parse(response.content)
    assert page.find("h1").text == "That didn't work"
    assert [(a.text, a.attrs["href"]) for a in page.find(cls="error-actions").find_all("a")] == [("Go to the overview", "/"), ("Log in", "/login/")]


def test_an_anonymous_404_offers_the_login(settings, client):
    settings.DEBUG = False
    page = parse(client.get("/no-such-page/").content)
    assert page.find_all("form", cls="error-search") == []
    assert [a.text for a in page.find(cls="error-actions").find_all("a")] == ["Go to the overview", "Log in"]


def test_the_login_page_is_the_products(client):
    page = parse(client.get("/login/").content)

    card = page.find(cls="login-card")
    assert card.find("h1").text == "Log in"
    assert [field.attrs["autocomplete"] for field in card.find_all("input") if field.attrs.get("type") != "hidden"] == ["username", "current-password"]
    refused = parse(client.post("/login/", {"username": "nobody", "password": "x"}).content)
    assert refused.find(cls="nonfield").text == "Your username and password didn't match. Please try again."
