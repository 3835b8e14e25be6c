"""Studios and the Shopee accounts they stream from: connecting an account through Open
Platform OAuth (the QR login is ``qr_login``), keeping its tokens fresh, the client factories every other
part of the app calls through, and naming an account by a token the seed's callers send.

Two credentials per account, both encrypted at rest: the Open Platform pair (a 4-hour access
token and a single-use 30-day refresh token) and the Seller Center session cookie from the QR
login. A refresh rotates the pair under the row's lock in one transaction, so two workers never
spend the same refresh token: the second one finds the pair already rotated and uses it.
"""

from __future__ import annotations

import hmac
import logging
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.connections import connection_mark_needs_reauth, oauth_state_consume, oauth_state_issue
from core.errors import CoreError
from core.exceptions import ApplicationError
from core.http import AuthExpired, BadRequest, UpstreamError
from core.locks import named_lock
from core.models import ConnectionStatus, Tenant
from shopee_live.client import (
    AccountCredentials,
    ShopeeAuthClient,
    ShopeeOpenClient,
    ShopeeWebClient,
    WebSessionCredentials,
    shopee_authorize_url,
)
from shopee_live.errors import LiveError
from shopee_live.models import Region, ShopeeAccount, Studio
from shopee_live.regions import MARKETS, market

logger = logging.getLogger(__name__)

PROVIDER = "shopee"  # the provider of this app's OAuth states
TOKEN_REFRESH_AHEAD = timedelta(minutes=30)  # access tokens live 4 hours
START_LABEL = "Accounts → Authorize Open Platform"


# --- Studios ---------------------------------------------------------------------------------


def _studio_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ApplicationError("Give the studio a name.", code=CoreError.INVALID, extra={"fields": {"name": ["Required."]}})
    if len(name) > 120:
        raise ApplicationError(
            "A studio name has at most 120 characters.", code=CoreError.INVALID, extra={"fields": {"name": ["Too long."]}}
        )
    return name


def studio_create(*, tenant: Tenant, name: str, notes: str = "") -> Studio:
    name = _studio_name(name)
    if Studio.objects.for_tenant(tenant).filter(name__iexact=name).exists():
        raise ApplicationError(f"A studio named {name!r} exists already.", code=CoreError.INVALID, extra={"fields": {"name": ["Taken."]}})
    try:
        with transaction.atomic():
            return Studio.objects.create(tenant=tenant, name=name, notes=notes)
    except IntegrityError:
        raise ApplicationError(f"A studio named {name!r} exists already.", code=CoreError.INVALID, extra={"fields": {"name": ["Taken."]}})


def studio_rename(*, tenant: Tenant, studio: Studio, name: str) -> Studio:
    name = _studio_name(name)
    if Studio.objects.for_tenant(tenant).filter(name__iexact=name).exclude(pk=studio.pk).exists():
        raise ApplicationError(f"A studio named {name!r} exists already.", code=CoreError.INVALID, extra={"fields": {"name": ["Taken."]}})
    studio.name = name
    studio.save(update_fields=["name"])
    return studio


def studio_get(*, tenant: Tenant, studio_id) -> Studio:
    try:
        return Studio.objects.for_tenant(tenant).get(pk=int(studio_id))
    except (Studio.DoesNotExist, TypeError, ValueError):
        raise ApplicationError("No such studio.", code=CoreError.NOT_FOUND, status=404)


def region_checked(region: str) -> str:
    code = (region or "").strip().upper()
    if code not in MARKETS:
        choices = ", ".join(MARKETS)
        raise ApplicationError(f"Pick a region ({choices}).", code=CoreError.INVALID, extra={"fields": {"region": [f"One of {choices}."]}})
    return code


# --- Open Platform OAuth ---------------------------------------------------------------------


