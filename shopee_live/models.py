"""Shopee Live: studios, the Shopee accounts they stream from, hosts, live sessions with their
items and per-minute metrics, promotions, daily analytics, QR logins and CSV imports.

Money is ``Decimal`` in the account's currency (IDR and VND have no minor unit, so amounts are
stored with two places and shown with the currency's own); times are stored in UTC and shown in
the account's region's time zone.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.fields import EncryptedTextField
from core.models import (
    ConnectionBase,
    ConnectionStatus,  # noqa: F401  (re-exported: the statuses of the accounts)
    TenantOwned,
)

MONEY = {"max_digits": 18, "decimal_places": 2}


class Region(models.TextChoices):
    """Shopee markets the livestream APIs serve, with their currency, domain and time zone in
    ``shopee_live.regions``."""

    ID = "ID", "Indonesia"
    VN = "VN", "Vietnam"
    TH = "TH", "Thailand"
    MY = "MY", "Malaysia"
    PH = "PH", "Philippines"
    SG = "SG", "Singapore"


class Studio(TenantOwned):
    """A live-selling studio (the seed's "Affiliate Dashboard" studio): hosts stream from its
    Shopee accounts."""

    name = models.CharField(max_length=120)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="shopee_live_studio_tenant_name")]

    def __str__(self) -> str:
        return self.name


class ShopeeAccount(ConnectionBase):
    """One Shopee seller account a studio streams from. Two credentials, both encrypted at rest:
    the Open Platform tokens (``shop/auth_partner`` → 4-hour access token, 30-day single-use
    refresh token; livestream APIs are signed with ``user_id``) and the Seller Center session
    the QR login sets (the web endpoints: session lists, dashboards, promotions, coins, ads)."""

    studio = models.ForeignKey(Studio, on_delete=models.PROTECT, related_name="accounts")
    name = models.CharField(max_length=200, help_text="Shop or username as Shopee shows it")
    region = models.CharField(max_length=2, choices=Region.choices)
    currency = models.CharField(max_length=3)
    shop_id = models.CharField(max_length=32, blank=True)
    user_id = models.CharField(max_length=32)
    follower_count = models.PositiveIntegerField(default=0)
    access_token = EncryptedTextField(blank=True)
    access_token_expires_at = models.DateTimeField(null=True, blank=True)
    refresh_token = EncryptedTextField(blank=True)
    refresh_token_expires_at = models.DateTimeField(null=True, blank=True)
    web_session = EncryptedTextField(blank=True, help_text="The Seller Center session cookie (SPC_EC) from the QR login")
    web_session_expires_at = models.DateTimeField(null=True, blank=True)
    promotion_budget_limit = models.DecimalField(
        **MONEY, null=True, blank=True, help_text="Highest budget a promotion edit may set, in the account's currency"
    )
    last_synced_at = models.DateTimeField(null=True, blank=True)
    last_sync_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "region", "user_id"], name="shopee_live_account_tenant_region_user")]

    def __str__(self) -> str:
        return f"{self.name} ({self.region})"


class Host(TenantOwned):
    """A streamer (the seed's ``streamer_id`` / ``streamer_name``)."""

    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="hosts")
    streamer_id = models.CharField(max_length=64)
    name = models.CharField(max_length=120)
    follower_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "streamer_id"], name="shopee_live_host_tenant_streamer")]

    def __str__(self) -> str:
        return self.name


class SessionStatus(models.TextChoices):
    """The platform's 0 / 1 / 2, by name (the seed filters with ``status=ongoing``)."""

    INITIAL = "initial", "Not started"
    ONGOING = "ongoing", "Live"
    ENDED = "ended", "Ended"


class SessionSource(models.TextChoices):
    SYNC = "sync", "Synced from Shopee"
    MANUAL = "manual", "Recorded by hand"
    IMPORT = "import", "Imported from CSV"


