"""TikTok Business (Marketing) API: the advertiser authorizations a tenant holds, the advertisers
they reach and those advertisers' TikTok Shop stores (numbered per tenant: the seed's
``shopNumber``). GMV Max and the ads features read them through ``tiktok_ads.selectors``."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from core.fields import EncryptedTextField
from core.models import (
    ConnectionBase,
    ConnectionStatus,  # noqa: F401  (re-exported: the statuses of the model below)
    TenantOwned,
)


class BusinessConnection(ConnectionBase):
    """One Business API authorization (auth_code → long-lived access token). One token can
    reach several advertisers; a tenant can hold several authorizations. Status, reason and
    who connected it come from ``ConnectionBase``."""

    access_token = EncryptedTextField()
    scope = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Business API authorization #{self.pk}"


class Advertiser(TenantOwned):
    """An ad account reached through a connection. Reports come in its own time zone."""

    connection = models.ForeignKey(BusinessConnection, on_delete=models.CASCADE, related_name="advertisers")
    advertiser_id = models.CharField(max_length=32)
    name = models.CharField(max_length=200)
    currency = models.CharField(max_length=3, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC", help_text="IANA name, e.g. Asia/Kuala_Lumpur")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "advertiser_id"], name="tiktok_ads_advertiser_tenant_advertiser_id")]

    def __str__(self) -> str:
        return f"{self.name} ({self.advertiser_id})"


class AdvertiserStore(TenantOwned):
    """A TikTok Shop store an advertiser can run GMV Max for. ``shop_number`` is the tenant's
    stable 1, 2, … numbering the seed's ``shopNumber`` parameter refers to."""

    advertiser = models.ForeignKey(Advertiser, on_delete=models.CASCADE, related_name="stores")
    store_id = models.CharField(max_length=32)
    name = models.CharField(max_length=200, blank=True)
    is_gmv_max_available = models.BooleanField(default=True)
    shop_number = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["shop_number", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "advertiser", "store_id"], name="tiktok_ads_store_tenant_advertiser_store"),
            models.UniqueConstraint(fields=["tenant", "shop_number", "advertiser"], name="tiktok_ads_store_tenant_number_advertiser"),
        ]

    def __str__(self) -> str:
        return f"Shop {self.shop_number}: {self.name or self.store_id}"


# --- Ads management (seed 004: ad accounts, directions, creatives, launches, leads, actions) ----


class Platform(models.TextChoices):
    """The seed's database platforms. The UI's "instagram" reads as facebook (``platforms.py``)."""

    FACEBOOK = "facebook", "Facebook / Instagram"
    TIKTOK = "tiktok", "TikTok"


class TikTokAdsSettings(TenantOwned):
    """Per-tenant switches of the ads features: ``show_tiktok`` is the seed's
    ``FEATURES.SHOW_TIKTOK`` (off hides the TikTok UI, e.g. while an app review looks at it)."""

    show_tiktok = models.BooleanField(default=True, help_text="Off hides the TikTok pages and tabs (app-review mode).")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant"], name="tiktok_ads_settings_tenant")]
        verbose_name_plural = "TikTok ads settings"


class AdAccount(TenantOwned):
    """The seed's ``ad_accounts`` row: one client's advertising account in this product. It links
    to the TikTok advertiser it runs on (``tiktok_business_id``), the TT_USER identity its ads
    post as (``tiktok_account_id``) and says whether the autopilot may act (``autopilot_tiktok``)."""

    name = models.CharField(max_length=200)
    advertiser = models.ForeignKey(
        Advertiser, null=True, blank=True, on_delete=models.SET_NULL, related_name="ad_accounts", help_text="tiktok_business_id"
    )
    tiktok_account_id = models.CharField(max_length=64, blank=True, help_text="The TT_USER identity id ads post as.")
    autopilot_tiktok = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="tiktok_ads_adaccount_tenant_name")]

    def __str__(self) -> str:
        return self.name