def account_oauth_start(*, tenant: Tenant, user, studio: Studio, region: str = Region.ID, account: ShopeeAccount | None = None) -> str:
    """The consent page link. Shopee's ``auth_partner`` has no ``state`` of its own, so the
    single-use state (and the studio and region a new account joins) ride in the redirect URL,
    which Shopee sends back with ``code`` and ``user_id`` appended. ``account``: re-authorize it."""
    region = account.region if account is not None else region_checked(region)
    studio = account.studio if account is not None else studio
    state = oauth_state_issue(tenant=tenant, provider=PROVIDER, user=user)
    redirect = f"{settings.SHOPEE_REDIRECT_URI}?{urlencode({'state': state, 'studio': studio.pk, 'region': region})}"
    return shopee_authorize_url(redirect=redirect)


def account_oauth_complete(
    *, tenant: Tenant, user, state: str, code: str, studio_id, region: str, user_id: str = "", shop_id: str = ""
) -> ShopeeAccount:
    """Check ``state`` (used up now), exchange ``code`` for the token pair and store it,
    encrypted, on the account of that Shopee user in the tenant (a new one in ``studio_id``)."""
    oauth_state_consume(tenant=tenant, provider=PROVIDER, state=state, auth_code=code, start_label=START_LABEL)
    studio = studio_get(tenant=tenant, studio_id=studio_id)
    region = region_checked(region)
    try:
        grant = ShopeeAuthClient(tenant=tenant).token_get(code=code, user_id=user_id or None, shop_id=shop_id or None)
    except (AuthExpired, BadRequest) as exc:
        raise ApplicationError(f"Shopee refused the authorization: {exc.message}", code=CoreError.AUTHORIZATION_REFUSED, status=400)
    user_id = str(user_id or (grant.user_ids[0] if grant.user_ids else ""))
    if not user_id:
        raise ApplicationError("The authorization names no Shopee user.", code=CoreError.AUTHORIZATION_REFUSED, status=400)
    shop_id = str(shop_id or (grant.shop_ids[0] if grant.shop_ids else ""))
    tokens = {
        "access_token": grant.access_token,
        "access_token_expires_at": grant.access_token_expires_at,
        "refresh_token": grant.refresh_token,
        "refresh_token_expires_at": grant.refresh_token_expires_at,
        "status": ConnectionStatus.ACTIVE,
        "status_reason": "",
        "connected_by": user,
    }
    with transaction.atomic():
        account = ShopeeAccount.objects.for_tenant(tenant).select_for_update().filter(user_id=user_id).order_by("pk").first()
        if account is None:
            account = ShopeeAccount.objects.create(
                tenant=tenant,
                studio=studio,
                region=region,
                currency=market(region).currency,
                user_id=user_id,
                shop_id=shop_id,
                name=f"Shopee user {user_id}",
                **tokens,
            )
        else:
            for field, value in tokens.items():
                setattr(account, field, value)
            account.shop_id = account.shop_id or shop_id
            account.save()
    creator_profile_fill(account)
    return account


# --- Token refresh ---------------------------------------------------------------------------


def open_client(account: ShopeeAccount, **kwargs) -> ShopeeOpenClient:
    """The Open Platform client of a stored account: a refused token is renewed once through
    ``account_credentials_renew`` (under the account's lock), a renewed one refused again marks
    the account as needing re-authorization."""
    if not account.refresh_token and not account.access_token:
        raise ApplicationError(
            f"{account.name} is not authorized for the Open Platform yet: use Authorize Open Platform on the Accounts page.",
            code=LiveError.NOT_CONNECTED,
            status=409,
        )
    credentials = AccountCredentials(account, renew_with=account_credentials_renew, on_refused=_open_token_refused)
    return ShopeeOpenClient(account=account, credentials=credentials, **kwargs)


def web_client(account: ShopeeAccount, **kwargs) -> ShopeeWebClient:
    """The Seller Center client of a stored account (its session cookie and region)."""
    if not account.web_session:
        raise ApplicationError(
            f"{account.name} has no Seller Center session: use Connect with QR on the Accounts page.",
            code=LiveError.NOT_CONNECTED,
            status=409,
        )
    if account.web_session_expires_at is not None and account.web_session_expires_at <= timezone.now():
        raise ApplicationError(
            f"The Seller Center session of {account.name} expired: use Connect with QR on the Accounts page to scan again.",
            code=LiveError.NOT_CONNECTED,
            status=409,
        )
    credentials = WebSessionCredentials(account, renew_with=account_web_session_renew)
    return ShopeeWebClient(tenant=account.tenant, account=account, credentials=credentials, **kwargs)


