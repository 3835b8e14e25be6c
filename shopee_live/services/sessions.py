"""Session records written by hand (the seed's ``POST /sessions``) and one session read fresh:
refreshed from Shopee when its figures are more than a minute old, else (or when Shopee fails)
served as stored with its age.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.exceptions import ApplicationError, Conflict
from core.http import UpstreamError
from core.models import ConnectionStatus, Tenant
from core.upstream import as_application_error
from shopee_live.errors import LiveError
from shopee_live.models import Host, LiveSession, SessionSource, ShopeeAccount, Studio
from shopee_live.selectors import session_get
from shopee_live.services.sync import session_sync

# A session's figures older than this are refreshed on read (the live page polls every 30 s).
FRESH_FOR = timedelta(minutes=1)


def host_link(*, studio: Studio, streamer_id: str, streamer_name: str) -> Host | None:
    """The studio's host with ``streamer_id`` (created, or renamed to ``streamer_name``)."""
    if not streamer_id:
        return None
    host, created = Host.objects.get_or_create(
        tenant_id=studio.tenant_id, streamer_id=streamer_id, defaults={"studio": studio, "name": streamer_name or streamer_id}
    )
    if not created and streamer_name and host.name != streamer_name:
        host.name = streamer_name
        host.save(update_fields=["name"])
    return host


def _account_in_studio(account: ShopeeAccount, studio: Studio) -> None:
    if account.studio_id != studio.pk:
        raise ApplicationError(
            "This Shopee account streams for another studio.",
            code=LiveError.ACCOUNT_NOT_FOUND,
            extra={"fields": {"shopee_account_id": ["Not an account of studio_id."]}},
        )


def session_create(
    *, studio: Studio, account: ShopeeAccount, session_id: str, session_name: str = "", streamer_id: str = "", streamer_name: str = ""
) -> LiveSession:
    """Records a session by hand (figures come later from the sync or stay zero). A session id
    the tenant already has is a 409 naming ``session_id``."""
    _account_in_studio(account, studio)
    duplicate = Conflict(
        f"Session {session_id} is already recorded.",
        code=LiveError.DUPLICATE_SESSION,
        extra={"fields": {"session_id": ["A session with this id already exists."]}},
    )
    if LiveSession.objects.for_tenant(studio.tenant_id).filter(session_id=session_id).exists():
        raise duplicate
    try:
        with transaction.atomic():
            return LiveSession.objects.create(
                tenant_id=studio.tenant_id,
                studio=studio,
                account=account,
                host=host_link(studio=studio, streamer_id=streamer_id, streamer_name=streamer_name),
                session_id=session_id,
                session_name=session_name,
                source=SessionSource.MANUAL,
                currency=account.currency,
            )
    except IntegrityError:  # recorded by a concurrent request since the check
        raise duplicate from None


def session_sync_requested(*, studio: Studio, account: ShopeeAccount, session_id: str) -> LiveSession:
    """The seed's ``POST /sessions/sync``: one session brought up to date now. A session already
    recorded under another account of the tenant is refused (400 naming ``shopee_account_id``)."""
    _account_in_studio(account, studio)
    stored = LiveSession.objects.for_tenant(studio.tenant_id).filter(session_id=session_id).only("account_id").first()
    if stored is not None and stored.account_id != account.pk:
        raise ApplicationError(
            f"Session {session_id} belongs to another of your Shopee accounts.",
            code=LiveError.SESSION_STATE,
            extra={"fields": {"shopee_account_id": ["Not the account of this session."]}},
        )
    return session_sync(account=account, session_id=session_id)


@dataclass
class SessionRead:
    """A session as the API shows it: ``stale`` when its figures are older than ``FRESH_FOR``
    and could not be refreshed (``stale_reason`` says why)."""

    session: LiveSession
    stale: bool
    age_seconds: int | None
    stale_reason: str = ""


def _connected(account: ShopeeAccount) -> bool:
    return account.status == ConnectionStatus.ACTIVE and bool(account.web_session)


def session_read(tenant: Tenant, *, session_id: str, now: datetime | None = None) -> SessionRead:
    """The session, refreshed from Shopee first when it isn't final, its account is connected
    and its figures are over a minute old. Shopee failing never fails the read."""
    session = session_get(tenant, session_id=session_id)
    now = now or timezone.now()
    reason = ""
    due = not session.is_final and (session.synced_at is None or now - session.synced_at > FRESH_FOR)
    if due:
        account = ShopeeAccount.objects.for_tenant(tenant).get(pk=session.account_id)
        if not _connected(account):
            reason = "The Shopee account is not connected; these are the stored figures."
        else:
            try:
                session_sync(account=account, session_id=session.session_id)
            except (UpstreamError, ApplicationError) as error:
                reason = f"Shopee could not be reached: {as_application_error(error).message}"
            session = session_get(tenant, session_id=session_id)
    age = max(0, int((timezone.now() - session.synced_at).total_seconds())) if session.synced_at else None
    return SessionRead(session=session, stale=bool(reason), age_seconds=age, stale_reason=reason)
