"""TikTok Business API v1.3 lead subscriptions (ad-account webhooks for ``LEAD``) and test leads.

The subscription calls take no access token: the app's ``app_id`` and ``secret`` travel in the
body (or the query of ``subscription/get/``); the advertiser's token goes inside
``subscription_detail`` (when it is revoked the subscription dies). ``page/lead/mock/create/``
is an ordinary call under the advertiser token: it creates a test lead, which the platform then
delivers to the subscribers like a real one.
"""

from __future__ import annotations

from core.http import BadRequest
from integrations.tiktok_business.client import API_PREFIX, BusinessApiClient
from integrations.tiktok_business.envelope import data_of

SUBSCRIBE_PATH = f"{API_PREFIX}/subscription/subscribe/"
SUBSCRIPTIONS_PATH = f"{API_PREFIX}/subscription/get/"
UNSUBSCRIBE_PATH = f"{API_PREFIX}/subscription/unsubscribe/"
LEAD_MOCK_CREATE_PATH = f"{API_PREFIX}/page/lead/mock/create/"
SUBSCRIPTION_PAGE_SIZE = 1000
LEAD_ENTITY = "LEAD"


class LeadSubscriptionMixin(BusinessApiClient):
    """LEAD subscriptions of the app, and test leads (mixed into the app's client)."""

    def _app(self) -> dict:
        return {"app_id": self.app_id, "secret": self.app_secret}

    def lead_subscribe(self, advertiser_id: str, access_token: str, callback_url: str, page_id: str | None = None) -> str:
        """Subscribe ``callback_url`` to the advertiser's leads (of one instant page, or all);
        the ``subscription_id``."""
        detail = {"access_token": access_token, "advertiser_id": str(advertiser_id), "lead_source": "INSTANT_FORM"}
        if page_id:
            detail["page_id"] = str(page_id)
        body = {**self._app(), "subscribe_entity": LEAD_ENTITY, "callback_url": callback_url, "subscription_detail": detail}
        subscription_id = data_of(self.post(SUBSCRIBE_PATH, json=body, endpoint=SUBSCRIBE_PATH)).get("subscription_id")
        if not subscription_id:
            raise BadRequest("Subscribe answer without a subscription_id.", provider=self.provider, endpoint=SUBSCRIBE_PATH)
        return str(subscription_id)

    def lead_subscriptions(self) -> list[dict]:
        """Every LEAD subscription of the app (all pages)."""
        found: list[dict] = []
        page = 1
        while True:
            params = {**self._app(), "subscribe_entity": LEAD_ENTITY, "page": page, "page_size": SUBSCRIPTION_PAGE_SIZE}
            data = data_of(self.get(SUBSCRIPTIONS_PATH, params=params, endpoint=SUBSCRIPTIONS_PATH))
            rows = list(data.get("subscriptions") or [])
            found.extend(rows)
            if page >= int((data.get("page_info") or {}).get("total_page") or 0) or not rows:
                return found
            page += 1

    def lead_unsubscribe(self, subscription_id: str) -> None:
        self.post(UNSUBSCRIBE_PATH, json={**self._app(), "subscription_id": str(subscription_id)}, endpoint=UNSUBSCRIBE_PATH)

    def lead_mock_create(self, advertiser_id: str, page_id: str) -> dict:
        """A test lead on the instant page: ``{lead_data: {question: answer}, meta_data: {lead_id, …}}``."""
        return data_of(self.post(LEAD_MOCK_CREATE_PATH, json={"advertiser_id": str(advertiser_id), "page_id": str(page_id)}))
