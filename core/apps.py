from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Platform"
    # (label, url name, min role) for the top bar; roles as plain strings because models
    # can't be imported before the app registry is ready.
    nav = (
        ("Syncs", "sync-run-list", "viewer"),
        ("API calls", "api-call-list", "viewer"),
        ("API keys", "api-key-list", "admin"),
        ("Members", "member-list", "owner"),
    )

    def ready(self):
        from core import checks, signals  # noqa: F401
