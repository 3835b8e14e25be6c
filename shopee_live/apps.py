from core.registry import BeatEntry, NavEntry, PlatformAppConfig, ScheduleOption


class ShopeeLiveConfig(PlatformAppConfig):
    default = True  # apps.py also imports the base class
    name = "shopee_live"
    verbose_name = "Shopee Live"
    nav_group = "Shopee Live"
    # Pages add their entries: ("Live now", "shopee_live:live"), ("Sessions", "shopee_live:sessions"),
    # ("Analytics", "shopee_live:analytics"), ("Promotions", "shopee_live:promotions"),
    # ("Accounts", "shopee_live:accounts").
    nav: tuple[NavEntry, ...] = (
        NavEntry("Live now", "shopee_live:live"),
        NavEntry("Sessions", "shopee_live:sessions"),
        NavEntry("Analytics", "shopee_live:analytics"),
        NavEntry("Promotions", "shopee_live:promotions"),
        NavEntry("Accounts", "shopee_live:accounts"),
    )
    labels = {
        "session_status": {"initial": "Not started", "ongoing": "Live", "ended": "Ended"},
        "connection_status": {"active": "Active", "needs_reauth": "Needs re-authorization", "disconnected": "Disconnected"},
        "region": {"ID": "Indonesia", "VN": "Vietnam", "TH": "Thailand", "MY": "Malaysia", "PH": "Philippines", "SG": "Singapore"},
    }
    # Defaults created once by ``migrate``; operators edit them in admin (django-celery-beat).
    beat_schedules = (
        BeatEntry("Shopee Live ongoing sessions", "shopee_live.tasks.live_cycle_all_task", {"minute": "*/5"}, expires=240),
        BeatEntry("Shopee Live ended sessions", "shopee_live.tasks.ended_cycle_all_task", {"minute": "17"}, expires=3000),
        BeatEntry("Shopee Live daily analytics", "shopee_live.tasks.daily_analytics_all_task", {"minute": "35", "hour": "1"}, expires=5400),
        BeatEntry("Shopee Live token refresh", "shopee_live.tasks.tokens_refresh_expiring_task", {"minute": "*/20"}, expires=1100),
    )
    schedules = (
        ScheduleOption(
            "shopee_live.live",
            "Live sessions",
            every_minutes=5,
            choices=(5, 15, 30),
            hint="Viewers, orders, minutes and items of ongoing streams",
        ),
        ScheduleOption(
            "shopee_live.ended", "Ended sessions", every_minutes=60, choices=(60, 180), hint="Final figures of streams that ended"
        ),
    )
    sync_runners = {
        "shopee_live.active": "shopee_live.tasks.live_cycle_part_task",
        "shopee_live.ended": "shopee_live.tasks.ended_cycle_part_task",
    }

    def search(self, tenant, query, *, limit):
        from shopee_live.selectors import live_search_hits

        return live_search_hits(tenant, query, limit=limit)

    def overview(self, tenant, date_range):
        from shopee_live.selectors import live_overview

        return live_overview(tenant, date_range)

    def demo_seed(self, tenant, *, upstreams=None) -> None:
        """Connect the demo tenant's Shopee account without a browser, through the same services
        as the Accounts page: a QR already confirmed on the demo account's phone and an Open
        Platform code, both issued by ``upstreams``. Nothing happens without them."""
        from functools import partial

        from shopee_live.demo import demo_connect

        if upstreams is None:
            return
        demo_connect(tenant, auth_code=partial(upstreams.auth_code, "shopee"), qrcode_id=partial(upstreams.auth_code, "shopee_web"))
