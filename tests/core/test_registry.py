"""What apps declare on their AppConfig (core.registry) is what the platform runs."""

from __future__ import annotations

from celery import current_app
from django.apps import apps

from core.registry import NAV_GROUPS, PlatformAppConfig, beat_schedules, platform_apps, sync_runner

DOMAIN_APPS = ["core", "shop_sync", "tiktok_ads", "gmvmax", "conversions", "shopee_live", "autopilot"]


def test_every_domain_app_uses_the_typed_base():
    assert [config.label for config in platform_apps()] == DOMAIN_APPS
    assert all(isinstance(apps.get_app_config(label), PlatformAppConfig) for label in DOMAIN_APPS)


def test_declared_beat_entries_name_registered_tasks_once():
    entries = beat_schedules()
    names = [entry.name for entry in entries]
    assert len(names) == len(set(names)) == 19
    assert all(entry.task in current_app.tasks for entry in entries)
    assert all(entry.expires for entry in entries)


def test_declared_sync_runners_resolve_to_registered_tasks():
    kinds = {kind: sync_runner(kind) for config in platform_apps() for kind in config.sync_runners}
    assert kinds == {
        "shop_sync.orders_full": "shop_sync.tasks.orders_sync_part_task",
        "shop_sync.orders_incremental": "shop_sync.tasks.orders_sync_part_task",
        "gmvmax.room_fetch": "gmvmax.tasks.room_fetch_part_task",
        "gmvmax.stats_backfill": "gmvmax.tasks.stats_backfill_part_task",
        "shopee_live.active": "shopee_live.tasks.live_cycle_part_task",
        "shopee_live.ended": "shopee_live.tasks.ended_cycle_part_task",
        "autopilot.brain_tiktok": "autopilot.tasks.brain.brain_run_part_task",
    }
    assert all(name in current_app.tasks for name in kinds.values())
    assert sync_runner("nobody.declares_this") is None


def test_navigation_comes_from_the_declarations():
    labels = [entry.label for config in platform_apps() for entry in config.nav]
    assert labels[:7] == ["Workspace", "Members", "API keys", "Schedules", "Saved views", "Sync history", "Platform calls"]
    assert "GMV Max" in labels and "Orders" in labels and "Destinations" in labels
    groups = {entry.group or config.nav_group for config in platform_apps() for entry in config.nav}
    assert groups <= set(NAV_GROUPS)