class AdAccountChange(TenantOwned):
    """Every change of an ad account's TikTok fields (connect, disconnect, autopilot on/off)."""

    ad_account = models.ForeignKey(AdAccount, on_delete=models.CASCADE, related_name="changes")
    field = models.CharField(max_length=40)
    action = models.CharField(max_length=16, help_text="connect, disconnect or update")
    before = models.CharField(max_length=200, blank=True)
    after = models.CharField(max_length=200, blank=True)
    actor = models.CharField(max_length=200, blank=True, help_text="User or API key that made the change.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "ad_account", "-created_at"], name="tta_adaccountchange_recent")]


class Objective(models.TextChoices):
    """The seed's TikTok objectives; ``objectives.py`` maps each to the platform's."""

    TRAFFIC = "traffic", "Traffic"
    CONVERSIONS = "conversions", "Conversions"
    LEAD_GENERATION = "lead_generation", "Lead generation"


class AdGroupMode(models.TextChoices):
    USE_EXISTING = "use_existing", "Use existing ad groups"
    CREATE_NEW = "create_new", "Create new"


class Direction(TenantOwned):
    """The seed's ``account_directions``: one line of business an ad account advertises (e.g.
    "Trial lessons"), per platform. ``platform`` empty reads as facebook (legacy rows)."""

    ad_account = models.ForeignKey(AdAccount, on_delete=models.CASCADE, related_name="directions")
    name = models.CharField(max_length=200)
    platform = models.CharField(max_length=16, choices=Platform.choices, blank=True)
    is_active = models.BooleanField(default=True)
    default_settings = models.JSONField(default=dict, blank=True, help_text="Ad settings of this platform (or the shared fallback).")
    tiktok_objective = models.CharField(max_length=20, choices=Objective.choices, blank=True)
    tiktok_daily_budget = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    tiktok_target_cpl = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    tiktok_adgroup_mode = models.CharField(max_length=16, choices=AdGroupMode.choices, default=AdGroupMode.CREATE_NEW)
    tiktok_campaign_id = models.CharField(max_length=32, blank=True)
    tiktok_pixel_id = models.CharField(max_length=32, blank=True)
    tiktok_identity_id = models.CharField(max_length=64, blank=True)
    tiktok_page_id = models.CharField(max_length=32, blank=True, help_text="Instant form (lead generation).")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "platform", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "ad_account", "name", "platform"], name="tiktok_ads_direction_tenant_account_name_platform")
        ]
        indexes = [models.Index(fields=["tenant", "platform"], name="tta_direction_platform")]

    def __str__(self) -> str:
        return f"{self.name} ({self.platform or Platform.FACEBOOK})"


class OperationStatus(models.TextChoices):
    ENABLE = "ENABLE", "Active"
    DISABLE = "DISABLE", "Paused"
    DELETE = "DELETE", "Deleted"


class Campaign(TenantOwned):
    """A TikTok campaign this product created or adopted (the seed's mapping)."""

    advertiser = models.ForeignKey(Advertiser, on_delete=models.CASCADE, related_name="campaigns")
    direction = models.ForeignKey(Direction, null=True, blank=True, on_delete=models.SET_NULL, related_name="campaigns")
    campaign_id = models.CharField(max_length=32)
    name = models.CharField(max_length=512)
    objective_type = models.CharField(max_length=32)
    budget_mode = models.CharField(max_length=40, blank=True)
    budget = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    status = models.CharField(max_length=16, choices=OperationStatus.choices, default=OperationStatus.ENABLE)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "advertiser", "campaign_id"], name="tiktok_ads_campaign_tenant_adv_id")]


