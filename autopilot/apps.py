from core.registry import BeatEntry, NavEntry, PlatformAppConfig


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
        NavEntry("Autopilot settings", "autopilot:settings", hint="Daily-run schedules and TikTok direction limits"),
    )
    beat_schedules = (
        BeatEntry("Autopilot outbox sweeper", "autopilot.tasks.outbox_sweep_task", {"minute": "*"}, expires=90),
        BeatEntry("Autopilot alert rules", "autopilot.tasks.alerts_evaluate_fan_out_task", {"minute": "2-59/5"}, expires=450),
        BeatEntry("Autopilot alert digest", "autopilot.tasks.alerts_digest_fan_out_task", {"minute": "4"}, expires=5400),
        BeatEntry("Autopilot daily brain batch", "autopilot.tasks.brain.brain_batch_task", {"minute": "*/5"}, expires=420),
    )
    sync_runners = {"autopilot.brain_tiktok": "autopilot.tasks.brain.brain_run_part_task"}
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
        "sync_kind": {"autopilot.brain_tiktok": "Autopilot brain run (TikTok)"},
    }

    def demo_seed(self, tenant, *, upstreams=None) -> None:
        """After tiktok_ads and conversions (INSTALLED_APPS order): schedules, limits and one
        brain run, then ROI figures on both tabs."""
        from autopilot.demo import demo_autopilot, demo_roi

        demo_autopilot(tenant, upstreams=upstreams)
        demo_roi(tenant)
