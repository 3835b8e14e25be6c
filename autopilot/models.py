"""The autopilot brain: the creative metrics history it collects, its runs (the seed's
``brain_executions``) with their explained ad-group scores and proposed actions, the reports it
writes (``campaign_reports``), the outbox its Telegram and email messages leave through, and the
alert rules an analyst sets.

Rows of other apps are referenced by string (``"tiktok_ads.AdAccount"``), never imported: the
autopilot reads them through ``tiktok_ads.selectors`` and acts through ``tiktok_ads.services``.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from core.fields import EncryptedTextField
from core.models import TenantOwned


class Platform(models.TextChoices):
    """The seed's backend platforms (the UI's ``instagram`` is ``facebook`` here)."""

    FACEBOOK = "facebook", "Facebook / Instagram"
    TIKTOK = "tiktok", "TikTok"


# --- Creative metrics history (the seed's creative_metrics_history) -------------------------


class CreativeMetricDay(TenantOwned):
    """One ad's figures for one day in the advertiser's time zone, as the platform reported them
    last. Unique per (platform, creative key, day): TikTok revises recent days, so re-fetching a
    day replaces its row. ``creative_key`` is the platform's ad id; ``creative`` is this
    product's creative when the ad was launched from one."""

    platform = models.CharField(max_length=16, choices=Platform.choices, default=Platform.TIKTOK)
    creative_key = models.CharField(max_length=64, help_text="The platform's ad id.")
    day = models.DateField()
    ad_account = models.ForeignKey("tiktok_ads.AdAccount", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    advertiser = models.ForeignKey("tiktok_ads.Advertiser", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    creative = models.ForeignKey("tiktok_ads.Creative", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    direction = models.ForeignKey("tiktok_ads.Direction", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    campaign_id = models.CharField(max_length=32, blank=True)
    adgroup_id = models.CharField(max_length=32, blank=True)
    ad_name = models.CharField(max_length=512, blank=True)
    objective_type = models.CharField(max_length=32, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    spend = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    impressions = models.PositiveBigIntegerField(default=0)
    clicks = models.PositiveBigIntegerField(default=0)
    reach = models.PositiveBigIntegerField(default=0)
    conversions = models.PositiveIntegerField(default=0)
    leads = models.PositiveIntegerField(default=0, help_text="Instant-form leads (onsite_form) the platform counted.")
    results = models.PositiveIntegerField(default=0)
    video_views = models.PositiveBigIntegerField(default=0)
    collected_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-day", "creative_key"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "platform", "creative_key", "day"], name="autopilot_metricday_key_day"),
        ]
        indexes = [
            models.Index(fields=["tenant", "platform", "day"], name="ap_metric_platform_day"),
            models.Index(fields=["tenant", "advertiser", "day"], name="ap_metric_advertiser_day"),
            models.Index(fields=["tenant", "adgroup_id", "day"], name="ap_metric_adgroup_day"),
        ]

    def __str__(self) -> str:
        return f"{self.platform} ad {self.creative_key} {self.day}"


# --- Autopilot settings ------------------------------------------------------------------


class AccountSchedule(TenantOwned):
    """When an ad account's daily brain run happens: ``run_at`` in the advertiser's time zone.
    ``last_run_on`` is the local day of the last scheduled run (one a day, however often the
    beat ticks)."""

    ad_account = models.ForeignKey("tiktok_ads.AdAccount", on_delete=models.CASCADE, related_name="+")
    enabled = models.BooleanField(default=True)
    run_at = models.TimeField(default="08:00")
    last_run_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "ad_account"], name="autopilot_schedule_account")]


class DirectionPolicy(TenantOwned):
    """The limits the brain keeps for a direction: its daily-budget cap per ad group, the largest
    raise per run, and the target cost per lead when the direction has none."""

    direction = models.ForeignKey("tiktok_ads.Direction", on_delete=models.CASCADE, related_name="+")
    max_daily_budget = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    max_raise_pct = models.PositiveSmallIntegerField(default=20)
    target_cpl = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "direction"], name="autopilot_policy_direction")]


class NotificationSettings(TenantOwned):
    """Where a tenant's reports and alerts go: a Telegram bot and chat, and email addresses.
    The bot token is encrypted at rest and shown masked."""

    telegram_bot_token = EncryptedTextField(blank=True)
    telegram_chat_id = models.CharField(max_length=64, blank=True)
    emails = models.JSONField(default=list, blank=True)
    digest_hour = models.PositiveSmallIntegerField(default=9, help_text="Local hour of the daily digest (tenant's time zone).")
    last_digest_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant"], name="autopilot_notification_settings_tenant")]


# --- Brain runs (the seed's brain_executions) --------------------------------------------


class RunTrigger(models.TextChoices):
    MANUAL = "manual", "On demand"
    SCHEDULE = "schedule", "Daily schedule"