class DirectionAdGroup(TenantOwned):
    """The seed's ``direction_tiktok_adgroups``: an ad group of a direction, with its ad count
    (TikTok allows 50 ads per ad group) for the use-existing launch mode."""

    direction = models.ForeignKey(Direction, on_delete=models.CASCADE, related_name="adgroups")
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="adgroups")
    tiktok_adgroup_id = models.CharField(max_length=32)
    adgroup_name = models.CharField(max_length=512)
    daily_budget = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    status = models.CharField(max_length=16, choices=OperationStatus.choices, default=OperationStatus.DISABLE)
    ads_count = models.PositiveIntegerField(default=0)
    last_used_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["direction", "-created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "tiktok_adgroup_id"], name="tiktok_ads_dir_adgroup_tenant_id")]
        indexes = [models.Index(fields=["tenant", "direction", "status"], name="tta_dir_adgroup_pick")]


class MediaType(models.TextChoices):
    VIDEO = "video", "Video"
    IMAGE = "image", "Image"
    CAROUSEL = "carousel", "Carousel"


class CreativeStatus(models.TextChoices):
    UPLOADING = "uploading", "Uploading"
    PROCESSING = "processing", "Sending to TikTok"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class TranscriptionStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DONE = "done", "Done"
    FAILED = "failed", "Failed (retried later)"
    SKIPPED = "skipped", "No audio"


class Creative(TenantOwned):
    """The seed's ``user_creatives`` row: a video (or image) an ad account runs. TikTok runs
    video only, by ``tiktok_video_id``. ``version`` guards status updates (optimistic locking)."""

    ad_account = models.ForeignKey(AdAccount, on_delete=models.CASCADE, related_name="creatives")
    direction = models.ForeignKey(Direction, null=True, blank=True, on_delete=models.SET_NULL, related_name="creatives")
    title = models.CharField(max_length=200)
    media_type = models.CharField(max_length=16, choices=MediaType.choices, default=MediaType.VIDEO)
    media_url = models.URLField(max_length=2000, blank=True)
    ad_text = models.CharField(max_length=100, blank=True)
    tiktok_video_id = models.CharField(max_length=64, blank=True)
    creative_group_id = models.UUIDField(null=True, blank=True, help_text="Links the same creative across platforms.")
    status = models.CharField(max_length=16, choices=CreativeStatus.choices, default=CreativeStatus.READY)
    status_reason = models.CharField(max_length=500, blank=True)
    file_size = models.PositiveBigIntegerField(null=True, blank=True)
    md5 = models.CharField(max_length=32, blank=True)
    transcript = models.TextField(blank=True)
    transcription_status = models.CharField(max_length=16, choices=TranscriptionStatus.choices, default=TranscriptionStatus.PENDING)
    transcription_attempts = models.PositiveSmallIntegerField(default=0)
    transcription_error = models.CharField(max_length=500, blank=True)
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "ad_account", "-created_at"], name="tta_creative_recent")]

    def __str__(self) -> str:
        return self.title


class UploadState(models.TextChoices):
    RECEIVING = "receiving", "Receiving"
    RECEIVED = "received", "Received"
    SENDING = "sending", "Sending to TikTok"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class VideoUpload(TenantOwned):
    """A resumable browser upload (chunks appended at ``offset``), streamed to disk, then to the
    Business API. ``upload_id`` is the public id (a UUID: nothing else names a file on disk)."""

    upload_id = models.UUIDField()
    creative = models.ForeignKey(Creative, null=True, blank=True, on_delete=models.SET_NULL, related_name="uploads")
    filename = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField(help_text="Declared size in bytes.")
    offset = models.PositiveBigIntegerField(default=0, help_text="Bytes received so far.")
    md5 = models.CharField(max_length=32, blank=True, help_text="Hex MD5 of the whole file, once received.")
    state = models.CharField(max_length=16, choices=UploadState.choices, default=UploadState.RECEIVING)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    created_by = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "upload_id"], name="tiktok_ads_upload_tenant_upload_id")]


class LaunchKind(models.TextChoices):
    AUTO = "auto", "Auto launch"
    MANUAL = "manual", "Manual launch"
    CREATE_CAMPAIGN = "create_campaign", "Create campaign"
    CREATE_ADGROUP = "create_adgroup", "Ad group with creatives"


class LaunchState(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed (resumable)"


class Launch(TenantOwned):
    """A campaign-builder launch: a job of ordered steps (``LaunchStep``). ``idempotency_key``
    (the client's ``Idempotency-Key`` or request id) makes a repeated request return the same
    launch; each step's ``request_id`` makes a retried create succeed at most once upstream."""

    kind = models.CharField(max_length=20, choices=LaunchKind.choices)
    ad_account = models.ForeignKey(AdAccount, on_delete=models.CASCADE, related_name="launches")
    direction = models.ForeignKey(Direction, null=True, blank=True, on_delete=models.SET_NULL, related_name="launches")
    advertiser = models.ForeignKey(Advertiser, on_delete=models.CASCADE, related_name="launches")
    idempotency_key = models.CharField(max_length=100)
    params = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=16, choices=LaunchState.choices, default=LaunchState.PENDING)
    result = models.JSONField(default=dict, blank=True)
    error = models.CharField(max_length=1000, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    correlation_id = models.CharField(max_length=64, blank=True)
    requested_by = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "idempotency_key"], name="tiktok_ads_launch_tenant_key")]
        indexes = [models.Index(fields=["tenant", "state"], name="tta_launch_state")]


