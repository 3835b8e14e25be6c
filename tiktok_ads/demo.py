"""Demo data: connect the demo tenant to the sandbox's "demo" advertisers without a browser.

``make run`` seeds before the web server starts, so the sandbox is called in-process (the same
bridge the tests use: ``requests`` calls to ``SANDBOX_BASE_URL`` answered by the emulator views).
The connection goes through the same services as the Connect button and the callback, with an
auth code issued by the sandbox as its authorize page would issue it.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlsplit

from django.conf import settings

from core.tenancy import tenant_scope
from tiktok_ads.models import Advertiser
from tiktok_ads.services import business_oauth_complete, business_oauth_start

logger = logging.getLogger(__name__)

DEMO_TENANT_SLUG = "demo"
DEMO_FIXTURE = "demo"


def demo_connect(tenant) -> bool:
    """Connect ``tenant`` (the demo tenant only) once; True when it connected now."""
    if tenant.slug != DEMO_TENANT_SLUG or Advertiser.objects.for_tenant(tenant).exists():
        return False
    sandbox = settings.SANDBOX_BASE_URL.rstrip("/")
    if not settings.SANDBOX_ENABLED or not settings.TIKTOK_BUSINESS_API_BASE.startswith(sandbox + "/"):
        logger.info(
            "Business API points at %s, not the sandbox: connect advertisers from the Advertisers page.", settings.TIKTOK_BUSINESS_API_BASE
        )
        return False
    from sandbox.emulators.tiktok_business.tokens import auth_code_issue
    from sandbox.testing import SandboxBridge

    with SandboxBridge(sandbox), tenant_scope(tenant):
        state = parse_qs(urlsplit(business_oauth_start(tenant=tenant)).query)["state"][0]
        business_oauth_complete(tenant=tenant, state=state, auth_code=auth_code_issue(fixture=DEMO_FIXTURE))
    return True
