"""The TikTok Business API client for this app and gmvmax: the wire protocol (envelope, the
one return-code table, paging, OAuth exchange) is ``integrations.tiktok_business``; this
wrapper adds the settings, the tenant the calls are logged to and a stored connection's token.

Business API tokens can't be refreshed: when TikTok refuses one (40102/40104/40105), the
connection is marked "needs re-authorization" and the user reconnects.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from core.connections import connection_mark_needs_reauth
from core.models import Tenant
from integrations.openai_audio import TranscriptionClient
from integrations.tiktok_business import REPORT_MAX_DAYS, REPORT_PAGE_SIZE_MAX
from integrations.tiktok_business.files import VideoFilesMixin
from integrations.tiktok_business.leads import LeadSubscriptionMixin
from integrations.tiktok_business.management import ManagementApiMixin

__all__ = ["REPORT_MAX_DAYS", "REPORT_PAGE_SIZE_MAX", "BusinessApiClient", "ConnectionCredentials", "transcription_client"]


class ConnectionCredentials:
    """A stored connection's token, or a bare one (during OAuth, before anything is stored).
    A refused token of a connection is handed to ``on_refused(connection=, reason=)`` (default
    ``core.connections.connection_mark_needs_reauth``)."""

    def __init__(self, connection=None, *, access_token: str | None = None, on_refused=None):
        self.connection = connection
        self._access_token = access_token
        self.on_refused = on_refused

    @property
    def access_token(self) -> str:
        if self._access_token is not None:
            return self._access_token
        return self.connection.access_token if self.connection is not None else ""

    def renew(self, failed_token: str) -> str | None:
        if self.connection is None:
            return None
        on_refused = self.on_refused or connection_mark_needs_reauth
        on_refused(connection=self.connection, reason="TikTok rejected the access token; reconnect the account.")
        return None


class BusinessApiClient(VideoFilesMixin, LeadSubscriptionMixin, ManagementApiMixin):
    """Calls under one access token: a stored ``connection`` (``for_advertiser``), a bare
    ``access_token`` (during OAuth) or none (the token exchange itself)."""

    def __init__(
        self,
        *,
        tenant: Tenant,
        connection=None,
        access_token: str | None = None,
        credentials: ConnectionCredentials | None = None,
        **kwargs: Any,
    ):
        self.connection = connection
        credentials = credentials or ConnectionCredentials(connection, access_token=access_token)
        kwargs.setdefault("base_url", settings.TIKTOK_BUSINESS_API_BASE)
        kwargs.setdefault("rate_limit", settings.TIKTOK_BUSINESS_RATE_LIMIT)
        if credentials.access_token:
            kwargs.setdefault("credential_key", credentials.access_token)
        else:
            kwargs.setdefault("credential_key", f"app:{settings.TIKTOK_BUSINESS_APP_ID}")
            kwargs.setdefault("credential_label", f"app {settings.TIKTOK_BUSINESS_APP_ID}")
        if connection is not None:
            kwargs.setdefault("credential_label", f"business connection {connection.pk}")
        super().__init__(
            tenant=tenant,
            app_id=settings.TIKTOK_BUSINESS_APP_ID,
            app_secret=settings.TIKTOK_BUSINESS_APP_SECRET,
            credentials=credentials,
            **kwargs,
        )

    @classmethod
    def for_advertiser(cls, advertiser, **kwargs: Any) -> BusinessApiClient:
        """The client for the connection ``advertiser`` is reached through."""
        kwargs.setdefault("credential_label", f"advertiser {advertiser.advertiser_id}")
        return cls(tenant=advertiser.tenant, connection=advertiser.connection, **kwargs)


def transcription_client(tenant: Tenant) -> TranscriptionClient:
    """The OpenAI-compatible transcription endpoint of the settings, its calls logged to ``tenant``."""
    return TranscriptionClient(tenant=tenant, base_url=settings.TRANSCRIPTION_API_BASE, api_key=settings.TRANSCRIPTION_API_KEY)
