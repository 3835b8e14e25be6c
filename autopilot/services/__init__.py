"""Autopilot services: one module per concern; this package re-exports their public names."""

from autopilot.services.evaluate import brain_dispatch, brain_evaluate, brain_report

__all__ = ["brain_dispatch", "brain_evaluate", "brain_report"]
