"""Autopilot tasks: brain."""
