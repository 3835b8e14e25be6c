"""Connecting a tenant to the TikTok Business sandbox the way a user does, for tests.

``connect_business(tenant, fixture="demo")`` needs the ``sandbox`` fixture (in-process bridge,
or ``sandbox_live``) and the database: it starts the OAuth flow with the product's service,
approves the app on the sandbox's authorize page as the chosen fixture, follows the redirect's
``auth_code`` and ``state`` into the callback service, and returns the stored connection with
its advertisers and stores (shop numbers 1, 2, … in the fixture's order).
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import requests

from tiktok_ads.models import BusinessConnection
from tiktok_ads.services import business_oauth_complete, business_oauth_start


def authorize_redirect(authorize_url: str, fixture: str) -> dict[str, str]:
    """Approve on the sandbox's authorize page; the query of the redirect it answers with."""
    query = {key: values[0] for key, values in parse_qs(urlsplit(authorize_url).query).items()}
    response = requests.post(authorize_url.split("?", 1)[0], data={**query, "fixture": fixture}, allow_redirects=False, timeout=30)
    assert response.status_code == 302, response.text[:500]
    return {key: values[0] for key, values in parse_qs(urlsplit(response.headers["Location"]).query).items()}


def connect_business(tenant, fixture: str = "demo", user=None) -> BusinessConnection:
    redirect = authorize_redirect(business_oauth_start(tenant=tenant, user=user), fixture)
    return business_oauth_complete(tenant=tenant, user=user, state=redirect["state"], auth_code=redirect["auth_code"])
