"""Autopilot tasks: alerts."""
