"""Autopilot services: one module per concern; this package re-exports their public names."""

from autopilot.services.metrics_import import creative_metric_days_record

__all__ = ["creative_metric_days_record"]
