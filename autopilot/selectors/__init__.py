"""Autopilot selectors: one module per concern; this package re-exports their public names."""

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

__all__ = [
    "account_param",
    "platform_param",
    "reports_list",
    "run_actions",
    "run_get",
    "run_is_active",
    "run_report",
    "run_scores",
    "runs_list",
]
