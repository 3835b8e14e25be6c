"""With DEBUG off users see the product's own error pages (templates/404.html, 500.html), not
Django's debug pages."""

from __future__ import annotations

import pytest
from django.test import Client

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
