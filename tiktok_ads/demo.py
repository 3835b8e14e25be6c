"""Demo data: connect the demo tenant's advertisers without a browser.

The connection goes through the same services as the Connect button and the callback
(``business_oauth_start`` for the state, ``business_oauth_complete`` with an auth code), with a
code handed over by whatever serves the Business API during ``manage.py demo`` (the sandbox's
demo account when it is enabled). Without a code nothing is connected: advertisers are connected
from the Advertisers page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

from django.conf import settings

from core.tenancy import tenant_scope
from tiktok_ads.models import Advertiser
from tiktok_ads.services import business_oauth_complete, business_oauth_start

logger = logging.getLogger(__name__)

DEMO_TENANT_SLUG = "demo"


def demo_connect(tenant, *, auth_code: Callable[[], str | None] | None = None) -> bool:
    """Connect ``tenant`` (the demo tenant only) once, with the code ``auth_code()`` returns;
    True when it connected now. The code is asked for only when a connection is made."""
    if tenant.slug != DEMO_TENANT_SLUG or Advertiser.objects.for_tenant(tenant).exists():
        return False
    code = auth_code() if auth_code is not None else None
    if not code:
        logger.info(
            "No demo authorization for the Business API at %s: connect advertisers from the Advertisers page.",
            settings.TIKTOK_BUSINESS_API_BASE,
        )
        return False
    with tenant_scope(tenant):
        state = parse_qs(urlsplit(business_oauth_start(tenant=tenant)).query)["state"][0]
        business_oauth_complete(tenant=tenant, state=state, auth_code=code)
    return True
