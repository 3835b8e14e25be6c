from core.registry import BeatEntry, NavEntry, PlatformAppConfig


class ConversionsConfig(PlatformAppConfig):
    default = True  # apps.py also imports the base class
    name = "conversions"
    verbose_name = "Conversions"
    nav_group = "Conversions"
    nav = (
        NavEntry("Events", "conversions:events"),
        NavEntry("Destinations", "conversions:health"),
        NavEntry("Destination settings", "conversions:destination-list", hint="Credentials, event mapping, test events"),
    )
    beat_schedules = (BeatEntry("Conversions delivery sweeper", "conversions.tasks.deliveries_sweep_task", {"minute": "*"}, expires=90),)
    labels = {
        "delivery_status": {
            "PENDING": "Queued or held",
            "SENDING": "Sending",
            "SENT": "Sent",
            "SKIPPED": "Skipped",
            "FAILED": "Retrying",
            "DEAD": "Failed",
        },
        "platform": {"TIKTOK": "TikTok Events API", "GOOGLE_ADS": "Google Ads", "META": "Meta Conversions API"},
        "destination_state": {
            "active": "Active",
            "needs_token": "Needs a new token",
            "misconfigured": "Misconfigured",
            "paused": "Paused",
        },
        # "Held — …" on a delivery's chip, by its destination's state.
        "destination_state_held": {
            "needs_token": "destination needs a new token",
            "misconfigured": "destination misconfigured",
            "paused": "destination paused",
        },
        "skip_reason": {
            "MOCK_MODE": "mock mode",
            "MISSING_CREDENTIALS": "missing credentials",
            "NOT_MAPPED": "event not mapped",
            "NO_IDENTIFIERS": "no click id, email or phone",
            "TOO_OLD": "older than 7 days",
            "IN_FUTURE": "time in the future",
            "OTHER": "see reason",
        },
        "breaker": {"closed": "Healthy", "open": "Paused after errors", "half-open": "Trying again"},
        "event_source": {"api": "API", "webhook": "Booking webhook", "test": "Test endpoint", "demo": "Demo data", "tiktok_lead": "TikTok lead form"},
        "delivery_mode": {"live": "Live", "mock": "Mock (nothing is sent)"},
    }

    def demo_seed(self, tenant, *, upstreams=None) -> None:
        """Destinations at the configured platform URLs and a few days of events; the worker
        delivers them like any others, so nothing here calls an upstream."""
        from conversions.demo import demo_seed

        demo_seed(tenant)

    def search(self, tenant, query, *, limit):
        from conversions.selectors import events_search

        return events_search(tenant, query, limit=limit)

    def overview(self, tenant, date_range):
        from conversions.selectors import conversions_overview

        return conversions_overview(tenant, date_range)
