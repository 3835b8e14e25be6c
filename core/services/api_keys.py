"""API keys: issued once (only the hash is kept), revoked, touched when used."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.utils import timezone

from core.errors import CoreError
from core.exceptions import ApplicationError
from core.models import ApiKey, Role, Tenant
from core.selectors import API_KEY_PREFIX, hash_api_key


@dataclass(frozen=True)
class IssuedApiKey:
    api_key: ApiKey
    raw_key: str  # shown once, never stored


def api_key_create(*, tenant: Tenant, name: str, role: str = Role.ANALYST, created_by=None) -> IssuedApiKey:
    if role not in Role.values or role == Role.OWNER:
        raise ApplicationError(
            "API keys can be viewer, analyst or admin.", code=CoreError.INVALID_ROLE, extra={"fields": {"role": ["Invalid role."]}}
        )
    name = name.strip()
    if not name:
        raise ApplicationError("Give the key a name.", code=CoreError.INVALID_NAME, extra={"fields": {"name": ["This field is required."]}})
    prefix = secrets.token_hex(4)
    raw_key = f"{API_KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32).replace('_', '-')}"
    api_key = ApiKey.objects.create(
        tenant=tenant, name=name[:100], prefix=prefix, key_hash=hash_api_key(raw_key), role=role, created_by=created_by
    )
    return IssuedApiKey(api_key=api_key, raw_key=raw_key)


def api_key_revoke(*, api_key: ApiKey) -> ApiKey:
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
    return api_key


def api_key_touch(*, api_key: ApiKey, min_interval_seconds: int = 60) -> None:
    """Record use without a write per request: at most one update a minute per key."""
    now = timezone.now()
    if api_key.last_used_at is None or (now - api_key.last_used_at).total_seconds() >= min_interval_seconds:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now
