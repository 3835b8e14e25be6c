"""Ad accounts (the seed's ``ad_accounts``) and the per-tenant TikTok UI switch.

``PATCH /api/ad-accounts/:id`` takes the seed's ``tiktok_business_id`` (the advertiser id of one
of the tenant's connected advertisers; null disconnects), ``tiktok_account_id`` (the TT_USER
identity ads post as, checked with the advertiser's ``identity/get``; null disconnects) and
``autopilot_tiktok``. Every change writes one ``AdAccountChange`` per field (connect, disconnect or
update, before and after, who) and one structured log line."""

from __future__ import annotations

import logging
from typing import Any

from django.db import IntegrityError, transaction

from core.exceptions import ApplicationError, Conflict
from core.models import Tenant
from tiktok_ads.client import BusinessApiClient
from tiktok_ads.models import AdAccount, AdAccountChange, Advertiser, TikTokAdsSettings
from tiktok_ads.selectors.directions import SHOW_TIKTOK_MEMO

logger = logging.getLogger(__name__)

IDENTITY_TYPE = "TT_USER"


def _invalid(field: str, message: str, *, status: int = 400) -> ApplicationError:
    return ApplicationError(f"{field}: {message}", status=status, extra={"fields": {field: [message]}})


def _advertiser_for(tenant: Tenant, value) -> Advertiser | None:
    if value in (None, ""):
        return None
    found = (
        Advertiser.objects.for_tenant(tenant).filter(advertiser_id=str(value).strip(), is_active=True).select_related("connection").first()
    )
    if found is None:
        raise _invalid(
            "tiktok_business_id", f"no connected TikTok advertiser {value} in this workspace; connect it on the Ad accounts page first."
        )
    return found


def _check_identity(advertiser: Advertiser | None, identity_id: str) -> None:
    """``identity_id`` must be one of the advertiser's TT_USER identities (upstream failures
    become 502/503 through the API's handler)."""
    if advertiser is None:
        raise _invalid("tiktok_account_id", "set tiktok_business_id (the advertiser) first: an identity belongs to an advertiser.")
    identities = BusinessApiClient.for_advertiser(advertiser).identities(advertiser.advertiser_id, IDENTITY_TYPE)
    if identity_id not in {str(row.get("identity_id")) for row in identities}:
        raise _invalid("tiktok_account_id", f"{identity_id} is not a TT_USER identity of advertiser {advertiser.advertiser_id}.")


def _clean(tenant: Tenant, account: AdAccount | None, data: dict) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    if "name" in data or account is None:
        name = data.get("name")
        name = name.strip() if isinstance(name, str) else ""
        if not name or len(name) > 200:
            raise _invalid("name", "required, at most 200 characters.")
        if AdAccount.objects.for_tenant(tenant).filter(name=name).exclude(pk=getattr(account, "pk", None)).exists():
            raise Conflict(f"name: an ad account named {name!r} already exists.", extra={"fields": {"name": ["Already used."]}})
        cleaned["name"] = name
    if "tiktok_business_id" in data:
        cleaned["advertiser"] = _advertiser_for(tenant, data["tiktok_business_id"])
    for flag in ("autopilot_tiktok", "is_active"):
        if flag in data:
            if not isinstance(data[flag], bool):
                raise _invalid(flag, "must be true or false.")
            cleaned[flag] = data[flag]
    advertiser = cleaned["advertiser"] if "advertiser" in cleaned else getattr(account, "advertiser", None)
    if "tiktok_account_id" in data:
        identity = "" if data["tiktok_account_id"] is None else str(data["tiktok_account_id"]).strip()
        if len(identity) > 64:
            raise _invalid("tiktok_account_id", "at most 64 characters.")
        if identity and identity != getattr(account, "tiktok_account_id", None):
            _check_identity(advertiser, identity)
        cleaned["tiktok_account_id"] = identity
    elif "advertiser" in cleaned and cleaned["advertiser"] is None:
        cleaned["tiktok_account_id"] = ""  # no advertiser, no identity: both disconnect
    unknown = sorted(set(data) - {"name", "tiktok_business_id", "tiktok_account_id", "autopilot_tiktok", "is_active"})
    if unknown:
        raise _invalid(unknown[0], "unknown field; use name, tiktok_business_id, tiktok_account_id, autopilot_tiktok or is_active.")
    return cleaned


