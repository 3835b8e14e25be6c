"""``GET /tiktok/instant-pages``: an ad account's instant pages (lead forms), read live from the
Business API's ``page/get/`` through the ad account's advertiser.

The seed takes ``adAccountId`` (multi-account mode) or the legacy ``userAccountId``. Here an ad
account id is this product's integer id; another tenant's ad account is a 404, like a missing
one. In legacy mode the seed's user account is the workspace itself: it needs exactly one active
advertiser, whose pages are read.
"""

from __future__ import annotations

from core.exceptions import ApplicationError, NotFound
from core.models import Tenant
from tiktok_ads import selectors
from tiktok_ads.client import BusinessApiClient
from tiktok_ads.models import Advertiser

PAGE_FIELDS = ("title", "status", "create_time", "update_time", "publish_time", "preview_url", "thumbnail", "template_name")


def _advertiser_of(tenant: Tenant, *, ad_account_id: str | None, user_account_id: str | None) -> Advertiser:
    if ad_account_id is not None:
        try:
            pk = int(str(ad_account_id).strip())
        except ValueError:
            raise ApplicationError(
                "invalid adAccountId", code="invalid", extra={"fields": {"adAccountId": ["Expected an ad account id."]}}
            ) from None
        account = selectors.ad_account_get(tenant, pk) if pk > 0 else None
        if account is None:
            raise NotFound("No such ad account.")
        if account.advertiser is None or not account.advertiser.is_active:
            raise ApplicationError("This ad account is not linked to a connected TikTok advertiser.", code="not_connected", status=409)
        return account.advertiser
    if user_account_id is not None:
        advertisers = list(selectors.advertisers_for_tenant(tenant).select_related("connection")[:2])
        if len(advertisers) != 1:
            raise ApplicationError(
                "Pass adAccountId: legacy mode (userAccountId) needs exactly one connected TikTok advertiser.",
                code="invalid",
                extra={"fields": {"adAccountId": ["This field is required."]}},
            )
        return advertisers[0]
    raise ApplicationError("adAccountId is required.", code="invalid", extra={"fields": {"adAccountId": ["This field is required."]}})


def instant_pages_for(tenant: Tenant, *, ad_account_id: str | None = None, user_account_id: str | None = None) -> list[dict]:
    """The lead forms of the ad account's advertiser, ``page_id`` as a string (they are 64-bit)."""
    advertiser = _advertiser_of(tenant, ad_account_id=ad_account_id, user_account_id=user_account_id)
    pages = BusinessApiClient.for_advertiser(advertiser).instant_pages(advertiser.advertiser_id)
    return [
        {"page_id": str(page.get("page_id", "")), **{name: page.get(name) for name in PAGE_FIELDS if name in page}}
        for page in pages
    ]
