"""Autopilot services: one module per concern; this package re-exports their public names."""

from autopilot.services.batch import brain_batch_run
from autopilot.services.brain import BrainRunActive, brain_input, brain_run_part_run, brain_run_start, brain_run_work
from autopilot.services.collector import metrics_collect
from autopilot.services.evaluate import brain_dispatch, brain_evaluate, brain_report
from autopilot.services.settings import account_schedule_update, direction_policy_update

__all__ = [
    "BrainRunActive",
    "account_schedule_update",
    "brain_batch_run",
    "brain_dispatch",
    "brain_evaluate",
    "brain_input",
    "brain_report",
    "brain_run_part_run",
    "brain_run_start",
    "brain_run_work",
    "direction_policy_update",
    "metrics_collect",
]
