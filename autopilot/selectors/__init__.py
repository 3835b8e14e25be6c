"""Autopilot selectors: one module per concern; this package re-exports their public names."""

from autopilot.selectors.brain import brain_run_get
from autopilot.selectors.runs import (
    account_param,
    platform_param,
    reports_list,
    run_actions,
    run_get,
    run_is_active,
    run_report,
    run_scores,
    runs_list,
)
from autopilot.selectors.settings import policy_rows, schedule_rows

__all__ = [
    "account_param",
    "brain_run_get",
    "platform_param",
    "policy_rows",
    "reports_list",
    "run_actions",
    "run_get",
    "run_is_active",
    "run_report",
    "run_scores",
    "runs_list",
    "schedule_rows",
]
