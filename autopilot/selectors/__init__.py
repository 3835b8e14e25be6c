"""Autopilot selectors: one module per concern; this package re-exports their public names."""

from autopilot.selectors.roi import (
    ATTRIBUTION_LOOKBACK_DAYS,
    GROUPS,
    UI_PLATFORMS,
    Money,
    RoiReport,
    RoiRow,
    brain_runs_recent,
    db_platform,
    roi_report,
    ui_platform,
)

__all__ = [
    "ATTRIBUTION_LOOKBACK_DAYS",
    "GROUPS",
    "UI_PLATFORMS",
    "Money",
    "RoiReport",
    "RoiRow",
    "brain_runs_recent",
    "db_platform",
    "roi_report",
    "ui_platform",
]