class LaunchStep(TenantOwned):
    """One step of a launch: its upstream idempotency key, state and what it produced."""

    launch = models.ForeignKey(Launch, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=100, help_text="e.g. create_campaign, create_adgroup, upload_video:12, create_ads")
    request_id = models.CharField(max_length=64)
    state = models.CharField(max_length=16, choices=LaunchState.choices, default=LaunchState.PENDING)
    result = models.JSONField(default=dict, blank=True)
    error = models.CharField(max_length=1000, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["launch", "position"]
        constraints = [models.UniqueConstraint(fields=["tenant", "launch", "name"], name="tiktok_ads_launchstep_tenant_launch_name")]


class Ad(TenantOwned):
    """An ad this product created, in one of a direction's ad groups, from one creative."""

    adgroup = models.ForeignKey(DirectionAdGroup, on_delete=models.CASCADE, related_name="ads")
    creative = models.ForeignKey(Creative, null=True, blank=True, on_delete=models.SET_NULL, related_name="ads")
    launch = models.ForeignKey(Launch, null=True, blank=True, on_delete=models.SET_NULL, related_name="ads")
    ad_id = models.CharField(max_length=32)
    name = models.CharField(max_length=512, blank=True)
    status = models.CharField(max_length=16, choices=OperationStatus.choices, default=OperationStatus.ENABLE)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "ad_id"], name="tiktok_ads_ad_tenant_ad_id")]


class LeadSubscription(TenantOwned):
    """A Business API LEAD subscription (``subscription/subscribe/``) of one advertiser."""

    advertiser = models.ForeignKey(Advertiser, on_delete=models.CASCADE, related_name="lead_subscriptions")
    subscription_id = models.CharField(max_length=64)
    page_id = models.CharField(max_length=32, blank=True)
    callback_url = models.URLField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "subscription_id"], name="tiktok_ads_leadsub_tenant_id")]


class Lead(TenantOwned):
    """A lead from a TikTok instant form (the seed's ``leads`` with platform tiktok). Unique per
    tenant and TikTok lead id: a redelivered callback stores nothing new. ``event_id`` is the
    canonical conversion event it became."""

    platform = models.CharField(max_length=16, choices=Platform.choices, default=Platform.TIKTOK)
    lead_id = models.CharField(max_length=64)
    advertiser = models.ForeignKey(Advertiser, null=True, blank=True, on_delete=models.SET_NULL, related_name="leads")
    ad_account = models.ForeignKey(AdAccount, null=True, blank=True, on_delete=models.SET_NULL, related_name="leads")
    direction = models.ForeignKey(Direction, null=True, blank=True, on_delete=models.SET_NULL, related_name="leads")
    lead_source = models.CharField(max_length=32, blank=True)
    page_id = models.CharField(max_length=32, blank=True)
    page_name = models.CharField(max_length=200, blank=True)
    campaign_id = models.CharField(max_length=32, blank=True)
    campaign_name = models.CharField(max_length=512, blank=True)
    adgroup_id = models.CharField(max_length=32, blank=True)
    ad_id = models.CharField(max_length=32, blank=True)
    name = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=64, blank=True)
    email = models.CharField(max_length=320, blank=True)
    answers = models.JSONField(default=dict, blank=True, help_text="Every submitted field, as TikTok sent it.")
    ttclid = models.CharField(max_length=500, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    event_id = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "platform", "lead_id"], name="tiktok_ads_lead_tenant_platform_id")]
        indexes = [
            models.Index(fields=["tenant", "-received_at"], name="tta_lead_recent"),
            models.Index(fields=["tenant", "direction", "-received_at"], name="tta_lead_direction"),
            # Leads not yet handed to conversions (the hand-off and its sweeper read these).
            models.Index(fields=["tenant", "id"], name="tta_lead_pending_event", condition=models.Q(event_id="")),
        ]


class ActionState(models.TextChoices):
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    DRY_RUN = "dry_run", "Dry run"


class ActionRecord(TenantOwned):
    """One ``POST /api/actions`` action, audited: who, what, before → after and TikTok's answer.
    ``request_id`` makes a repeated request return this record instead of acting twice."""

    request_id = models.CharField(max_length=100)
    action = models.CharField(max_length=64)
    params = models.JSONField(default=dict, blank=True)
    ad_account = models.ForeignKey(AdAccount, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions")
    dry_run = models.BooleanField(default=False)
    state = models.CharField(max_length=16, choices=ActionState.choices)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    upstream_response = models.JSONField(default=dict, blank=True)
    error = models.CharField(max_length=1000, blank=True)
    actor = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=32, default="api", help_text="api, page or autopilot")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "request_id"], name="tiktok_ads_action_tenant_request_id")]
        indexes = [models.Index(fields=["tenant", "-created_at"], name="tta_action_recent")]
