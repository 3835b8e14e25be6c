from core.registry import BeatEntry, NavEntry, PlatformAppConfig, ScheduleOption


class GmvmaxConfig(PlatformAppConfig):
    default = True  # apps.py also imports the base class
    name = "gmvmax"
    verbose_name = "GMV Max"
    nav_group = "Ads & GMV Max"
    nav = (NavEntry("GMV Max", "gmvmax:table"),)
    beat_schedules = (BeatEntry("GMV Max recent days sync", "gmvmax.tasks.recent_days_sync_all_task", {"minute": "7,37"}, expires=2700),)
    schedules = (
        ScheduleOption("gmvmax.recent_days", "GMV Max recent days sync", every_minutes=30, choices=(30, 60, 180, 360), hint="Campaign figures of the last days, which TikTok still revises"),
    )
    sync_runners = {
        "gmvmax.room_fetch": "gmvmax.tasks.room_fetch_part_task",  # RunKind.ROOM_FETCH
        "gmvmax.stats_backfill": "gmvmax.tasks.stats_backfill_part_task",  # RunKind.STATS_BACKFILL
    }

    def demo_seed(self, tenant, *, upstreams=None) -> None:
        from gmvmax.demo import demo_seed

        demo_seed(tenant, upstreams=upstreams)
