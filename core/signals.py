"""Default beat schedules, created once so operators can edit them in admin afterwards."""

from django.db.models.signals import post_migrate
from django.dispatch import receiver

# (name, task, crontab fields, options). Apps add theirs with ``register_default_schedule``.
DEFAULT_SCHEDULES: list[dict] = [
    {
        "name": "Resume lost sync parts",
        "task": "core.tasks.sync_runs_sweep_task",
        "crontab": {"minute": "*/2"},
        "expires": 180,
    },
    {
        "name": "Prune upstream call log",
        "task": "core.tasks.api_call_log_prune_task",
        "crontab": {"minute": "17", "hour": "3"},
        "expires": 3600,
    },
    {
        "name": "Prune OAuth states",
        "task": "core.tasks.oauth_states_prune_task",
        "crontab": {"minute": "29", "hour": "3"},
        "expires": 3600,
    },
]


def register_default_schedule(name: str, task: str, crontab: dict, expires: int | None = None, queue: str | None = None) -> None:
    DEFAULT_SCHEDULES.append({"name": name, "task": task, "crontab": crontab, "expires": expires, "queue": queue})


@receiver(post_migrate)
def ensure_default_schedules(sender, app_config=None, **kwargs):
    if app_config is None or app_config.label != "core":
        return
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    for entry in DEFAULT_SCHEDULES:
        if PeriodicTask.objects.filter(name=entry["name"]).exists():
            continue  # operators own it now
        fields = {"minute": "*", "hour": "*", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*", **entry["crontab"]}
        schedule, _ = CrontabSchedule.objects.get_or_create(timezone="UTC", **fields)
        PeriodicTask.objects.create(
            name=entry["name"],
            task=entry["task"],
            crontab=schedule,
            expire_seconds=entry.get("expires"),
            queue=entry.get("queue"),
        )
