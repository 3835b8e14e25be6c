"""Google Ads API: OAuth 2.0 access tokens from a refresh token, and
``customers/{id}:uploadClickConversions``.

The access token lives about an hour: it is fetched before a request when it is missing or
about to expire, and once more (under the credential's lock) when Google refuses it.
``GoogleCredentials`` is what the client needs from whoever stores the tokens.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import requests

from core.http import AuthExpired, BadRequest, Misconfigured, Upstream5xx, UpstreamUnavailable
from integrations.base import CredentialedClient
from integrations.google_ads.errors import MISCONFIGURED_ERRORS, google_error_codes

UPLOAD_ENDPOINT = "/customers:uploadClickConversions"


class GoogleCredentials(Protocol):
    client_id: str
    client_secret: str
    refresh_token: str

    @property
    def access_token(self) -> str: ...

    @property
    def expires_at(self) -> datetime | None: ...

    def renew(self, failed_token: str) -> str | None:
        """A token another worker stored after ``failed_token``, or None to fetch one."""
        ...

    def store(self, access_token: str, expires_at: datetime) -> None:
        """Keep a newly fetched token (and share it with other workers)."""
        ...


class GoogleOAuthCredentials:
    """``GoogleCredentials`` kept in memory; ``stored()`` and ``on_store()`` connect it to a
    shared store when there is one."""

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        refresh_token: str,
        access_token: str = "",
        expires_at: datetime | None = None,
        stored: Callable[[], tuple[str, datetime | None] | None] | None = None,
        on_store: Callable[[str, datetime], None] | None = None,
    ):
        self.client_id = client_id
        self.client_secret = client_secret
        self.refresh_token = refresh_token
        self.access_token = access_token
        self.expires_at = expires_at
        self.stored = stored
        self.on_store = on_store

    def renew(self, failed_token: str) -> str | None:
        found = self.stored() if self.stored is not None else None
        if found and found[0] and found[0] != failed_token:
            self.access_token, self.expires_at = found
            return self.access_token
        return None

    def store(self, access_token: str, expires_at: datetime) -> None:
        self.access_token, self.expires_at = access_token, expires_at
        if self.on_store is not None:
            self.on_store(access_token, expires_at)

    def secrets(self) -> tuple[str, ...]:
        return (self.refresh_token, self.client_secret)


class GoogleAdsClient(CredentialedClient):
    provider = "google_ads"
    request_id_headers = ("request-id", "X-Request-ID")
    token_margin = timedelta(seconds=60)

    def __init__(
        self,
        *,
        customer_id: str,
        developer_token: str,
        credentials: GoogleCredentials,
        token_url: str,
        api_version: str,
        login_customer_id: str = "",
        **kwargs: Any,
    ):
        self.customer_id = customer_id
        self.developer_token = developer_token
        self.login_customer_id = login_customer_id
        self.token_url = token_url
        self.api_version = api_version
        super().__init__(credentials=credentials, **kwargs)

    @property
    def upload_path(self) -> str:
        return f"{self.api_version}/customers/{self.customer_id}:uploadClickConversions"

    def _token_fresh(self) -> bool:
        expires = self.credentials.expires_at
        return bool(self.credentials.access_token) and expires is not None and expires > datetime.now(UTC) + self.token_margin

    def prepare_request(self, request: requests.Request) -> None:
        if not self._token_fresh():
            self.fetch_access_token()
        request.headers["Authorization"] = f"Bearer {self.credentials.access_token}"
        request.headers["developer-token"] = self.developer_token
        if self.login_customer_id:
            request.headers["login-customer-id"] = self.login_customer_id.replace("-", "")

    def refresh_credentials(self) -> bool:
        if self.credentials.renew(self.credentials.access_token):
            return True  # another worker refreshed it already
        self.fetch_access_token()
        return True

    def fetch_access_token(self) -> str:
        """A new access token from the refresh token; ``AuthExpired`` when Google refuses it."""
        credentials = self.credentials
        data = {
            "grant_type": "refresh_token",
            "client_id": credentials.client_id,
            "client_secret": credentials.client_secret,
            "refresh_token": credentials.refresh_token,
        }
        try:
            response = self.session.post(self.token_url, data=data, timeout=self.timeout)
        except requests.RequestException as exc:
            raise UpstreamUnavailable(f"{type(exc).__name__} calling the Google OAuth token endpoint", provider=self.provider) from None
        try:
            payload = response.json()
        except ValueError:
            payload = {}
        if response.status_code >= 500:
            raise self.make_error(Upstream5xx, response, "Google OAuth token endpoint failed")
        if not response.ok or not payload.get("access_token"):
            error = payload.get("error") or f"HTTP {response.status_code}"
            description = payload.get("error_description") or ""
            raise self.make_error(AuthExpired, response, f"Google OAuth refresh refused: {error} {description}".strip(), code=error)
        expires_at = datetime.now(UTC) + timedelta(seconds=int(payload.get("expires_in") or 3599))
        credentials.store(payload["access_token"], expires_at)
        return payload["access_token"]

    def raise_for_response(self, response: requests.Response, payload: Any) -> None:
        if response.status_code in (400, 403) and isinstance(payload, dict) and isinstance(payload.get("error"), dict):
            error = payload["error"]
            codes = set(google_error_codes(error.get("details") or []))
            message = f"Google Ads {error.get('status') or response.status_code}: {error.get('message') or ''}".strip()
            if response.status_code == 403 or codes & MISCONFIGURED_ERRORS:
                raise self.make_error(Misconfigured, response, message, code=error.get("status"))
            raise self.make_error(BadRequest, response, message, code=error.get("status"))
        super().raise_for_response(response, payload)

    def sensitive_values(self) -> Iterable[str]:
        return (*super().sensitive_values(), self.credentials.refresh_token, self.credentials.client_secret, self.developer_token)

    def upload(self, body: dict) -> Any:
        """``{"conversions": [...], "partialFailure": true}``. Safe to repeat: orderId is the
        event id, and Google answers ORDER_ID_ALREADY_IN_USE."""
        return self.post(self.upload_path, json=body, idempotent=True, endpoint=UPLOAD_ENDPOINT)
