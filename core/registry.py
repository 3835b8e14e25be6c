"""What an app brings to the platform, declared on its AppConfig.

Each domain app's config subclasses ``PlatformAppConfig`` and lists, as data, its top-bar
entries, its default beat schedules, the Celery tasks that work its sync-run parts, and its demo
seed. Core reads these declarations (navigation, ``post_migrate`` schedules, run dispatch and the
sweeper, ``manage.py demo``) instead of relying on modules registering themselves when imported.

Roles and queues are plain strings here: models can't be imported before the app registry is
ready, and ``core.queues.Queue`` values are ``str``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import import_module

from django.apps import AppConfig, apps
from django.utils.module_loading import module_has_submodule


@dataclass(frozen=True)
class NavEntry:
    """A top-bar link: its label, URL name and the least role that sees it."""

    label: str
    url_name: str
    min_role: str = "viewer"


@dataclass(frozen=True)
class BeatEntry:
    """A default periodic task, created once by ``migrate``; operators own it in admin after."""

    name: str
    task: str
    crontab: Mapping[str, str] = field(default_factory=dict)
    expires: int | None = None  # seconds; about 1.5x the interval
    queue: str | None = None


class PlatformAppConfig(AppConfig):
    """Base of every app config of the platform (core and the domain apps)."""

    nav: tuple[NavEntry, ...] = ()
    beat_schedules: tuple[BeatEntry, ...] = ()
    # SyncRun kind -> registered name of the task that works one part (``tenant_id``, ``part_id``).
    sync_runners: Mapping[str, str] = {}

    def ready(self) -> None:
        # Celery knows an app's tasks once its tasks module is imported; web, worker and beat
        # all need them (services enqueue by name through ``core.jobs``).
        if module_has_submodule(self.module, "tasks"):
            import_module(f"{self.name}.tasks")

    def demo_seed(self, tenant, *, upstreams=None) -> None:
        """Add this app's demo data for ``tenant`` (``manage.py demo``); nothing by default."""


def platform_apps() -> Iterator[PlatformAppConfig]:
    """The installed platform apps, in INSTALLED_APPS order."""
    return (config for config in apps.get_app_configs() if isinstance(config, PlatformAppConfig))


def beat_schedules() -> list[BeatEntry]:
    return [entry for config in platform_apps() for entry in config.beat_schedules]


def sync_runner(kind: str) -> str | None:
    """The task name that works parts of runs of ``kind``, or None when no app declares it."""
    for config in platform_apps():
        if kind in config.sync_runners:
            return config.sync_runners[kind]
    return None
