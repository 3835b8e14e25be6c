"""Sandbox state. These tables emulate external systems, so they are not tenant-owned.

The database is the config store on purpose: the web process, Celery workers and a standalone
``sandbox_serve`` process all see the same faults and the same counters.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

from django.db import models
from django.utils import timezone


class EmulatorConfig(models.Model):
    """Per-emulator faults and options. No row means: no faults, default options."""

    name = models.CharField(max_length=40, unique=True, help_text="Emulator name, e.g. 'telegram'.")
    faults = models.JSONField(
        default=dict,
        blank=True,
        help_text='Faults for this emulator\'s requests, e.g. {"status": 503} or {"status": 429, "retry_after": 2}.',
    )
    remaining = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="How many more requests get the faults. Empty: every request until the faults are cleared.",
    )
    latency_ms = models.PositiveIntegerField(default=0, help_text="Added to every response of this emulator, faults or not.")
    options = models.JSONField(default=dict, blank=True, help_text="Emulator-specific behaviour, e.g. Telegram's revoked_tokens.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "emulator config"

    def __str__(self) -> str:
        return self.name


class ReceivedRequest(models.Model):
    """What an emulator received (for emulators that record), with secrets masked."""

    emulator = models.CharField(max_length=40)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=2000)
    query = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    body = models.TextField(blank=True)
    status = models.PositiveSmallIntegerField()
    fault = models.CharField(max_length=200, blank=True, help_text="The fault applied, in header syntax.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["emulator", "-id"], name="sandbox_received_emulator")]

    def __str__(self) -> str:
        return f"{self.emulator} {self.method} {self.path} → {self.status}"

    def json(self):
        """The body parsed as JSON (raises ``ValueError`` when it isn't)."""
        return json.loads(self.body)

    @property
    def query_params(self) -> dict[str, str]:
        return dict(parse_qsl(self.query, keep_blank_values=True))


class EmulatorCounter(models.Model):
    """A named counter an emulator keeps across processes (message ids, "first N requests")."""

    emulator = models.CharField(max_length=40)
    key = models.CharField(max_length=200)
    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["emulator", "key"], name="sandbox_counter_emulator_key")]

    def __str__(self) -> str:
        return f"{self.emulator}:{self.key}={self.value}"


# --- TikTok Shop emulator state (sandbox.emulators.tiktok_shop) ----------------------------
# Times are unix seconds on the emulator's clock, which a control call can move.


class TikTokShopAuthCode(models.Model):
    """An ``auth_code`` from the authorize page: single use, valid for minutes."""

    code = models.CharField(max_length=80, unique=True)
    app_key = models.CharField(max_length=64)
    seller = models.CharField(max_length=40)
    expires_at = models.BigIntegerField()
    used_at = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"auth code for {self.seller}"


class TikTokShopGrant(models.Model):
    """A seller's authorization of the app: the refresh token, and revocation."""

    app_key = models.CharField(max_length=64)
    seller = models.CharField(max_length=40)
    refresh_token = models.CharField(max_length=120, unique=True)
    refresh_expires_at = models.BigIntegerField()
    revoked_at = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["seller"], name="sandbox_tts_grant_seller")]

    def __str__(self) -> str:
        return f"grant for {self.seller}"


class TikTokShopAccessToken(models.Model):
    """An access token of a grant. A refresh adds one; earlier ones stay valid until they expire."""

    grant = models.ForeignKey(TikTokShopGrant, on_delete=models.CASCADE, related_name="access_tokens")
    token = models.CharField(max_length=120, unique=True)
    expires_at = models.BigIntegerField()

    def __str__(self) -> str:
        return f"access token of {self.grant}"


class TikTokShopOrderChange(models.Model):
    """An explicit change laid over a shop's generated orders: a new order, or an order moved to
    another status. The newest row of an order wins."""

    shop_id = models.CharField(max_length=32)
    order_index = models.BigIntegerField()
    is_new = models.BooleanField(default=False)
    status = models.CharField(max_length=32)
    create_time = models.BigIntegerField()
    update_time = models.BigIntegerField()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["shop_id", "id"], name="sandbox_tts_change_shop")]

    def __str__(self) -> str:
        return f"{self.shop_id}#{self.order_index} → {self.status}"


# --- Conversion destinations (tiktok-events, google-ads, meta-graph) ------------------------