def account_credentials_renew(*, account: ShopeeAccount, failed_access_token: str) -> ShopeeAccount | None:
    """Called by the client, under the account's credential lock, after Shopee refused
    ``failed_access_token``: the account with a working token (another worker's, or a fresh
    pair), or None with the account marked as needing re-authorization."""
    return _tokens_rotate(account=account, stale_access_token=failed_access_token)


def _tokens_rotate(*, account: ShopeeAccount, stale_access_token: str) -> ShopeeAccount | None:
    # The row stays locked from the read to the write: of two workers holding the same stale
    # token, the second waits here, then sees the rotated pair and never spends the refresh
    # token the first one already spent.
    with transaction.atomic():
        stored = ShopeeAccount.objects.for_tenant(account.tenant_id).select_for_update().get(pk=account.pk)
        if stored.status == ConnectionStatus.DISCONNECTED:
            return None
        if stored.access_token and not hmac.compare_digest(stored.access_token, stale_access_token or ""):
            return stored  # another worker rotated it while this one waited
        if not stored.refresh_token:
            connection_mark_needs_reauth(connection=stored, reason="No refresh token: authorize the Open Platform again.")
            return None
        try:
            grant = ShopeeAuthClient(tenant=stored.tenant).token_refresh(refresh_token=stored.refresh_token, user_id=stored.user_id)
        except (AuthExpired, BadRequest) as exc:
            connection_mark_needs_reauth(connection=stored, reason=f"Token refresh refused: {exc.message}")
            return None
        stored.access_token = grant.access_token
        stored.access_token_expires_at = grant.access_token_expires_at
        stored.refresh_token = grant.refresh_token
        stored.refresh_token_expires_at = grant.refresh_token_expires_at
        if stored.status == ConnectionStatus.NEEDS_REAUTH and stored.status_reason.startswith("Token"):
            stored.status, stored.status_reason = ConnectionStatus.ACTIVE, ""
        stored.save(
            update_fields=[
                "access_token",
                "access_token_expires_at",
                "refresh_token",
                "refresh_token_expires_at",
                "status",
                "status_reason",
                "updated_at",
            ]
        )
        return stored


def _open_token_refused(*, account: ShopeeAccount, failed_access_token: str) -> None:
    """A freshly renewed token was refused as well (a wrong sign, a revoked authorization)."""
    connection_mark_needs_reauth(connection=account, reason="Shopee refused the renewed token: authorize the Open Platform again.")


def account_web_session_renew(*, account: ShopeeAccount, failed_web_session: str) -> ShopeeAccount | None:
    """The Seller Center refused the session cookie. A newer one (another QR login) is used;
    otherwise the session is recorded as expired and the account as needing a QR login."""
    stored = ShopeeAccount.objects.for_tenant(account.tenant_id).get(pk=account.pk)
    if stored.web_session and not hmac.compare_digest(stored.web_session, failed_web_session or ""):
        return stored
    ShopeeAccount.objects.for_tenant(account.tenant_id).filter(pk=account.pk).update(web_session_expires_at=timezone.now())
    connection_mark_needs_reauth(connection=stored, reason="The Seller Center session expired: connect with QR again.")
    return None


def account_token_refresh(*, account: ShopeeAccount) -> ShopeeAccount | None:
    """Rotate the account's pair now, under the same lock as the client's own renewal."""
    lock_name = ShopeeOpenClient(account=account).refresh_lock_name
    with named_lock(lock_name, ttl=ShopeeOpenClient.refresh_lock_ttl, wait=ShopeeOpenClient.refresh_lock_wait):
        return _tokens_rotate(account=account, stale_access_token=account.access_token)


