"""The Creatives page: the tenant's creatives with their upload, TikTok and transcription status,
and the upload form (a resumable tus upload from the browser with a progress bar). While any
creative is being sent to TikTok, the table refreshes itself every 2 seconds."""

from __future__ import annotations

from django.conf import settings

from core.models import Role
from core.tables import Column, Table
from core.web import TenantPageView
from tiktok_ads import selectors
from tiktok_ads.models import CreativeStatus

CREATIVES = Table(
    "creatives",
    [
        Column("title", "Title"),
        Column("ad_account", "Ad account", sort=None),
        Column("direction", "Direction", sort=None),
        Column("status", "Status"),
        Column("transcription_status", "Transcription"),
        Column("tiktok_video_id", "TikTok video ID"),
        Column("created_at", "Added"),
    ],
    default_sort="-created_at",
)


def _row(creative) -> dict:
    return {
        "id": creative.pk,
        "title": creative.title,
        "ad_account": creative.ad_account.name,
        "direction": creative.direction.name if creative.direction_id else "",
        "direction_platform": creative.direction.platform if creative.direction_id else "",
        "media_type": creative.media_type,
        "status": creative.status,
        "status_reason": creative.status_reason,
        "transcription_status": creative.transcription_status,
        "transcription_error": creative.transcription_error,
        "transcript": creative.transcript,
        "tiktok_video_id": creative.tiktok_video_id,
        "file_size": creative.file_size,
        "created_at": creative.created_at,
    }


class CreativeListView(TenantPageView):
    template_name = "tiktok_ads/creatives.html"

    def get_template_names(self):
        if self.request.headers.get("HX-Request") == "true":
            return ["tiktok_ads/partials/creatives_table.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = [_row(creative) for creative in selectors.creatives_for_tenant(self.tenant)]
        # Uploading rows are driven by the browser that sends them (it refreshes the table when
        # its last chunk is in); rows being sent to TikTok are polled until they settle.
        polling = any(row["status"] == CreativeStatus.PROCESSING for row in rows)
        context.update(
            table=CREATIVES.bind(self.request, rows),
            polling=polling,
            can_upload=Role.allows(self.request.role, Role.ADMIN),
            ad_accounts=selectors.creative_ad_accounts(self.tenant),
            directions=selectors.creative_directions(self.tenant),
            max_mb=settings.VIDEO_UPLOAD_MAX_BYTES // (1024 * 1024),
        )
        return context