class RunMode(models.TextChoices):
    REPORT_ONLY = "report_only", "Report only"
    AUTOPILOT = "autopilot", "Autopilot"


class RunState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class BrainRun(TenantOwned):
    """One brain run for one ad account and platform: collect, score, propose, and (autopilot
    on, data fresh) dispatch. ``sync_run`` is its job on the shared tracker."""

    platform = models.CharField(max_length=16, choices=Platform.choices, default=Platform.TIKTOK)
    ad_account = models.ForeignKey("tiktok_ads.AdAccount", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    sync_run = models.ForeignKey("core.SyncRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    trigger = models.CharField(max_length=16, choices=RunTrigger.choices, default=RunTrigger.MANUAL)
    mode = models.CharField(max_length=16, choices=RunMode.choices, default=RunMode.REPORT_ONLY)
    state = models.CharField(max_length=16, choices=RunState.choices, default=RunState.QUEUED)
    correlation_id = models.CharField(max_length=64, blank=True)
    batch_id = models.CharField(max_length=64, blank=True, help_text="The daily batch this run belongs to.")
    window_start = models.DateField(null=True, blank=True)
    window_end = models.DateField(null=True, blank=True)
    data_as_of = models.DateTimeField(null=True, blank=True, help_text="When the figures it scored were collected.")
    stats = models.JSONField(default=dict, blank=True, help_text="collected, skipped_rows, errors, upstream_calls, durations")
    summary = models.JSONField(default=dict, blank=True, help_text="Totals of the window: spend, leads, cpl, ...")
    stale_reason = models.CharField(max_length=300, blank=True, help_text="Why actions were not dispatched, when they were not.")
    error = models.CharField(max_length=1000, blank=True)
    requested_by = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["tenant", "platform", "-created_at"], name="ap_run_platform_recent"),
            models.Index(fields=["tenant", "ad_account", "-created_at"], name="ap_run_account_recent"),
        ]

    def __str__(self) -> str:
        return f"brain run {self.pk} ({self.platform}, {self.state})"


class Health(models.TextChoices):
    HEALTHY = "healthy", "Healthy"
    WATCH = "watch", "Watch"
    FAILING = "failing", "Failing"
    LEARNING = "learning", "Learning"
    NO_DATA = "no_data", "No data"


class AdGroupScore(TenantOwned):
    """An ad group's health in a run, 0-100, with ``factors``: one entry per factor, each with
    the numbers behind it (``{"factor", "value", "target", "points", "max_points", "detail"}``)."""

    run = models.ForeignKey(BrainRun, on_delete=models.CASCADE, related_name="scores")
    adgroup_id = models.CharField(max_length=32)
    adgroup_name = models.CharField(max_length=512, blank=True)
    campaign_id = models.CharField(max_length=32, blank=True)
    direction = models.ForeignKey("tiktok_ads.Direction", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    objective_type = models.CharField(max_length=32, blank=True)
    operation_status = models.CharField(max_length=16, blank=True)
    daily_budget = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    score = models.PositiveSmallIntegerField(default=0)
    health = models.CharField(max_length=16, choices=Health.choices, default=Health.NO_DATA)
    spend = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    leads = models.PositiveIntegerField(default=0)
    cpl = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    ctr = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    frequency = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    factors = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["score", "adgroup_id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "run", "adgroup_id"], name="autopilot_score_run_adgroup")]


class ProposalState(models.TextChoices):
    PROPOSED = "proposed", "Proposed (report only)"
    HELD = "held", "Held (stale data)"
    SUCCEEDED = "succeeded", "Executed"
    FAILED = "failed", "Refused by the platform"
    INVALID = "invalid", "Refused before sending"


class ProposedAction(TenantOwned):
    """One action a run proposed, with its dry-run diff (``diff``: ``[{object, field, before,
    after}]``) and, once dispatched, the actions API record it became. ``request_id`` is derived
    from the run and the action, so a resumed run never sends one twice."""

    run = models.ForeignKey(BrainRun, on_delete=models.CASCADE, related_name="actions")
    position = models.PositiveSmallIntegerField()
    action = models.CharField(max_length=64, help_text="An actions API name, e.g. TikTok.PauseAd")
    params = models.JSONField(default=dict, blank=True)
    rule = models.CharField(max_length=64, help_text="The rule that proposed it.")
    reason = models.CharField(max_length=500)
    adgroup_id = models.CharField(max_length=32, blank=True)
    diff = models.JSONField(default=list, blank=True)
    state = models.CharField(max_length=16, choices=ProposalState.choices, default=ProposalState.PROPOSED)
    request_id = models.CharField(max_length=100)
    action_record_id = models.PositiveBigIntegerField(null=True, blank=True, help_text="tiktok_ads ActionRecord pk")
    error = models.CharField(max_length=1000, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "position"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "run", "position"], name="autopilot_action_run_position"),
            models.UniqueConstraint(fields=["tenant", "request_id"], name="autopilot_action_request_id"),
        ]


