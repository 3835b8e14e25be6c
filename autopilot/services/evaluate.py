"""A brain run's decisions: ``brain_evaluate`` scores every ad group and stores the proposed
actions with their dry-run diffs; ``brain_dispatch`` (``dispatch.py``) sends them when the run may
act; ``brain_report`` (``report.py``) writes the run's report and hands it to the outbox.

Deterministic: the same ``BrainInput`` gives identical scores and proposals (ad groups and ads are
taken in id order, and every rule in a fixed order); a proposal's ``request_id`` is
``autopilot:<run id>:<position>``, so a resumed run never sends one twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from autopilot.models import AdGroupScore, BrainRun, ProposalState, ProposedAction
from autopilot.services.dispatch import brain_dispatch
from autopilot.services.inputs import BrainInput
from autopilot.services.planner import planner_for
from autopilot.services.report import brain_report
from autopilot.services.scoring import score_adgroups

__all__ = ["brain_dispatch", "brain_evaluate", "brain_report", "request_id_for"]

SENT_STATES = (ProposalState.SUCCEEDED, ProposalState.FAILED, ProposalState.INVALID)


def request_id_for(run: BrainRun, position: int) -> str:
    return f"autopilot:{run.pk}:{position}"


def brain_evaluate(*, run: BrainRun, data: BrainInput) -> None:
    """Store one ``AdGroupScore`` per ad group of ``data`` and the run's ``ProposedAction`` rows.

    Evaluating a run again replaces its scores; its proposals are replaced too unless one was
    already dispatched (a resumed run keeps what it sent and its request ids)."""
    judged = score_adgroups(data)
    proposals = planner_for(settings.AUTOPILOT_PLANNER).plan(data, judged)
    tenant = run.tenant
    with transaction.atomic():
        AdGroupScore.objects.for_tenant(tenant).filter(run=run).delete()
        AdGroupScore.objects.bulk_create(
            [
                AdGroupScore(
                    tenant=tenant,
                    run=run,
                    adgroup_id=row.adgroup_id,
                    adgroup_name=row.adgroup_name[:512],
                    campaign_id=row.campaign_id,
                    direction_id=row.limits.direction_id if row.limits else None,
                    objective_type=row.objective,
                    operation_status=row.operation_status[:16],
                    daily_budget=row.daily_budget,
                    score=row.score,
                    health=row.health,
                    spend=row.spend,
                    leads=row.leads,
                    cpl=row.cost_per_result,
                    ctr=row.ctr,
                    frequency=row.frequency,
                    factors=row.factors,
                )
                for row in judged
            ]
        )
        existing = ProposedAction.objects.for_tenant(tenant).filter(run=run)
        if existing.filter(state__in=SENT_STATES).exists():
            return
        existing.delete()
        ProposedAction.objects.bulk_create(
            [
                ProposedAction(
                    tenant=tenant,
                    run=run,
                    position=position,
                    action=proposal.action,
                    params=proposal.params,
                    rule=proposal.rule,
                    reason=proposal.reason[:500],
                    adgroup_id=proposal.adgroup_id,
                    diff=proposal.diff,
                    state=ProposalState.PROPOSED,
                    request_id=request_id_for(run, position),
                )
                for position, proposal in enumerate(proposals, start=1)
            ]
        )
