"""Conversions: destinations (TikTok Events API, Google Ads, Meta CAPI), canonical events, and one
delivery per event and destination (the outbox), plus signed inbound webhook sources (their
processed deliveries are ``core.models.WebhookDelivery`` rows).

An event and its deliveries are written in one transaction; a delivery row holds its own retry
state (status, attempts, next attempt, claim), so nothing depends on a Celery message surviving.
The request and response of each upstream call are stored once per batch (``DeliveryBatch``);
a delivery points at the batch that carried it last.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.fields import EncryptedTextField
from core.models import TenantOwned


class Platform(models.TextChoices):
    TIKTOK = "TIKTOK", "TikTok Events API"
    GOOGLE_ADS = "GOOGLE_ADS", "Google Ads"
    META = "META", "Meta Conversions API"


class DestinationState(models.TextChoices):
    ACTIVE = "active", "Active"
    NEEDS_TOKEN = "needs_token", "Needs a new token"
    MISCONFIGURED = "misconfigured", "Misconfigured"
    PAUSED = "paused", "Paused"


class DestinationMode(models.TextChoices):
    LIVE = "live", "Live"
    MOCK = "mock", "Mock (nothing is sent)"


class Destination(TenantOwned):
    """Where a tenant's events go. Secrets are encrypted at rest and masked everywhere else.

    TikTok: ``pixel_id`` (event_source_id) + ``access_token``. Meta: ``pixel_id`` + ``access_token``.
    Google Ads: ``customer_id`` + ``conversion_action_id`` (the default action) + OAuth client,
    refresh token and developer token; the access token is refreshed on demand and cached here.
    """

    platform = models.CharField(max_length=16, choices=Platform.choices)
    name = models.CharField(max_length=100)
    state = models.CharField(max_length=16, choices=DestinationState.choices, default=DestinationState.ACTIVE)
    mode = models.CharField(max_length=8, choices=DestinationMode.choices, default=DestinationMode.LIVE)
    pixel_id = models.CharField(max_length=64, blank=True, help_text="TikTok pixel code or Meta dataset/pixel id.")
    access_token = EncryptedTextField(blank=True, default="", help_text="TikTok Events API or Meta access token.")
    test_event_code = models.CharField(max_length=64, blank=True)
    customer_id = models.CharField(max_length=16, blank=True, help_text="Google Ads customer id, 10 digits.")
    login_customer_id = models.CharField(max_length=16, blank=True, help_text="Manager account id, when going through one.")
    conversion_action_id = models.CharField(max_length=32, blank=True, help_text="Google Ads default conversion action id.")
    developer_token = EncryptedTextField(blank=True, default="")
    oauth_client_id = models.CharField(max_length=200, blank=True)
    oauth_client_secret = EncryptedTextField(blank=True, default="")
    refresh_token = EncryptedTextField(blank=True, default="")
    oauth_access_token = EncryptedTextField(blank=True, default="")
    oauth_access_token_expires_at = models.DateTimeField(null=True, blank=True)
    phone_country_code = models.CharField(
        max_length=4, blank=True, help_text="Calling code for phones without one (e.g. 1); empty: TIKTOK_DEFAULT_PHONE_COUNTRY_CODE."
    )
    event_mapping = models.JSONField(
        default=dict,
        blank=True,
        help_text='Overrides per canonical event, e.g. {"TRIAL_BOOKED": "CompleteRegistration"}; "" skips the event.',
    )
    batch_size = models.PositiveIntegerField(null=True, blank=True, help_text="Events per request; empty: the platform default.")
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["platform", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="conversions_destination_tenant_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_platform_display()})"


class EventSource(models.TextChoices):
    API = "api", "API"
    WEBHOOK = "webhook", "Booking webhook"
    TEST = "test", "Test endpoint"
    DEMO = "demo", "Demo data"
    TIKTOK_LEAD = "tiktok_lead", "TikTok lead form"


class Event(TenantOwned):
    """A canonical conversion event. ``event_id`` is the idempotency key and the platforms'
    deduplication key: it is sent unchanged on every retry to every destination."""

    event_id = models.CharField(max_length=200)
    name = models.CharField(max_length=64)
    event_time = models.DateTimeField()
    email = models.CharField(max_length=320, blank=True)
    phone = models.CharField(max_length=64, blank=True)
    external_id = models.CharField(max_length=200, blank=True)
    ttclid = models.CharField(max_length=500, blank=True)
    ttp = models.CharField(max_length=200, blank=True)
    gclid = models.CharField(max_length=500, blank=True)
    gbraid = models.CharField(max_length=500, blank=True)
    wbraid = models.CharField(max_length=500, blank=True)
    fbc = models.CharField(max_length=500, blank=True)
    fbp = models.CharField(max_length=200, blank=True)
    ip = models.CharField(max_length=64, blank=True)
    user_agent = models.TextField(blank=True)
    page_url = models.TextField(blank=True)
    page_referrer = models.TextField(blank=True)
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    source = models.CharField(max_length=16, choices=EventSource.choices, default=EventSource.API)
    inbound_source = models.ForeignKey("InboundSource", null=True, blank=True, on_delete=models.SET_NULL, related_name="events")
    raw = models.JSONField(default=dict, blank=True)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "event_id"], name="conversions_event_tenant_event_id")]
        indexes = [
            models.Index(fields=["tenant", "-received_at"], name="conv_event_tenant_received"),
            models.Index(fields=["tenant", "name"], name="conv_event_tenant_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.event_id}"


class DeliveryStatus(models.TextChoices):
    PENDING = "PENDING", "Pending"
    SENDING = "SENDING", "Sending"
    SENT = "SENT", "Sent"
    SKIPPED = "SKIPPED", "Skipped"
    FAILED = "FAILED", "Failed (will retry)"
    DEAD = "DEAD", "Dead (needs a fix)"


OPEN_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.SENDING, DeliveryStatus.FAILED)


class DeliveryBatch(TenantOwned):
    """One upstream request carrying one or more deliveries: what was sent and what came back.
    Bodies hold hashed identifiers only; tokens travel in headers or the query, never here."""

    destination = models.ForeignKey(Destination, on_delete=models.CASCADE, related_name="batches")
    request_body = models.JSONField(default=dict)
    response_code = models.PositiveIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True)
    outcome = models.CharField(max_length=32, blank=True)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"batch {self.pk} → {self.destination_id} ({self.size})"


class Delivery(TenantOwned):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    destination = models.ForeignKey(Destination, on_delete=models.CASCADE, related_name="deliveries")
    platform = models.CharField(max_length=16, choices=Platform.choices)
    status = models.CharField(max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    reason = models.TextField(blank=True, help_text="Why it was skipped, failed or is dead.")
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.UUIDField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # No index of its own: rows are read from the delivery side, and every index on this table
    # is rewritten twice per delivery (claim, mark).
    batch = models.ForeignKey(DeliveryBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries", db_index=False)
    response_code = models.PositiveIntegerField(null=True, blank=True)
    platform_event_id = models.CharField(max_length=200, blank=True, help_text="The event id the platform deduplicates on.")
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["event_id", "platform", "id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "event", "destination"], name="conversions_delivery_tenant_event_dest")]
        indexes = [
            # The claim queries: open rows of one destination in one status, oldest first.
            models.Index(
                fields=["tenant", "destination", "status", "id"],
                name="conv_delivery_tenant_open",
                condition=Q(status__in=["PENDING", "SENDING", "FAILED"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.destination_id}: {self.status}"


class InboundSource(TenantOwned):
    """A booking system posting appointment webhooks, signed with its own secret (and, while it
    is rotated, the previous one)."""

    public_id = models.UUIDField(default=uuid.uuid4, db_index=True, editable=False)  # in the webhook URL
    name = models.CharField(max_length=100)
    secret = EncryptedTextField(help_text="HMAC-SHA256 signing secret shared with the booking system.")
    previous_secret = EncryptedTextField(
        blank=True, default="", help_text="Still accepted while the booking system moves to the new secret; clear it afterwards."
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="conversions_inboundsource_tenant_name"),
            models.UniqueConstraint(fields=["tenant", "public_id"], name="conversions_inboundsource_tenant_public_id"),
        ]

    def __str__(self) -> str:
        return self.name

    def signing_secrets(self) -> list[str]:
        return [secret for secret in (self.secret, self.previous_secret) if secret]