class ConversionReceipt(models.Model):
    """One event a conversion destination accepted. ``ReceivedRequest`` keeps only the newest
    requests; receipts keep every accepted event, so a run of 100,000 events can be checked for
    losses and duplicate sends."""

    emulator = models.CharField(max_length=40)
    destination = models.TextField(help_text="TikTok pixel code, Google Ads conversion action resource name or Meta pixel id.")
    event_id = models.TextField(blank=True, help_text="The platform's dedupe key (Google: orderId, else click id | time).")
    event_name = models.CharField(max_length=100, blank=True)
    test_event_code = models.CharField(max_length=100, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    request_id = models.CharField(max_length=64, help_text="The request id the emulator answered with.")

    class Meta:
        ordering = ["id"]
        # Serves ?event_id= lookups, Google's "order id already used" check, and the summary
        # (an index-only scan already in (event_id, destination) order: no sort on 300k rows).
        indexes = [models.Index(fields=["emulator", "event_id", "destination"], name="sandbox_receipt_event_dest")]

    def __str__(self) -> str:
        return f"{self.emulator} {self.destination} {self.event_id}"


# --- Shopee emulators (sandbox.emulators.shopee) --------------------------------------------
# Times are unix seconds on the Shopee clock, which a control call can move. ``account`` is the
# sandbox account key (``demo-id-1``); everything else about an account is generated.


class ShopeeAuthCode(models.Model):
    """A ``code`` from ``shop/auth_partner``: 32 hex, single use, valid for 10 minutes."""

    code = models.CharField(max_length=32, unique=True)
    account = models.CharField(max_length=40)
    expires_at = models.BigIntegerField()
    used_at = models.BigIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"auth code for {self.account}"


class ShopeeToken(models.Model):
    """One access/refresh pair. A refresh spends the refresh token and adds a new pair; the
    earlier access token stays good until it expires."""

    account = models.CharField(max_length=40)
    access_token = models.CharField(max_length=32, unique=True)
    access_expires_at = models.BigIntegerField()
    refresh_token = models.CharField(max_length=32, unique=True)
    refresh_expires_at = models.BigIntegerField()
    refresh_used_at = models.BigIntegerField(null=True, blank=True)
    revoked_at = models.BigIntegerField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["account"], name="sandbox_shopee_token_account")]

    def __str__(self) -> str:
        return f"token for {self.account}"


class ShopeeQrCode(models.Model):
    """A Seller Center login QR: NEW → SCANNED → CONFIRMED (→ used by qrcode_login), or EXPIRED."""

    qrcode_id = models.CharField(max_length=64, unique=True)
    qrcode_token = models.CharField(max_length=64, blank=True)
    account = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=12, default="NEW")
    created_at = models.BigIntegerField()
    used_at = models.BigIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"QR {self.qrcode_id} {self.status}"


class ShopeeWebSession(models.Model):
    """A Seller Center login: the ``SPC_EC`` cookie value, 30 days."""

    token = models.CharField(max_length=120, unique=True)
    account = models.CharField(max_length=40)
    expires_at = models.BigIntegerField()
    revoked_at = models.BigIntegerField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["account"], name="sandbox_shopee_web_account")]

    def __str__(self) -> str:
        return f"web session of {self.account}"


class ShopeeLiveSession(models.Model):
    """A live session made with create_session, or the stored changes (item bag, show item,
    comments, bans) of a seeded one. Seeded sessions keep their generated times and titles."""

    session_id = models.BigIntegerField(unique=True)
    account = models.CharField(max_length=40)
    seeded = models.BooleanField(default=False)
    title = models.CharField(max_length=200, blank=True)
    description = models.CharField(max_length=200, blank=True)
    cover_image_url = models.CharField(max_length=500, blank=True)
    is_test = models.BooleanField(default=False)
    create_time = models.BigIntegerField(default=0)
    update_time = models.BigIntegerField(default=0)
    start_time = models.BigIntegerField(null=True, blank=True)
    end_time = models.BigIntegerField(null=True, blank=True)
    item_ids = models.JSONField(null=True, blank=True, help_text="The item bag in order; null: the seeded bag.")
    show_item_id = models.BigIntegerField(null=True, blank=True)
    comments = models.JSONField(default=list, blank=True, help_text="Comments the streamer posted: [{comment_id, content, timestamp}].")
    banned_user_ids = models.JSONField(default=list, blank=True)

    class Meta:
        indexes = [models.Index(fields=["account", "-session_id"], name="sandbox_shopee_live_account")]

    def __str__(self) -> str:
        return f"live session {self.session_id} of {self.account}"


class ShopeeWebState(models.Model):
    """What Seller Center calls changed: a promotion's name and budget, a session's coin pool."""

    account = models.CharField(max_length=40)
    kind = models.CharField(max_length=20)
    key = models.CharField(max_length=40)
    data = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="sandbox_shopee_state_kind_key")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} of {self.account}"


class BusinessObject(models.Model):
    """An object the TikTok Business API emulator's management endpoints created: a campaign, ad
    group, ad, video, lead subscription or lead (``kind``), under one advertiser. ``parent_id``
    is the campaign of an ad group and the ad group of an ad. ``request_id`` is the caller's
    idempotency key of the create (a retry with the same key returns the same object)."""

    kind = models.CharField(max_length=20)
    advertiser_id = models.CharField(max_length=32)
    object_id = models.CharField(max_length=64)
    parent_id = models.CharField(max_length=64, blank=True)
    name = models.CharField(max_length=512, blank=True)
    status = models.CharField(max_length=16, default="ENABLE")
    request_id = models.CharField(max_length=100, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    modified_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="sandbox_business_object_kind_id")]
        indexes = [
            models.Index(fields=["kind", "advertiser_id", "parent_id"], name="sandbox_bo_parent"),
            models.Index(fields=["kind", "advertiser_id", "request_id"], name="sandbox_bo_request"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"
