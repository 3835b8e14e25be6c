"""Autopilot tasks: outbox."""