def _shown(field: str, value) -> str:
    if field == "advertiser":
        return value.advertiser_id if value is not None else ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value or "")


# Stored field → the seed's name in the change log.
LOGGED_AS = {
    "advertiser": "tiktok_business_id",
    "tiktok_account_id": "tiktok_account_id",
    "autopilot_tiktok": "autopilot_tiktok",
    "name": "name",
    "is_active": "is_active",
}
CREDENTIALS = ("advertiser", "tiktok_account_id")


def _record_changes(tenant: Tenant, account: AdAccount, before: dict[str, str], actor: str) -> list[AdAccountChange]:
    changes = []
    for field, old in before.items():
        new = _shown(field, getattr(account, field))
        if new == old:
            continue
        action = "update"
        if field in CREDENTIALS:
            action = "disconnect" if not new else ("connect" if not old else "update")
        changes.append(
            AdAccountChange(
                tenant=tenant,
                ad_account=account,
                field=LOGGED_AS[field],
                action=action,
                before=old[:200],
                after=new[:200],
                actor=actor[:200],
            )
        )
    AdAccountChange.objects.bulk_create(changes)
    for change in changes:
        logger.info(
            "ad account %s %s",
            change.field,
            change.action,
            extra={
                "tenant_id": tenant.pk,
                "ad_account_id": account.pk,
                "field": change.field,
                "action": change.action,
                "before": change.before,
                "after": change.after,
                "actor": actor,
            },
        )
    return changes


def ad_account_create(*, tenant: Tenant, data: dict, actor: str = "") -> AdAccount:
    cleaned = _clean(tenant, None, data)
    try:
        with transaction.atomic():
            account = AdAccount.objects.create(tenant=tenant, name=cleaned.pop("name"))
            before = {field: _shown(field, getattr(account, field)) for field in cleaned}
            for field, value in cleaned.items():
                setattr(account, field, value)
            account.save()
            _record_changes(tenant, account, before, actor)
    except IntegrityError:
        raise Conflict("name: an ad account with this name already exists.", extra={"fields": {"name": ["Already used."]}}) from None
    return account


def ad_account_update(*, tenant: Tenant, account: AdAccount, data: dict, actor: str = "") -> list[AdAccountChange]:
    """Apply the seed's PATCH; the change rows written (none when nothing changed)."""
    cleaned = _clean(tenant, account, data)
    before = {field: _shown(field, getattr(account, field)) for field in cleaned}
    for field, value in cleaned.items():
        setattr(account, field, value)
    try:
        with transaction.atomic():
            account.save()
            return _record_changes(tenant, account, before, actor)
    except IntegrityError:
        raise Conflict("name: an ad account with this name already exists.", extra={"fields": {"name": ["Already used."]}}) from None


def tiktok_settings_update(*, tenant: Tenant, show_tiktok: bool, actor: str = "") -> TikTokAdsSettings:
    """Turn the TikTok pages and tabs on or off for ``tenant`` (the API keeps working)."""
    settings, _ = TikTokAdsSettings.objects.for_tenant(tenant).get_or_create(tenant=tenant, defaults={"show_tiktok": show_tiktok})
    if settings.show_tiktok != show_tiktok:
        settings.show_tiktok = show_tiktok
        settings.save(update_fields=["show_tiktok", "updated_at"])
    setattr(tenant, SHOW_TIKTOK_MEMO, show_tiktok)
    logger.info("tiktok ui switched", extra={"tenant_id": tenant.pk, "show_tiktok": show_tiktok, "actor": actor})
    return settings
