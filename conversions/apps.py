from core.registry import BeatEntry, NavEntry, PlatformAppConfig


class ConversionsConfig(PlatformAppConfig):
    default = True  # apps.py also imports the base class
    name = "conversions"
    verbose_name = "Conversions"
    nav_group = "Conversions"
    nav = (
        NavEntry("Events", "conversions:events"),
        NavEntry("Destinations", "conversions:health"),
    )
    beat_schedules = (BeatEntry("Conversions delivery sweeper", "conversions.tasks.deliveries_sweep_task", {"minute": "*"}, expires=90),)

    def demo_seed(self, tenant, *, upstreams=None) -> None:
        """Destinations at the configured platform URLs and a few days of events; the worker
        delivers them like any others, so nothing here calls an upstream."""
        from conversions.demo import demo_seed

        demo_seed(tenant)
