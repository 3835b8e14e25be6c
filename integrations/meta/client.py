"""Meta Conversions API: ``POST /{version}/{pixel_id}/events`` on the Graph API, the token as
the ``access_token`` parameter, errors in the Graph envelope ``{"error": {code, error_subcode,
message, is_transient}}`` (reference: shared/reference/shopee-google-meta-telegram-apis.md §3)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import requests

from core.http import AuthExpired, BadRequest, Misconfigured, RateLimited, Upstream5xx
from integrations.base import CredentialedClient, Credentials

TOKEN_CODES = frozenset({190, 102})  # invalid or expired session / token
RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, 80004})  # app, user, page, custom and ads-management throttling
TRANSIENT_CODES = frozenset({1, 2})  # unknown error, service temporarily unavailable
PERMISSION_CODES = frozenset({10, 200, 294})  # permission denied / not granted
MISSING_OBJECT = (100, 33)  # "object does not exist or missing permissions": a wrong pixel id
EVENTS_ENDPOINT = "/events"
MAX_AGE_DAYS = 7  # an older event_time fails the whole request


class MetaCapiClient(CredentialedClient):
    provider = "meta_capi"
    request_id_headers = ("x-fb-trace-id",)

    def __init__(self, *, pixel_id: str, credentials: Credentials, api_version: str, **kwargs: Any):
        self.pixel_id = pixel_id
        self.api_version = api_version
        super().__init__(credentials=credentials, **kwargs)

    def prepare_request(self, request: requests.Request) -> None:
        request.params["access_token"] = self.access_token

    def raise_for_response(self, response: requests.Response, payload: Any) -> None:
        error = payload.get("error") if isinstance(payload, dict) else None
        if isinstance(error, dict):
            code = error.get("code")
            subcode = error.get("error_subcode")
            message = f"Meta {code}{f'/{subcode}' if subcode else ''}: {error.get('message') or ''}".strip()
            if code in TOKEN_CODES:
                raise self.make_error(AuthExpired, response, message, code=code)
            if code in RATE_LIMIT_CODES:
                raise self.make_error(RateLimited, response, message, code=code)
            if code in TRANSIENT_CODES or error.get("is_transient"):
                raise self.make_error(Upstream5xx, response, message, code=code)
            if code in PERMISSION_CODES or (code, subcode) == MISSING_OBJECT:
                raise self.make_error(Misconfigured, response, message, code=code)
            if response.status_code >= 500:
                raise self.make_error(Upstream5xx, response, message, code=code)
            raise self.make_error(BadRequest, response, message, code=code)
        super().raise_for_response(response, payload)

    def sensitive_values(self) -> Iterable[str]:
        return (*super().sensitive_values(), self.access_token)

    def send_events(self, body: dict) -> Any:
        """``{"data": [...], "test_event_code"?}``. Safe to repeat: Meta deduplicates on
        event_id (+ event_name)."""
        return self.post(f"{self.api_version}/{self.pixel_id}/events", json=body, idempotent=True, endpoint=EVENTS_ENDPOINT)