class CampaignReport(TenantOwned):
    """A run's report (the seed's ``campaign_reports``): the text sent to Telegram, per platform."""

    run = models.ForeignKey(BrainRun, null=True, blank=True, on_delete=models.CASCADE, related_name="reports")
    platform = models.CharField(max_length=16, choices=Platform.choices, default=Platform.TIKTOK)
    ad_account = models.ForeignKey("tiktok_ads.AdAccount", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    report_text = models.TextField(help_text="Telegram HTML.")
    report_data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "platform", "-created_at"], name="ap_report_platform_recent")]


# --- Outbox: Telegram and email -------------------------------------------------------------


class Channel(models.TextChoices):
    TELEGRAM = "telegram", "Telegram"
    EMAIL = "email", "Email"


class OutboxState(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed (will not be retried)"


class OutboundMessage(TenantOwned):
    """One message to one destination, written in the same transaction as what it reports, then
    sent by a worker. ``dedupe_key`` makes writing it twice a no-op; a Telegram message longer
    than 4,096 characters is split into parts at line boundaries, and ``parts_sent`` records how
    many went, so a crash mid-way resumes at the next part and never repeats one."""

    channel = models.CharField(max_length=16, choices=Channel.choices)
    destination = models.CharField(max_length=320, help_text="Telegram chat id or email address.")
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField()
    dedupe_key = models.CharField(max_length=200)
    state = models.CharField(max_length=16, choices=OutboxState.choices, default=OutboxState.PENDING)
    parts_sent = models.PositiveSmallIntegerField(default=0)
    message_ids = models.JSONField(default=list, blank=True, help_text="Telegram message ids of the parts sent.")
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    error = models.CharField(max_length=1000, blank=True)
    report = models.ForeignKey(CampaignReport, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "dedupe_key"], name="autopilot_outbox_dedupe")]
        indexes = [
            models.Index(fields=["tenant", "next_attempt_at"], name="ap_outbox_due", condition=models.Q(state="pending")),
        ]


# --- Alert rules ---------------------------------------------------------------------------


class AlertKind(models.TextChoices):
    KPI_THRESHOLD = "kpi_threshold", "KPI crosses a threshold"
    KPI_CHANGE = "kpi_change", "KPI moves against the previous period"
    SYNC_FAILING = "sync_failing", "A sync is failing"
    NEEDS_REAUTH = "needs_reauth", "A connection needs re-authorization"
    DESTINATION_HELD = "destination_held", "A conversion destination is held"
    SLOW_MOVERS = "slow_movers", "Slow-moving products"


class Kpi(models.TextChoices):
    GMV = "gmv", "GMV"
    ORDERS = "orders", "Orders"
    AD_SPEND = "ad_spend", "Ad spend"
    ROAS = "roas", "ROAS"
    CPL = "cpl", "Cost per lead"


class Comparison(models.TextChoices):
    ABOVE = "above", "rises above"
    BELOW = "below", "falls below"


class AlertRule(TenantOwned):
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=24, choices=AlertKind.choices)
    kpi = models.CharField(max_length=16, choices=Kpi.choices, blank=True)
    comparison = models.CharField(max_length=8, choices=Comparison.choices, default=Comparison.BELOW)
    threshold = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True, help_text="KPI threshold, or % change.")
    window_days = models.PositiveSmallIntegerField(default=1, help_text="The period the KPI is measured over (days).")
    slow_days = models.PositiveSmallIntegerField(default=14, help_text="Slow movers: no sales in this many days, with stock.")
    notify_telegram = models.BooleanField(default=True)
    notify_email = models.BooleanField(default=False)
    quiet_minutes = models.PositiveIntegerField(default=360, help_text="After an alert, the same alert is not sent again for this long.")
    digest = models.BooleanField(default=False, help_text="Collect into the daily digest instead of sending at once.")
    is_active = models.BooleanField(default=True)
    created_by = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    last_evaluated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class AlertEvent(TenantOwned):
    """One firing of a rule for one subject (``fingerprint``: the rule's subject, e.g. a shop or a
    destination). Open until the condition clears; ``notified_at`` is when it was last sent
    (quiet period); ``digested_on`` the digest it went into."""

    rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="events")
    fingerprint = models.CharField(max_length=200)
    message = models.CharField(max_length=1000)
    value = models.JSONField(default=dict, blank=True)
    is_open = models.BooleanField(default=True)
    first_seen_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    digested_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-last_seen_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "rule", "fingerprint"], condition=models.Q(is_open=True), name="autopilot_alert_one_open"
            ),
        ]
        indexes = [models.Index(fields=["tenant", "-last_seen_at"], name="ap_alert_recent")]