class LiveSession(TenantOwned):
    """One live stream. Totals are the platform's cumulative figures as of ``synced_at``;
    ``is_final`` once an ended session's figures have settled (no more hourly syncs)."""

    studio = models.ForeignKey(Studio, on_delete=models.PROTECT, related_name="sessions")
    account = models.ForeignKey(ShopeeAccount, on_delete=models.PROTECT, related_name="sessions")
    host = models.ForeignKey(Host, on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions")
    session_id = models.CharField(max_length=64)
    session_name = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=8, choices=SessionStatus.choices, default=SessionStatus.INITIAL)
    source = models.CharField(max_length=8, choices=SessionSource.choices, default=SessionSource.SYNC)
    currency = models.CharField(max_length=3)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(default=0)
    total_viewers = models.PositiveIntegerField(default=0, help_text="Unique viewers")
    total_views = models.PositiveIntegerField(default=0)
    current_viewers = models.PositiveIntegerField(default=0, help_text="Concurrent viewers at the last sync")
    peak_viewers = models.PositiveIntegerField(default=0)
    engaged_viewers = models.PositiveIntegerField(default=0)
    total_orders = models.PositiveIntegerField(default=0)
    total_revenue = models.DecimalField(**MONEY, default=0, help_text="Placed GMV")
    confirmed_orders = models.PositiveIntegerField(default=0)
    confirmed_revenue = models.DecimalField(**MONEY, default=0)
    items_sold = models.PositiveIntegerField(default=0)
    add_to_cart = models.PositiveIntegerField(default=0)
    product_clicks = models.PositiveIntegerField(default=0)
    total_comments = models.PositiveIntegerField(default=0)
    total_likes = models.PositiveIntegerField(default=0)
    total_shares = models.PositiveIntegerField(default=0)
    new_followers = models.PositiveIntegerField(default=0)
    campaign_id = models.CharField(max_length=64, blank=True)
    campaign_budget = models.DecimalField(**MONEY, default=0)
    campaign_spent = models.DecimalField(**MONEY, default=0)
    coins_distributed = models.PositiveIntegerField(default=0)
    coins_claimed = models.PositiveIntegerField(default=0)
    coin_total_value = models.DecimalField(**MONEY, default=0)
    is_final = models.BooleanField(default=False)
    synced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "session_id"], name="shopee_live_session_tenant_session_id")]
        indexes = [
            models.Index(fields=["tenant", "status", "account"], name="sl_session_status"),
            models.Index(fields=["tenant", "studio", "started_at"], name="sl_session_studio_day"),
            models.Index(fields=["tenant", "account", "started_at"], name="sl_session_account_day"),
            models.Index(fields=["tenant", "started_at"], name="sl_session_tenant_start"),  # the live days, tenant-wide
        ]

    def __str__(self) -> str:
        return self.session_name or f"Session {self.session_id}"


class SessionItem(TenantOwned):
    """A product in a session's bag with its live price and what it sold."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="items")
    item_id = models.CharField(max_length=32)
    shop_id = models.CharField(max_length=32, blank=True)
    product_name = models.CharField(max_length=500, blank=True)
    image_url = models.URLField(max_length=500, blank=True)
    live_price = models.DecimalField(**MONEY, default=0)
    original_price = models.DecimalField(**MONEY, default=0)
    discount_percentage = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    item_clicks = models.PositiveIntegerField(default=0)
    add_to_cart = models.PositiveIntegerField(default=0)
    quantity_sold = models.PositiveIntegerField(default=0)
    revenue = models.DecimalField(**MONEY, default=0)
    commission_rate = models.DecimalField(max_digits=6, decimal_places=4, default=0)
    total_commission = models.DecimalField(**MONEY, default=0)

    class Meta:
        ordering = ["-quantity_sold", "id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "session", "item_id"], name="shopee_live_item_tenant_session_item")]

    def __str__(self) -> str:
        return self.product_name or self.item_id


class SessionMinute(TenantOwned):
    """One minute of a session's live dashboard trend (per-minute values, not cumulative)."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="minutes")
    minute = models.DateTimeField()
    viewers = models.PositiveIntegerField(default=0, help_text="Concurrent viewers (ccu)")
    engaged_viewers = models.PositiveIntegerField(default=0)
    entering = models.PositiveIntegerField(default=0)
    add_to_cart = models.PositiveIntegerField(default=0)
    orders = models.PositiveIntegerField(default=0)
    revenue = models.DecimalField(**MONEY, default=0)
    confirmed_orders = models.PositiveIntegerField(default=0)
    confirmed_revenue = models.DecimalField(**MONEY, default=0)

    class Meta:
        ordering = ["minute"]
        constraints = [models.UniqueConstraint(fields=["tenant", "session", "minute"], name="shopee_live_minute_tenant_session_minute")]


