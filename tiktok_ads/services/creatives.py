"""Creatives: the videos (and, for other platforms, images and carousels) an ad account runs.

TikTok runs video creatives only: an image or carousel for a TikTok direction is refused. A
creative made with a ``tiktok_video_id`` reuses that video; one with a ``media_url`` is uploaded by
URL when a launch needs it; one uploaded from the browser goes through ``video_uploads``.

Status updates use optimistic locking on ``version``: ``UPDATE … WHERE version = v``; on a conflict
the row is re-read and the update tried once more, then forced (logged), as the seed does.
"""

from __future__ import annotations

import logging

from django.db.models import F
from django.utils import timezone

from core.exceptions import ApplicationError
from core.models import Tenant
from tiktok_ads.models import AdAccount, Creative, CreativeStatus, Direction, MediaType, Platform, TranscriptionStatus

logger = logging.getLogger(__name__)

TIKTOK_VIDEO_ONLY = "TikTok runs video creatives only: upload a video for this direction (images and carousels run on other platforms)."


def _tenant_row(model, tenant: Tenant, pk, *, field: str, label: str):
    if pk in (None, ""):
        return None
    try:
        row = model.objects.for_tenant(tenant).filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        row = None
    if row is None:
        raise ApplicationError(f"No such {label}.", code=f"invalid_{field}", extra={"fields": {field: [f"No such {label}."]}})
    return row


def creative_create(
    *,
    tenant: Tenant,
    ad_account_id,
    title: str,
    media_type: str = MediaType.VIDEO,
    direction_id=None,
    media_url: str = "",
    ad_text: str = "",
    tiktok_video_id: str = "",
    status: str | None = None,
    file_size: int | None = None,
) -> Creative:
    """A creative of the tenant's ad account (and direction, which must be the account's)."""
    ad_account = _tenant_row(AdAccount, tenant, ad_account_id, field="ad_account_id", label="ad account")
    if ad_account is None:
        raise ApplicationError("Choose the ad account.", code="invalid_ad_account_id", extra={"fields": {"ad_account_id": ["Required."]}})
    direction = _tenant_row(Direction, tenant, direction_id, field="direction_id", label="direction")
    if direction is not None and direction.ad_account_id != ad_account.pk:
        raise ApplicationError("The direction belongs to another ad account.", code="invalid_direction_id")
    if media_type not in MediaType.values:
        raise ApplicationError("media_type is video, image or carousel.", code="invalid_media_type")
    if direction is not None and direction.platform == Platform.TIKTOK and media_type != MediaType.VIDEO:
        raise ApplicationError(TIKTOK_VIDEO_ONLY, code="tiktok_video_only")
    tiktok_video_id = (tiktok_video_id or "").strip()
    if tiktok_video_id and media_type != MediaType.VIDEO:
        raise ApplicationError("Only a video creative has a TikTok video id.", code="invalid_media_type")
    if status is None:
        # A known TikTok video, or a URL the launch uploads from, is ready to run.
        status = CreativeStatus.READY if (tiktok_video_id or media_url or media_type != MediaType.VIDEO) else CreativeStatus.UPLOADING
    return Creative.objects.create(
        tenant=tenant,
        ad_account=ad_account,
        direction=direction,
        title=title.strip()[:200] or "Untitled creative",
        media_type=media_type,
        media_url=media_url,
        ad_text=ad_text[:100],
        tiktok_video_id=tiktok_video_id,
        status=status,
        file_size=file_size,
        # Nothing to transcribe without a file of ours.
        transcription_status=TranscriptionStatus.PENDING if status == CreativeStatus.UPLOADING else TranscriptionStatus.SKIPPED,
    )


def creative_update_locked(*, creative: Creative, **fields) -> Creative:
    """Write ``fields`` to the creative if nobody changed it since it was read (``version``);
    on a conflict re-read and try once more, then force the update (logged). Returns the row
    as written."""
    for attempt in (1, 2):
        updated = Creative.all_tenants.filter(pk=creative.pk, version=creative.version).update(
            **fields, version=F("version") + 1, updated_at=timezone.now()
        )
        if updated:
            creative.refresh_from_db()
            if attempt > 1:
                logger.info("Creative %s updated after a version conflict (re-read once).", creative.pk)
            return creative
        creative.refresh_from_db()
    Creative.all_tenants.filter(pk=creative.pk).update(**fields, version=F("version") + 1, updated_at=timezone.now())
    creative.refresh_from_db()
    logger.warning("Creative %s force-updated after two version conflicts: %s", creative.pk, sorted(fields))
    return creative


def creative_set_status(*, creative: Creative, status: str, reason: str = "", **fields) -> Creative:
    return creative_update_locked(creative=creative, status=status, status_reason=reason[:500], **fields)
