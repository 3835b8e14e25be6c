"""Sending a run's proposed actions through the actions API (``tiktok_ads.services.action_execute``).

A run acts only when all hold: its mode is autopilot, its ad account (re-read now) still has
``autopilot_tiktok`` on, and the figures it scored were collected at most
``AUTOPILOT_STALE_MINUTES`` before the run started. Otherwise the proposals stay ``proposed``
(report-only, autopilot off) or become ``held`` (stale data, or the ad account is gone), and the
run's ``stale_reason`` says why.

Each action goes with its own ``request_id`` (``autopilot:<run>:<position>``): the actions API
returns the stored record for an id it has seen, so dispatching again never acts twice. A record
that failed at TikTok makes the proposal ``failed`` with TikTok's reason (not retried: a retry
would need a new request id, and a person to decide); a request the actions API refuses before
sending (budget out of range, object not the account's, another tenant's account) makes it
``invalid`` with the message.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from autopilot.models import BrainRun, ProposalState, ProposedAction, RunMode
from core.exceptions import ApplicationError
from tiktok_ads.selectors import ad_account_get
from tiktok_ads.services import action_execute

logger = logging.getLogger(__name__)

PENDING = (ProposalState.PROPOSED, ProposalState.HELD)


def dispatch_block(run: BrainRun) -> tuple[str, str] | None:
    """Why ``run`` may not act now, as (state its proposals take, reason); None when it may."""
    if run.mode != RunMode.AUTOPILOT:
        return ProposalState.PROPOSED, "Report only: the run's mode is report-only."
    try:
        account = ad_account_get(run.tenant, run.ad_account_id)
    except ApplicationError:
        return ProposalState.HELD, "The ad account is no longer in this workspace."
    if not account.autopilot_tiktok:
        return ProposalState.PROPOSED, f"Report only: autopilot is off for ad account {account.name}."
    minutes = settings.AUTOPILOT_STALE_MINUTES
    started = run.started_at or run.created_at
    if run.data_as_of is None:
        return ProposalState.HELD, "Held: the run has no collection time for the figures it scored."
    age = started - run.data_as_of
    if age > timedelta(minutes=minutes):
        return (
            ProposalState.HELD,
            f"Held: the figures were collected {int(age.total_seconds() // 60)} minutes before the run started "
            f"(more than the {minutes}-minute margin).",
        )
    return None


def brain_dispatch(*, run: BrainRun) -> None:
    pending = list(ProposedAction.objects.for_tenant(run.tenant).filter(run=run, state__in=PENDING).order_by("position"))
    if not pending:
        return
    block = dispatch_block(run)
    if block is not None:
        state, reason = block
        ProposedAction.objects.for_tenant(run.tenant).filter(pk__in=[row.pk for row in pending]).update(state=state)
        run.stale_reason = reason[:300]
        run.save(update_fields=["stale_reason"])
        return
    if run.stale_reason:
        run.stale_reason = ""
        run.save(update_fields=["stale_reason"])
    for proposal in pending:
        _send(run, proposal)


def _send(run: BrainRun, proposal: ProposedAction) -> None:
    try:
        record, _replayed = action_execute(
            tenant=run.tenant,
            action=proposal.action,
            params=proposal.params,
            request_id=proposal.request_id,
            actor="autopilot",
            source="autopilot",
        )
    except ApplicationError as exc:
        proposal.state, proposal.error = ProposalState.INVALID, exc.message[:1000]
    else:
        proposal.action_record_id = record.pk
        if record.state == "succeeded":
            proposal.state, proposal.error = ProposalState.SUCCEEDED, ""
        else:
            proposal.state, proposal.error = ProposalState.FAILED, (record.error or "Refused by TikTok.")[:1000]
    proposal.dispatched_at = timezone.now()
    proposal.save(update_fields=["state", "error", "action_record_id", "dispatched_at"])
    logger.info(
        "autopilot action %s %s",
        proposal.action,
        proposal.state,
        extra={"tenant_id": run.tenant_id, "run_id": run.pk, "request_id": proposal.request_id, "state": proposal.state},
    )
