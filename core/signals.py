"""Default beat schedules, created once so operators can edit them in admin afterwards.

Each platform app declares its entries on its AppConfig (``beat_schedules``); ``migrate`` creates
the ones that don't exist yet.
"""

from django.db.models.signals import post_migrate
from django.dispatch import receiver

from core.registry import beat_schedules


@receiver(post_migrate)
def ensure_default_schedules(sender, app_config=None, **kwargs):
    if app_config is None or app_config.label != "core":
        return
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    for entry in beat_schedules():
        if PeriodicTask.objects.filter(name=entry.name).exists():
            continue  # operators own it now
        fields = {"minute": "*", "hour": "*", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*", **entry.crontab}
        schedule, _ = CrontabSchedule.objects.get_or_create(timezone="UTC", **fields)
        PeriodicTask.objects.create(
            name=entry.name,
            task=entry.task,
            crontab=schedule,
            expire_seconds=entry.expires,
            queue=entry.queue,
        )
