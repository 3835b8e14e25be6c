from core.registry import BeatEntry, NavEntry, PlatformAppConfig, ScheduleOption


class TiktokAdsConfig(PlatformAppConfig):
    default = True  # apps.py also imports the base class
    name = "tiktok_ads"
    verbose_name = "TikTok Ads"
    nav_group = "Ads & GMV Max"
    nav = (
        NavEntry("Ad accounts", "tiktok_ads:advertisers"),
        NavEntry("Directions", "tiktok_ads:directions", hint="Lines of business per ad account, Instagram and TikTok"),
        # TikTok-only pages hide with the workspace's TikTok switch (the seed's FEATURES.SHOW_TIKTOK).
        NavEntry(
            "Action log",
            "tiktok_ads:actions",
            hint="Every TikTok action: who, what, before → after",
            visible="tiktok_ads.selectors.tiktok_ui_enabled",
        ),
        NavEntry("Campaign builder", "tiktok_ads:campaign-builder", visible="tiktok_ads.selectors.tiktok_ui_enabled"),
        NavEntry("Campaigns", "tiktok_ads:campaigns", visible="tiktok_ads.selectors.tiktok_ui_enabled"),
        NavEntry("Creatives", "tiktok_ads:creatives", hint="Videos and their upload to TikTok"),
        NavEntry("Leads", "tiktok_ads:leads", hint="TikTok lead forms, exportable", visible="tiktok_ads.selectors.tiktok_ui_enabled"),
    )
    labels = {
        "tiktok_objective": {"traffic": "Traffic", "conversions": "Conversions", "lead_generation": "Lead generation"},
        "adgroup_mode": {"use_existing": "Use existing", "create_new": "Create new"},
        "connection_status": {"active": "Active", "needs_reauth": "Needs re-authorization", "disconnected": "Disconnected"},
        "operation_status": {"ENABLE": "Active", "DISABLE": "Paused", "DELETE": "Deleted"},
        "objective": {"traffic": "Traffic", "conversions": "Conversions", "lead_generation": "Lead generation"},
        # The Business API's advertiser states.
        "advertiser_status": {
            "STATUS_ENABLE": "Active",
            "ACTIVATE": "Active",
            "STATUS_DISABLE": "Disabled",
            "STATUS_PENDING_CONFIRM": "Awaiting review",
            "STATUS_CONFIRM_FAIL": "Review failed",
            "STATUS_LIMIT": "Limited",
            "STATUS_SELF_SERVICE_UNAUDITED": "Awaiting verification",
        },
        "creative_status": {"uploading": "Uploading", "processing": "Sending to TikTok", "ready": "Ready", "failed": "Failed"},
        "transcription_status": {"pending": "Pending", "done": "Transcribed", "failed": "Failed (retried later)", "skipped": "No audio"},
    }
    beat_schedules = (
        BeatEntry(
            "TikTok advertisers and stores refresh",
            "tiktok_ads.tasks.advertisers_refresh_all_task",
            {"minute": "41", "hour": "2"},
            expires=5400,
        ),
        BeatEntry("TikTok launches resume", "tiktok_ads.tasks.launches_sweep_task", {"minute": "*/5"}, expires=240),
        BeatEntry(
            "TikTok creatives: retry failed transcriptions",
            "tiktok_ads.tasks.transcriptions_retry_task",
            {"minute": "17"},
            expires=3000,
        ),
        BeatEntry(
            "TikTok leads waiting for their conversion event",
            "tiktok_ads.tasks.lead_events_sweep_task",
            {"minute": "*"},
            expires=90,
        ),
    )
    schedules = (
        ScheduleOption(
            "tiktok_ads.advertisers_refresh",
            "Ad accounts refresh",
            every_minutes=1440,
            choices=(1440, 10080),
            hint="Renamed accounts, new stores, lost GMV Max access",
        ),
    )

    def demo_seed(self, tenant, *, upstreams=None) -> None:
        """Connect the demo tenant's advertisers without a browser: the same services the Connect
        button and the callback use, with the auth code ``upstreams`` issues for the Business
        API's demo account (as its authorize page would). Nothing happens if already connected,
        or when nothing issues a code (then advertisers are connected from the pages)."""
        from functools import partial

        from tiktok_ads.demo import demo_connect

        demo_connect(tenant, auth_code=partial(upstreams.auth_code, "tiktok_business") if upstreams is not None else None)

    def overview(self, tenant, date_range):
        """Onboarding: connecting an ad account is step 3 (ad spend comes from GMV Max)."""
        from django.urls import reverse

        from core.registry import ChecklistStep, Overview
        from tiktok_ads.selectors import has_active_advertiser

        done = has_active_advertiser(tenant)
        step = ChecklistStep(3, "Connect a TikTok ad account", done, reverse("tiktok_ads:advertisers"), hint="GMV Max reports and ad spend")
        return Overview(checklist=[step])