class Promotion(TenantOwned):
    """A live-stream promotion (ads campaign) of an account, as of its last read."""

    account = models.ForeignKey(ShopeeAccount, on_delete=models.CASCADE, related_name="promotions")
    promotion_id = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    budget = models.DecimalField(**MONEY, default=0)
    spent = models.DecimalField(**MONEY, default=0)
    status = models.CharField(max_length=32, blank=True)
    synced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "account", "promotion_id"], name="shopee_live_promotion_tenant_account_id")
        ]

    def __str__(self) -> str:
        return self.name


class DailyAnalytics(TenantOwned):
    """One account's day (in its region's time zone), computed in SQL from stored sessions
    (the seed's ``live_analytics``). Studio figures are sums of their accounts' rows."""

    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="daily")
    account = models.ForeignKey(ShopeeAccount, on_delete=models.CASCADE, related_name="daily")
    day = models.DateField()
    currency = models.CharField(max_length=3)
    sessions = models.PositiveIntegerField(default=0)
    revenue = models.DecimalField(**MONEY, default=0)
    viewers = models.PositiveIntegerField(default=0)
    orders = models.PositiveIntegerField(default=0)
    items_sold = models.PositiveIntegerField(default=0)
    campaign_spent = models.DecimalField(**MONEY, default=0)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-day", "account_id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "account", "day"], name="shopee_live_daily_tenant_account_day")]
        indexes = [
            models.Index(fields=["tenant", "studio", "day"], name="sl_daily_studio_day"),
            models.Index(fields=["tenant", "day"], name="sl_daily_tenant_day"),  # tenant-wide ranges
        ]


class QrLoginStatus(models.TextChoices):
    NEW = "NEW", "Waiting for a scan"
    SCANNED = "SCANNED", "Scanned, confirm on the phone"
    CONFIRMED = "CONFIRMED", "Connected"
    EXPIRED = "EXPIRED", "Expired"
    CANCELED = "CANCELED", "Cancelled"


class QrLogin(TenantOwned):
    """A QR login in progress: the code Shopee issued, where it stands, and the account it
    connected. The QR image is rendered from ``qrcode_id`` on our side."""

    qrcode_id = models.CharField(max_length=200)
    region = models.CharField(max_length=2, choices=Region.choices)
    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=QrLoginStatus.choices, default=QrLoginStatus.NEW)
    account = models.ForeignKey(ShopeeAccount, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    message = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["tenant", "qrcode_id"], name="shopee_live_qr_tenant_qrcode")]


class ImportStatus(models.TextChoices):
    PREVIEW = "preview", "Waiting for confirmation"
    IMPORTED = "imported", "Imported"
    DISCARDED = "discarded", "Discarded"


class SessionImport(TenantOwned):
    """An uploaded CSV of historical sessions: parsed rows and per-row errors are kept for the
    preview; nothing reaches ``LiveSession`` until it is confirmed."""

    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(ShopeeAccount, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=255)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.PREVIEW)
    rows = models.JSONField(default=list, blank=True)
    errors = models.JSONField(default=list, blank=True)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
