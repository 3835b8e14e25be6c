"""One connection layer for every platform a tenant authorizes (TikTok Shop, TikTok Business,
Shopee next): the OAuth ``state`` round trip, marking a connection whose token the platform
refused, and the error that says so.

An app's connect view calls ``oauth_state_issue`` and redirects to the platform's authorize page
with the state; its callback calls ``oauth_state_consume`` (one conditional UPDATE, so a state
is used at most once even when two callbacks race) before exchanging the code. Provider names
are free-form strings chosen by each app (``"tiktok_shop"``, ``"tiktok_business"``): a state
issued for one provider is never accepted by another's callback.

Connection models inherit ``core.models.ConnectionBase`` (status, reason, who connected it) and
keep their provider's own fields.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from typing import TypeVar

from django.utils import timezone

from core.exceptions import ApplicationError
from core.models import ConnectionBase, ConnectionStatus, OAuthState, Tenant

logger = logging.getLogger(__name__)
C = TypeVar("C", bound=ConnectionBase)

OAUTH_STATE_TTL = timedelta(minutes=10)
# Used and abandoned states are kept a day for support questions, then pruned.
OAUTH_STATE_KEEP = timedelta(days=1)

# Error codes. ``NEEDS_REAUTH`` equals the status value, so clients switch on one word.
INVALID_STATE = "invalid_state"
NEEDS_REAUTH = ConnectionStatus.NEEDS_REAUTH.value


class NeedsReauth(ApplicationError):
    """The platform refused the connection's tokens: the user has to authorize again.

    ``extra.connection_status`` is always ``needs_reauth``, also where an app's published code
    is more specific (shop_sync answers ``shop_needs_reauth``)."""

    status = 409
    code = NEEDS_REAUTH

    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message, code=code, extra={"connection_status": NEEDS_REAUTH})


def oauth_state_issue(*, tenant: Tenant, provider: str, user=None) -> str:
    """A fresh single-use ``state`` for an authorization of ``provider`` by this tenant."""
    row = OAuthState.objects.create(tenant=tenant, provider=provider, state=secrets.token_urlsafe(32), created_by=user)
    return row.state


def oauth_state_consume(*, tenant: Tenant, provider: str, state: str, auth_code: str, start_label: str) -> None:
    """Use up ``state`` (this tenant's, this provider's, unused, under ``OAUTH_STATE_TTL`` old)
    for a callback that brought ``auth_code``; raises ``invalid_state`` (400) otherwise.

    The state is used up even when the code is missing, so a link can't be tried twice.
    ``start_label`` names where the user starts again ("Connect a shop")."""
    now = timezone.now()
    consumed = (
        OAuthState.objects.for_tenant(tenant)
        .filter(provider=provider, state=state or "", used_at__isnull=True, created_at__gte=now - OAUTH_STATE_TTL)
        .update(used_at=now)
    )
    if not state or not auth_code or consumed != 1:
        raise ApplicationError(f"This authorization link is invalid or has expired. Start again from {start_label}.", code=INVALID_STATE)


def oauth_states_prune(*, older_than: timedelta = OAUTH_STATE_KEEP) -> int:
    """Delete states of every provider past any use; cross-tenant on purpose (beat)."""
    deleted, _ = OAuthState.all_tenants.filter(created_at__lt=timezone.now() - max(older_than, OAUTH_STATE_TTL)).delete()
    return deleted


def connection_mark_needs_reauth(*, connection: C, reason: str) -> C:
    """The platform refused the connection's tokens: flag it until the user reconnects. A
    disconnected connection stays disconnected. Returns the connection with its new status."""
    reason = reason[:300]
    changed = (
        type(connection)
        .objects.for_tenant(connection.tenant_id)
        .filter(pk=connection.pk)
        .exclude(status=ConnectionStatus.DISCONNECTED)
        .update(status=ConnectionStatus.NEEDS_REAUTH, status_reason=reason, updated_at=timezone.now())
    )
    if changed:
        connection.status, connection.status_reason = ConnectionStatus.NEEDS_REAUTH, reason
        logger.warning("%s %s needs re-authorization: %s", type(connection).__name__, connection.pk, reason)
    return connection
