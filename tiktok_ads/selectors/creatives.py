"""Reads of creatives and video uploads (tenant-scoped; another tenant's row is "not found")."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from core.exceptions import ApplicationError, NotFound
from core.models import Tenant
from tiktok_ads.models import AdAccount, Creative, Direction, TranscriptionStatus, UploadState, VideoUpload

TRANSCRIPTION_MAX_ATTEMPTS = 5


def creatives_for_tenant(tenant: Tenant) -> QuerySet[Creative]:
    return Creative.objects.for_tenant(tenant).select_related("ad_account", "direction").order_by("-created_at", "-id")


def creative_ad_accounts(tenant: Tenant) -> QuerySet[AdAccount]:
    """The ad accounts a creative can be uploaded for."""
    return AdAccount.objects.for_tenant(tenant).filter(is_active=True).order_by("name", "id")


def creative_directions(tenant: Tenant) -> QuerySet[Direction]:
    return Direction.objects.for_tenant(tenant).filter(is_active=True).select_related("ad_account").order_by("name", "id")


def parse_upload_id(raw: str) -> uuid.UUID:
    """The upload id of a URL: a UUID or a 400. Only the parsed UUID ever names a file."""
    try:
        return uuid.UUID(str(raw))
    except (TypeError, ValueError):
        raise ApplicationError("Upload ids are UUIDs.", code="invalid_upload_id") from None


def upload_get(tenant: Tenant, raw_id: str) -> VideoUpload:
    """The tenant's upload by its public id: 400 for a malformed id, 404 for an unknown one (or
    another tenant's)."""
    upload = VideoUpload.objects.for_tenant(tenant).filter(upload_id=parse_upload_id(raw_id)).first()
    if upload is None:
        raise NotFound("No such upload.", code="upload_not_found")
    return upload


def transcriptions_retry_due() -> list[VideoUpload]:
    """Sent uploads whose creative's transcription failed with attempts left, every tenant:
    the hourly sweep's work (the task checks the file is still there)."""
    return list(
        VideoUpload.all_tenants.filter(
            state=UploadState.DONE,
            creative__transcription_status=TranscriptionStatus.FAILED,
            creative__transcription_attempts__lt=TRANSCRIPTION_MAX_ATTEMPTS,
        ).order_by("pk")
    )
