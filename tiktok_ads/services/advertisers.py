"""Writes for TikTok Business API connections: OAuth (start, callback), refreshing the advertisers
and stores a connection reaches, marking a rejected token, disconnecting. The OAuth state and
the needs-re-authorization marking are ``core.connections``'s.

Store numbering: a tenant's distinct ``store_id``s are numbered 1, 2, … in the order they are
first stored, and a number never changes or gets reused (rows are kept on disconnect), so the
seed's ``shopNumber`` means the same shop for ever. A store reached through two advertisers has
one number on both rows.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.connections import NeedsReauth, connection_mark_needs_reauth, oauth_state_consume, oauth_state_issue
from core.exceptions import ApplicationError
from core.http import AuthExpired, BadRequest, UpstreamError
from core.models import ConnectionStatus, Tenant
from core.timezones import is_zone
from core.upstream import upstream_failure
from tiktok_ads.client import BusinessApiClient
from tiktok_ads.errors import TikTokAdsError
from tiktok_ads.models import Advertiser, AdvertiserStore, BusinessConnection

logger = logging.getLogger(__name__)

PROVIDER = "tiktok_business"  # the provider of this app's OAuth states


# --- OAuth --------------------------------------------------------------------------------


def business_oauth_start(*, tenant: Tenant, user=None) -> str:
    """A fresh single-use ``state`` for this tenant, and the authorize URL carrying it."""
    if not settings.TIKTOK_BUSINESS_APP_ID or not settings.TIKTOK_BUSINESS_APP_SECRET:
        # Said here rather than by TikTok's authorize page, after a round trip.
        raise ApplicationError(
            "The TikTok Business app is not configured (TIKTOK_BUSINESS_APP_ID, TIKTOK_BUSINESS_APP_SECRET).",
            code="not_configured",
            status=503,
        )
    state = oauth_state_issue(tenant=tenant, provider=PROVIDER, user=user)
    query = urlencode({"app_id": settings.TIKTOK_BUSINESS_APP_ID, "state": state, "redirect_uri": settings.TIKTOK_BUSINESS_REDIRECT_URI})
    return f"{settings.TIKTOK_BUSINESS_AUTHORIZE_URL}?{query}"


def business_oauth_complete(*, tenant: Tenant, user=None, state: str, auth_code: str) -> BusinessConnection:
    """Check ``state`` (this tenant's, unused, under 10 minutes old; used up now), exchange the
    code for a token, and store the connection (token encrypted) with its advertisers and their
    stores."""
    oauth_state_consume(tenant=tenant, provider=PROVIDER, state=state, auth_code=auth_code, start_label="Connect advertisers")
    try:
        grant = BusinessApiClient(tenant=tenant).exchange_auth_code(auth_code)
        snapshot = _advertisers_fetch(tenant=tenant, access_token=grant["access_token"])
    except (AuthExpired, BadRequest) as exc:
        raise ApplicationError(f"TikTok refused the authorization: {exc.message}", code="authorization_refused", status=400)
    except UpstreamError as exc:
        raise ApplicationError(f"TikTok is unavailable ({exc.message}); try connecting again.", code="upstream_unavailable", status=502)
    if not snapshot:
        raise ApplicationError("The authorization grants no advertiser account.", code="no_advertisers", status=400)

    with transaction.atomic():
        connection = BusinessConnection.objects.create(
            tenant=tenant, access_token=grant["access_token"], scope=grant["scope"], connected_by=user
        )
        _advertisers_store(connection=connection, snapshot=snapshot)
    return connection


def _advertisers_fetch(*, tenant: Tenant, access_token: str) -> list[dict]:
    """What the token reaches: ``[{"info": advertiser info, "stores": [...]}]``, in the
    platform's advertiser order (which fixes the shop numbering of new stores)."""
    with BusinessApiClient(tenant=tenant, access_token=access_token) as client:
        listed = client.advertisers()
        ids = [str(entry["advertiser_id"]) for entry in listed if entry.get("advertiser_id")]
        info = {str(entry["advertiser_id"]): entry for entry in client.advertiser_info(ids)} if ids else {}
        names = {str(entry["advertiser_id"]): entry.get("advertiser_name") for entry in listed}
        snapshot = []
        for advertiser_id in ids:
            details = {"advertiser_id": advertiser_id, "name": names.get(advertiser_id) or advertiser_id, **info.get(advertiser_id, {})}
            snapshot.append({"info": details, "stores": client.gmv_max_stores(advertiser_id)})
    return snapshot


def _advertisers_store(*, connection: BusinessConnection, snapshot: list[dict]) -> list[Advertiser]:
    """Upsert the advertisers and stores of ``snapshot`` under ``connection``; advertisers the
    connection no longer reaches become inactive. Runs inside the caller's transaction."""
    tenant = connection.tenant
    # One numbering at a time per tenant: two callbacks must not hand out the same number.
    Tenant.objects.select_for_update().filter(pk=tenant.pk).first()
    # An account authorized again through a newer connection stays there: refreshing an older
    # authorization that still reaches it must not take it back (and close the newer one).
    held_elsewhere = set(
        Advertiser.objects.for_tenant(tenant)
        .filter(is_active=True, connection__status=ConnectionStatus.ACTIVE, connection_id__gt=connection.pk)
        .values_list("advertiser_id", flat=True)
    )
    advertisers = []
    for entry in snapshot:
        info = entry["info"]
        if str(info["advertiser_id"]) in held_elsewhere:
            continue
        advertiser, _ = Advertiser.objects.for_tenant(tenant).update_or_create(
            tenant=tenant,
            advertiser_id=str(info["advertiser_id"]),
            defaults={
                "connection": connection,
                "name": str(info.get("name") or info["advertiser_id"])[:200],
                "currency": str(info.get("currency") or "")[:3],
                "time_zone": _zone(info),
                "is_active": True,
            },
        )
        _stores_store(advertiser=advertiser, stores=entry["stores"])
        advertisers.append(advertiser)
    reached = [advertiser.pk for advertiser in advertisers]
    Advertiser.objects.for_tenant(tenant).filter(connection=connection).exclude(pk__in=reached).update(
        is_active=False, updated_at=timezone.now()
    )
    # Older connections left without advertisers (the same accounts reconnected) are done.
    for old in BusinessConnection.objects.for_tenant(tenant).exclude(pk=connection.pk).exclude(status=ConnectionStatus.DISCONNECTED):
        if not Advertiser.objects.for_tenant(tenant).filter(connection=old, is_active=True).exists():
            _connection_close(old, reason=f"Replaced by Business API authorization #{connection.pk}.")
    return advertisers


def _zone(info: dict) -> str:
    # ``display_timezone`` is the IANA name; ``timezone`` may be an ``Etc/GMT-8`` offset zone.
    for candidate in (info.get("display_timezone"), info.get("timezone")):
        if candidate and is_zone(str(candidate)):
            return str(candidate)[:64]
    return "UTC"


def _stores_store(*, advertiser: Advertiser, stores: list[dict]) -> None:
    tenant_id = advertiser.tenant_id
    rows = AdvertiserStore.objects.for_tenant(tenant_id)
    listed = []
    for store in stores:
        store_id = str(store.get("store_id") or "")
        if not store_id:
            continue
        listed.append(store_id)
        number = rows.filter(store_id=store_id).values_list("shop_number", flat=True).first()
        if number is None:
            number = (rows.aggregate(top=Max("shop_number"))["top"] or 0) + 1
        rows.update_or_create(
            tenant_id=tenant_id,
            advertiser=advertiser,
            store_id=store_id,
            defaults={
                "name": str(store.get("store_name") or "")[:200],
                "is_gmv_max_available": bool(store.get("is_gmv_max_available")),
                "shop_number": number,
            },
        )
    # A store the advertiser no longer lists keeps its number but can't run GMV Max here.
    rows.filter(advertiser=advertiser).exclude(store_id__in=listed).update(is_gmv_max_available=False)


# --- Connections --------------------------------------------------------------------------


def advertisers_refresh(*, connection: BusinessConnection) -> list[Advertiser]:
    """Re-read the advertisers, their details and stores the connection reaches."""
    if connection.status == ConnectionStatus.DISCONNECTED:
        raise ApplicationError("This connection was disconnected; connect the advertisers again.", code=TikTokAdsError.DISCONNECTED)
    try:
        snapshot = _advertisers_fetch(tenant=connection.tenant, access_token=connection.access_token)
    except AuthExpired as exc:
        connection_mark_needs_reauth(connection=connection, reason=exc.message or "TikTok rejected the access token.")
        raise NeedsReauth("TikTok rejected this connection's token; reconnect the advertisers.")
    except UpstreamError as exc:
        # The same 502/503 (with retry_after) every upstream failure maps to; the task reads it as a refusal.
        raise upstream_failure(exc) from exc
    with transaction.atomic():
        advertisers = _advertisers_store(connection=connection, snapshot=snapshot)
        BusinessConnection.objects.for_tenant(connection.tenant_id).filter(pk=connection.pk).update(
            status=ConnectionStatus.ACTIVE, status_reason="", updated_at=timezone.now()
        )
    connection.refresh_from_db()
    return advertisers


def _connection_close(connection: BusinessConnection, *, reason: str) -> None:
    BusinessConnection.objects.for_tenant(connection.tenant_id).filter(pk=connection.pk).update(
        status=ConnectionStatus.DISCONNECTED, status_reason=reason[:300], access_token="", updated_at=timezone.now()
    )
    Advertiser.objects.for_tenant(connection.tenant_id).filter(connection=connection).update(is_active=False, updated_at=timezone.now())


def connection_disconnect(*, connection: BusinessConnection) -> None:
    """Forget the token and deactivate its advertisers. Stored reports and shop numbers stay."""
    with transaction.atomic():
        _connection_close(connection, reason="Disconnected.")
    connection.refresh_from_db()


def advertiser_business_client(*, advertiser, **kwargs) -> BusinessApiClient:
    """The Business API client of the connection ``advertiser`` is reached through: how other
    apps (gmvmax, autopilot) call the platform for an advertiser, without knowing its
    connection. ``kwargs`` go to the client (``timeout``, ``backoff_schedule``, ``sleep``, ...)."""
    return BusinessApiClient.for_advertiser(advertiser, **kwargs)
