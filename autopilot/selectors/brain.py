"""Reads of brain runs (the engine's side: one run with its job's progress)."""

from __future__ import annotations

from autopilot.errors import AutopilotError
from autopilot.models import BrainRun
from core.exceptions import NotFound


def brain_run_get(tenant, pk) -> BrainRun:
    """The tenant's brain run ``pk``, its job and ad account loaded; 404 otherwise."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound(f"No brain run {pk!r} in this workspace.", code=AutopilotError.UNKNOWN_RUN) from None
    run = BrainRun.objects.for_tenant(tenant).select_related("sync_run", "ad_account").filter(pk=pk).first()
    if run is None:
        raise NotFound(f"No brain run {pk} in this workspace.", code=AutopilotError.UNKNOWN_RUN)
    return run
