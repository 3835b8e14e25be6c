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
    )
    labels = {
        "session_status": {"initial": "Not started", "ongoing": "Live", "ended": "Ended"},
        "connection_status": {"active": "Active", "needs_reauth": "Needs re-authorization", "disconnected": "Disconnected"},
        "region": {"ID": "Indonesia", "VN": "Vietnam", "TH": "Thailand", "MY": "Malaysia", "PH": "Philippines", "SG": "Singapore"},
    }
    beat_schedules: tuple[BeatEntry, ...] = ()
