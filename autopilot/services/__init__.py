"""Autopilot services: one module per concern; this package re-exports their public names."""
