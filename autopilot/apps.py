from core.registry import NavEntry, PlatformAppConfig


class AutopilotConfig(PlatformAppConfig):
    default = True  # apps.py also imports the base class
    name = "autopilot"
    verbose_name = "Autopilot"
    nav_group = "Autopilot"
    nav = (
        NavEntry("Autopilot", "autopilot:runs", hint="Brain runs: explained scores, proposed and executed actions"),
        NavEntry("Dashboard", "autopilot:dashboard", hint="Today and the last 7 days per platform, the latest brain runs"),
        NavEntry("ROI", "autopilot:roi", hint="Spend, leads, revenue and ROI by platform, direction and creative"),
        NavEntry("Alerts", "autopilot:alerts", hint="Alert rules and their history, Telegram and email"),
    )
    labels = {
        "brain_run_state": {"queued": "Queued", "running": "Running", "succeeded": "Succeeded", "failed": "Failed"},
        "brain_run_trigger": {"manual": "On demand", "schedule": "Daily schedule"},
        "brain_run_mode": {"report_only": "Report only", "autopilot": "Autopilot"},
        "health": {"healthy": "Healthy", "watch": "Watch", "failing": "Failing", "learning": "Learning", "no_data": "No data"},
        "proposal_state": {
            "proposed": "Proposed",
            "held": "Held (stale data)",
            "succeeded": "Executed",
            "failed": "Refused by TikTok",
            "invalid": "Refused before sending",
        },
        "platform": {"facebook": "Instagram", "tiktok": "TikTok"},
    }

    def demo_seed(self, tenant, *, upstreams=None) -> None:
        """After tiktok_ads and conversions (INSTALLED_APPS order): ROI figures on both tabs."""
        from autopilot.demo import demo_roi

        demo_roi(tenant)
