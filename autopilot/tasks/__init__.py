"""Celery entry points of the autopilot, one module per workload; importing the package
registers them all (``PlatformAppConfig.ready`` imports ``autopilot.tasks``)."""

from autopilot.tasks import alerts, brain, outbox  # noqa: F401
