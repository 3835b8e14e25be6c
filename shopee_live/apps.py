from core.registry import BeatEntry, NavEntry, PlatformAppConfig


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
    beat_schedules: tuple[BeatEntry, ...] = ()

    def demo_seed(self, tenant, *, upstreams=None) -> None:
        """Connect the demo tenant's Shopee account without a browser, through the same services
        as the Accounts page: a QR already confirmed on the demo account's phone and an Open
        Platform code, both issued by ``upstreams``. Nothing happens without them."""
        from functools import partial

        from shopee_live.demo import demo_connect

        if upstreams is None:
            return
        demo_connect(tenant, auth_code=partial(upstreams.auth_code, "shopee"), qrcode_id=partial(upstreams.auth_code, "shopee_web"))
