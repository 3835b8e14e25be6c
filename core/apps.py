from core.registry import BeatEntry, NavEntry, PlatformAppConfig


class CoreConfig(PlatformAppConfig):
    default = True  # apps.py also imports the base class
    name = "core"
    verbose_name = "Platform"
    nav = (
        NavEntry("Syncs", "sync-run-list"),
        NavEntry("API calls", "api-call-list"),
        NavEntry("API keys", "api-key-list", "admin"),
        NavEntry("Members", "member-list", "owner"),
    )
    beat_schedules = (
        BeatEntry("Resume lost sync parts", "core.tasks.sync_runs_sweep_task", {"minute": "*/2"}, expires=180),
        BeatEntry("Prune upstream call log", "core.tasks.api_call_log_prune_task", {"minute": "17", "hour": "3"}, expires=3600),
        BeatEntry("Prune OAuth states", "core.tasks.oauth_states_prune_task", {"minute": "29", "hour": "3"}, expires=3600),
    )

    def ready(self):
        super().ready()
        from core import checks, signals  # noqa: F401  (system checks and the post_migrate receiver)
