"""Celery entry points for TikTok advertisers: thin, idempotent, ids only.

A daily beat re-reads every active connection's advertisers and stores, so renamed accounts,
new stores (numbered on arrival) and lost GMV Max access show up without anyone pressing
*Refresh advertisers*, and a revoked token is noticed ("needs re-authorization")."""

from __future__ import annotations

import logging

from core.exceptions import ApplicationError
from core.models import Tenant
from core.queues import Queue
from core.selectors import schedule_due_tenant_ids
from core.tasks import cross_tenant_task, tenant_task
from tiktok_ads import selectors, services
from tiktok_ads.models import BusinessConnection, ConnectionStatus, VideoUpload

logger = logging.getLogger(__name__)


@tenant_task(name="tiktok_ads.tasks.advertisers_refresh_task", queue=Queue.SYNC)
def advertisers_refresh_task(*, tenant_id: int, connection_id: int) -> int:
    """Refresh one connection; the number of advertisers it reaches (0 when it can't)."""
    connection = selectors.connection_get(Tenant.objects.get(pk=tenant_id), connection_id)
    if connection is None or connection.status != ConnectionStatus.ACTIVE:
        return 0  # disconnected or waiting for the user to reconnect: nothing to ask TikTok
    try:
        return len(services.advertisers_refresh(connection=connection))
    except ApplicationError as exc:
        # Already recorded where it matters (a rejected token marks the connection); an outage
        # is retried by the next scheduled run.
        logger.warning("Refreshing Business API connection %s failed: %s", connection_id, exc.message)
        return 0


@cross_tenant_task(name="tiktok_ads.tasks.advertisers_refresh_all_task", queue=Queue.DEFAULT)
def advertisers_refresh_all_task() -> int:
    """Beat, cross-tenant on purpose: one refresh task per active connection. (Old OAuth states
    of every provider go in ``core.tasks.oauth_states_prune_task``.)"""
    pairs = list(BusinessConnection.all_tenants.filter(status=ConnectionStatus.ACTIVE).order_by("pk").values_list("tenant_id", "pk"))
    due = set(schedule_due_tenant_ids("tiktok_ads.advertisers_refresh", {tenant_id for tenant_id, _ in pairs}))
    pairs = [(tenant_id, connection_id) for tenant_id, connection_id in pairs if tenant_id in due]
    for tenant_id, connection_id in pairs:
        advertisers_refresh_task.delay(tenant_id=tenant_id, connection_id=connection_id)
    return len(pairs)


@tenant_task(name="tiktok_ads.tasks.launch_run_task", queue=Queue.FETCH)
def launch_run_task(*, tenant_id: int, launch_id: int) -> str:
    """Run a campaign-builder launch's unfinished steps (on-demand upstream work a page waits on)."""
    launch = services.launch_run(tenant_id=tenant_id, launch_id=launch_id)
    return launch.state if launch is not None else "missing"


@cross_tenant_task(name="tiktok_ads.tasks.launches_sweep_task", queue=Queue.DEFAULT)
def launches_sweep_task() -> int:
    """Beat: launches whose worker died, and failed ones with automatic attempts left, run again."""
    return services.launches_sweep()


@tenant_task(name="tiktok_ads.tasks.video_upload_send_task", queue=Queue.SYNC)
def video_upload_send_task(*, tenant_id: int, upload_id: int) -> bool:
    """Send a received upload to TikTok (a repeated message sends nothing: see ``upload_send``)."""
    upload = VideoUpload.objects.filter(tenant_id=tenant_id, pk=upload_id).first()
    return upload is not None and services.upload_send(upload=upload)


@tenant_task(name="tiktok_ads.tasks.creative_transcribe_task", queue=Queue.SYNC)
def creative_transcribe_task(*, tenant_id: int, creative_id: int, upload_id: int) -> str:
    upload = VideoUpload.objects.filter(tenant_id=tenant_id, pk=upload_id, creative_id=creative_id).select_related("creative").first()
    if upload is None or upload.creative is None:
        return "gone"
    return services.creative_transcribe(creative=upload.creative, upload=upload)


@cross_tenant_task(name="tiktok_ads.tasks.transcriptions_retry_task", queue=Queue.DEFAULT)
def transcriptions_retry_task() -> int:
    """Beat, cross-tenant on purpose: one transcription task per failed transcription with
    attempts left (those whose scheduled retry was lost)."""
    uploads = selectors.transcriptions_retry_due()
    for upload in uploads:
        creative_transcribe_task.delay(tenant_id=upload.tenant_id, creative_id=upload.creative_id, upload_id=upload.pk)
    return len(uploads)


@tenant_task(name="tiktok_ads.tasks.lead_events_handoff_task", queue=Queue.DEFAULT)
def lead_events_handoff_task(*, tenant_id: int) -> int:
    """The tenant's stored leads without their conversion event yet → events (batched)."""
    return services.lead_events_handoff(tenant=Tenant.objects.get(pk=tenant_id))


@cross_tenant_task(name="tiktok_ads.tasks.lead_events_sweep_task", queue=Queue.DEFAULT)
def lead_events_sweep_task() -> int:
    """Beat, cross-tenant on purpose: a hand-off for every tenant whose leads waited too long."""
    return len(services.lead_events_sweep())
