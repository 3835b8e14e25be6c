from django.apps import AppConfig


class ConversionsConfig(AppConfig):
    name = "conversions"
    verbose_name = "Conversions"
    # (label, url name, min role) for the top bar.
    nav = (
        ("Conversions", "conversions:events", "viewer"),
        ("Destinations", "conversions:health", "viewer"),
    )

    def ready(self):
        # Registers the delivery sweeper's default beat schedule in every process.
        from conversions import tasks  # noqa: F401

    def demo_seed(self, tenant, *, upstreams=None) -> None:
        """Destinations at the configured platform URLs and a few days of events; the worker
        delivers them like any others, so nothing here calls an upstream."""
        from conversions.demo import demo_seed

        demo_seed(tenant)