def account_tokens_refresh_expiring(*, ahead: timedelta = TOKEN_REFRESH_AHEAD) -> int:
    """Cross-tenant on purpose (beat): rotate every active account's pair whose access token
    expires within ``ahead``. Returns how many were rotated."""
    from core.tenancy import tenant_scope

    due = ShopeeAccount.all_tenants.select_related("tenant").filter(
        status=ConnectionStatus.ACTIVE, access_token_expires_at__lt=timezone.now() + ahead
    )
    refreshed = 0
    for account in due:
        if not account.refresh_token:  # encrypted: filtered here, not in SQL
            continue
        with tenant_scope(account.tenant):
            try:
                if account_token_refresh(account=account) is not None:
                    refreshed += 1
            except UpstreamError as exc:
                logger.warning("Token refresh of Shopee account %s failed: %s", account.pk, exc)
    return refreshed


def creator_profile_fill(account: ShopeeAccount) -> None:
    """Name and followers from the creator profile, when a live Seller Center session exists;
    best effort (the account is connected either way)."""
    if not account.web_session or (account.web_session_expires_at and account.web_session_expires_at <= timezone.now()):
        return
    try:
        with web_client(account) as client:
            info = client.creator_user_info()
    except (UpstreamError, ApplicationError) as exc:
        logger.info("Creator profile of Shopee account %s not read: %s", account.pk, exc)
        return
    changed = []
    name = str(info.get("username") or info.get("shop_name") or info.get("shopName") or "")[:200]
    if name and name != account.name:
        account.name = name
        changed.append("name")
    followers = info.get("follower_count", info.get("followerCount"))
    if followers is not None:
        account.follower_count = int(followers or 0)
        changed.append("follower_count")
    shop_id = info.get("shop_id") or info.get("shopId")
    if shop_id and not account.shop_id:
        account.shop_id = str(shop_id)
        changed.append("shop_id")
    if changed:
        account.save(update_fields=[*changed, "updated_at"])


# --- Naming an account -----------------------------------------------------------------------


def account_for_access_token(*, tenant: Tenant, token: str) -> ShopeeAccount:
    """The tenant's account whose stored Open Platform token or Seller Center session is
    ``token``. Every stored token is compared in constant time (no early exit), so the answer's
    timing says nothing about how close a guess came. The token is only a name: it is never
    sent upstream. Unknown → 401 ``unknown_access_token``."""
    token = (token or "").strip()
    found: ShopeeAccount | None = None
    if token:
        for account in ShopeeAccount.objects.for_tenant(tenant).order_by("pk"):
            for stored in (account.access_token, account.web_session):
                if stored and hmac.compare_digest(stored.encode(), token.encode()) and found is None:
                    found = account
    if found is None:
        raise ApplicationError(
            "The access_token names none of this workspace's Shopee accounts.", code=LiveError.UNKNOWN_ACCESS_TOKEN, status=401
        )
    return found


def account_get(*, tenant: Tenant, account_id=None, access_token: str | None = None, shopee_account_id=None) -> ShopeeAccount:
    """The account the caller names, by id (``account_id`` or the seed's ``shopee_account_id``)
    or by a stored token; both given must name the same account."""
    account_id = account_id if account_id not in (None, "") else shopee_account_id
    by_token = account_for_access_token(tenant=tenant, token=access_token) if access_token else None
    if account_id in (None, ""):
        if by_token is None:
            raise ApplicationError(
                "Name the account: shopee_account_id or access_token.",
                code=CoreError.INVALID,
                extra={"fields": {"shopee_account_id": ["Required."]}},
            )
        return by_token
    try:
        account = ShopeeAccount.objects.for_tenant(tenant).select_related("studio").get(pk=int(account_id))
    except (ShopeeAccount.DoesNotExist, TypeError, ValueError):
        raise ApplicationError("No such Shopee account.", code=LiveError.ACCOUNT_NOT_FOUND, status=404)
    if by_token is not None and by_token.pk != account.pk:
        raise ApplicationError("The access_token names another account.", code=LiveError.UNKNOWN_ACCESS_TOKEN, status=401)
    return account
