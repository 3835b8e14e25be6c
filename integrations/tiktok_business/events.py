"""TikTok Events API 2.0: ``POST /open_api/v1.3/event/track/`` (reference:
shared/reference/tiktok-apis.md §3). Same host family, header and envelope as the Business
API, so the same return-code table (``codes``)."""

from __future__ import annotations

from typing import Any

import requests

from integrations.base import CredentialedClient
from integrations.tiktok_business.envelope import BusinessEnvelopeMixin

TRACK_PATH = "open_api/v1.3/event/track/"
TRACK_ENDPOINT = "/open_api/v1.3/event/track/"


class TikTokEventsClient(BusinessEnvelopeMixin, CredentialedClient):
    """Sends event batches under one Events API access token."""

    provider = "tiktok_events"
    track_path = TRACK_PATH

    def prepare_request(self, request: requests.Request) -> None:
        request.headers["Access-Token"] = self.access_token

    def envelope_message(self, code: int, payload: dict) -> str:
        # Delivery reasons quote the platform's code with its message.
        return f"TikTok {code}: {payload.get('message') or 'Unknown error'}"

    def track(self, body: dict) -> Any:
        """``body`` is ``{event_source, event_source_id, partner_name, test_event_code?, data}``.
        Safe to repeat: every event carries its ``event_id``, which TikTok deduplicates on."""
        return self.post(self.track_path, json=body, idempotent=True, endpoint=TRACK_ENDPOINT)
