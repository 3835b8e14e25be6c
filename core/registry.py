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
from datetime import date, datetime
from decimal import Decimal
from importlib import import_module

from django.apps import AppConfig, apps
from django.utils.module_loading import import_string, module_has_submodule

# The navigation's groups, in the order they show; an app's entries go under its ``nav_group``.
NAV_GROUPS = ("TikTok Shop", "Ads & GMV Max", "Autopilot", "Shopee Live", "Conversions", "Settings")


@dataclass(frozen=True)
class NavEntry:
    """A navigation link: its label, URL name, the least role that sees it, and its group (the
    app's ``nav_group`` when empty). ``visible`` is the dotted path of a ``callable(tenant) ->
    bool`` (usually one of the app's selectors) for an entry a tenant can switch off; a path, not
    the callable, because app configs load before the models the callable reads."""

    label: str
    url_name: str
    min_role: str = "viewer"
    group: str = ""
    hint: str = ""
    visible: str = ""

    def shown_to(self, tenant) -> bool:
        return not self.visible or bool(import_string(self.visible)(tenant))


@dataclass(frozen=True)
class SearchResult:
    """One hit of the global search: what it is ("Order"), its title, where it opens."""

    kind: str
    title: str
    url: str
    detail: str = ""


@dataclass(frozen=True)
class DailyFigure:
    """One day of one source (a shop, an ad account, a destination) in its own currency, for the
    business overview. Core converts money into the tenant's reporting currency."""

    day: date
    source: str
    currency: str = ""
    gmv: Decimal = Decimal(0)
    orders: int = 0
    ad_spend: Decimal = Decimal(0)
    conversions: int = 0


@dataclass(frozen=True)
class Freshness:
    """When an app's data was last brought in ("Orders synced 4 min ago")."""

    label: str
    at: datetime | None
    url: str = ""
    running: bool = False


@dataclass(frozen=True)
class ChecklistStep:
    """One step of a new tenant's onboarding (connect a shop, first sync, connect ads, ...)."""

    order: int
    label: str
    done: bool
    url: str = ""
    hint: str = ""


@dataclass
class Overview:
    """What an app adds to the business overview for a date range."""

    figures: list[DailyFigure] = field(default_factory=list)
    freshness: list[Freshness] = field(default_factory=list)
    checklist: list[ChecklistStep] = field(default_factory=list)


@dataclass(frozen=True)
class BeatEntry:
    """A default periodic task, created once by ``migrate``; operators own it in admin after."""

    name: str
    task: str
    crontab: Mapping[str, str] = field(default_factory=dict)
    expires: int | None = None  # seconds; about 1.5x the interval
    queue: str | None = None


@dataclass(frozen=True)
class ScheduleOption:
    """A periodic job a tenant may turn off or slow down (Settings → Schedules). Its beat entry
    fans out over tenants every ``min(choices)`` minutes (the beat's cadence); the fan-out keeps
    only the tenants whose choice is due (``core.selectors.schedule_due``). ``every_minutes`` is
    the default for tenants that chose nothing."""

    key: str
    label: str
    every_minutes: int
    choices: tuple[int, ...] = ()
    hint: str = ""

    @property
    def frequencies(self) -> tuple[int, ...]:
        return tuple(sorted(set(self.choices) | {self.every_minutes}))

    @property
    def tick_minutes(self) -> int:
        return self.frequencies[0]


class PlatformAppConfig(AppConfig):
    """Base of every app config of the platform (core and the domain apps)."""

    nav: tuple[NavEntry, ...] = ()
    nav_group: str = "Settings"
    # Human wording of the codes the app stores, per vocabulary: {"order_status": {"AWAITING_SHIPMENT":
    # "Awaiting shipment"}}. Pages show these (``{{ value|label:"order_status" }}``); APIs keep codes.
    labels: Mapping[str, Mapping[str, str]] = {}
    beat_schedules: tuple[BeatEntry, ...] = ()
    # Jobs a tenant may switch off or run less often (Settings → Schedules).
    schedules: tuple[ScheduleOption, ...] = ()
    # SyncRun kind -> registered name of the task that works one part (``tenant_id``, ``part_id``).
    sync_runners: Mapping[str, str] = {}

    def ready(self) -> None:
        # Celery knows an app's tasks once its tasks module is imported; web, worker and beat
        # all need them (services enqueue by name through ``core.jobs``).
        if module_has_submodule(self.module, "tasks"):
            import_module(f"{self.name}.tasks")

    def demo_seed(self, tenant, *, upstreams=None) -> None:
        """Add this app's demo data for ``tenant`` (``manage.py demo``); nothing by default."""

    def search(self, tenant, query: str, *, limit: int) -> list[SearchResult]:
        """The global search's hits in this app for ``query`` (ids, names); none by default."""
        return []

    def overview(self, tenant, date_range) -> Overview | None:
        """Figures, freshness and onboarding steps for the home page; none by default."""
        return None


def platform_apps() -> Iterator[PlatformAppConfig]:
    """The installed platform apps, in INSTALLED_APPS order."""
    return (config for config in apps.get_app_configs() if isinstance(config, PlatformAppConfig))


def beat_schedules() -> list[BeatEntry]:
    return [entry for config in platform_apps() for entry in config.beat_schedules]


def schedule_options() -> list[ScheduleOption]:
    return [option for config in platform_apps() for option in config.schedules]


def schedule_option(key: str) -> ScheduleOption | None:
    return next((option for option in schedule_options() if option.key == key), None)


def sync_runner(kind: str) -> str | None:
    """The task name that works parts of runs of ``kind``, or None when no app declares it."""
    for config in platform_apps():
        if kind in config.sync_runners:
            return config.sync_runners[kind]
    return None


def label(value, vocabulary: str) -> str | None:
    """The wording an app declares for ``value`` in ``vocabulary``, or None."""
    for config in platform_apps():
        found = config.labels.get(vocabulary, {}).get(str(value))
        if found is not None:
            return found
    return None


def search_all(tenant, query: str, *, limit: int = 8) -> list[tuple[PlatformAppConfig, list[SearchResult]]]:
    """Each app's hits for ``query``, apps without hits left out."""
    found = []
    for config in platform_apps():
        hits = config.search(tenant, query, limit=limit)
        if hits:
            found.append((config, hits))
    return found


def overviews(tenant, date_range) -> list[Overview]:
    return [overview for config in platform_apps() if (overview := config.overview(tenant, date_range)) is not None]
