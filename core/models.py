from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.fields import EncryptedTextField  # noqa: F401  (re-exported for domain apps)
from core.tenancy import get_current_tenant


class Role(models.TextChoices):
    """Ordered from least to most privileged; ``Role.rank`` compares them."""

    VIEWER = "viewer", "Viewer"
    ANALYST = "analyst", "Analyst"
    ADMIN = "admin", "Admin"
    OWNER = "owner", "Owner"

    @classmethod
    def rank(cls, role: str) -> int:
        return [cls.VIEWER, cls.ANALYST, cls.ADMIN, cls.OWNER].index(role)

    @classmethod
    def allows(cls, role: str | None, required: str) -> bool:
        return role is not None and cls.rank(role) >= cls.rank(required)


class Tenant(models.Model):
    """An agency or brand. Every domain row belongs to exactly one tenant."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=64, unique=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    # The overview adds up shops and ad accounts in this currency (with the tenant's dated FX
    # rates); pages read numbers and dates in ``locale`` (a CLDR name such as en_GB or id_ID).
    reporting_currency = models.CharField(max_length=3, default="USD")
    locale = models.CharField(max_length=16, default="en_GB")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)
    last_active_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "user"], name="core_membership_tenant_user")]
        ordering = ["tenant__name"]

    def __str__(self) -> str:
        return f"{self.user} @ {self.tenant} ({self.role})"


class ApiKey(models.Model):
    """A tenant-bound API key. Only its SHA-256 is stored; the key is shown once at creation.

    Keys look like ``cap_<prefix>_<secret>``; the prefix is stored in clear so operators can tell
    keys apart and so lookups hit an index before the constant-time hash comparison.
    """

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.ANALYST)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


# --- Tenant-owned base --------------------------------------------------------------------


class TenantQuerySet(models.QuerySet):
    def for_tenant(self, tenant: Tenant | int):
        return self.filter(tenant=tenant)


class TenantScopedManager(models.Manager.from_queryset(TenantQuerySet)):
    """Default manager of every tenant-owned model: filters by the tenant in context, and raises
    ``TenantContextMissing`` when there is none. ``for_tenant`` scopes explicitly instead."""

    use_in_migrations = False

    def get_queryset(self):
        return super().get_queryset().filter(tenant=get_current_tenant())

    def for_tenant(self, tenant: Tenant | int):
        return self._unscoped().filter(tenant=tenant)

    # Writes name their tenant (explicitly, or through the context that save() reads), so they
    # don't need a scoped read first; mismatches with the context are refused in _claim().
    def create(self, **kwargs):
        return self._unscoped().create(**kwargs)

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            obj._claim_tenant()
        return self._unscoped().bulk_create(objs, *args, **kwargs)

    def get_or_create(self, defaults=None, **kwargs):
        return self._scoped_by_kwargs(kwargs).get_or_create(defaults=defaults, **kwargs)

    def update_or_create(self, defaults=None, create_defaults=None, **kwargs):
        return self._scoped_by_kwargs(kwargs).update_or_create(defaults=defaults, create_defaults=create_defaults, **kwargs)

    def _scoped_by_kwargs(self, kwargs):
        tenant = kwargs.get("tenant", kwargs.get("tenant_id"))
        return self.for_tenant(tenant) if tenant is not None else self.get_queryset()

    def _unscoped(self):
        return TenantQuerySet(self.model, using=self._db)


class TenantMismatch(RuntimeError):
    pass


class TenantOwned(models.Model):
    """Abstract base of every domain model.

    ``objects`` is scoped to the current tenant and fails closed. ``all_tenants`` is the
    deliberate, greppable escape for code that is cross-tenant on purpose (beat schedulers,
    superuser admin, sweepers).
    """

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+", db_index=True)

    objects = TenantScopedManager()
    all_tenants = models.Manager.from_queryset(TenantQuerySet)()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self._claim_tenant()
        super().save(*args, **kwargs)

    def _claim_tenant(self) -> None:
        """Take the tenant from context when unset; refuse a row of another tenant than the one
        in context (a request of tenant B must never write tenant A's rows)."""
        current = get_current_tenant(required=self.tenant_id is None)
        if self.tenant_id is None:
            self.tenant = current
        elif current is not None and current.pk != self.tenant_id:
            raise TenantMismatch(f"{type(self).__name__} of tenant {self.tenant_id} written in tenant {current.pk}'s context")


# --- Sync runs ----------------------------------------------------------------------------


class SyncState(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


ACTIVE_SYNC_STATES = (SyncState.PENDING, SyncState.RUNNING)


class SyncRun(TenantOwned):
    """One long job (a full order sync, a room fetch, a backfill), split into parts.

    Parts (``SyncRunPart``) carry their own checkpoint so they can run in parallel and resume
    independently; the run sums their progress. At most one active run per (tenant, kind,
    target): a second start while one runs is a conflict, not a duplicate.
    """

    kind = models.CharField(max_length=64)
    target = models.CharField(max_length=200, help_text="What is synced, e.g. 'shop:12'.")
    label = models.CharField(max_length=200, blank=True)
    state = models.CharField(max_length=16, choices=SyncState.choices, default=SyncState.PENDING)
    params = models.JSONField(default=dict, blank=True)
    counters = models.JSONField(default=dict, blank=True)
    items_done = models.PositiveBigIntegerField(default=0)
    items_total = models.PositiveBigIntegerField(null=True, blank=True)
    pages_done = models.PositiveIntegerField(default=0)
    parts_total = models.PositiveIntegerField(default=0)
    parts_done = models.PositiveIntegerField(default=0)
    attempts = models.PositiveIntegerField(default=1)
    error = models.TextField(blank=True)
    correlation_id = models.CharField(max_length=64, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "kind", "-created_at"], name="core_syncrun_tenant_kind")]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "kind", "target"],
                condition=Q(state__in=ACTIVE_SYNC_STATES),
                name="core_syncrun_one_active_per_target",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.target} ({self.state})"

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_SYNC_STATES


class SyncRunPart(TenantOwned):
    """A slice of a run (a time window, one campaign) with its own resumable checkpoint.

    ``seq`` counts committed pages; a page commit only applies when ``seq`` is what the worker
    read, so a redelivered or duplicate task can never write the same page twice.
    """

    run = models.ForeignKey(SyncRun, on_delete=models.CASCADE, related_name="parts")
    key = models.CharField(max_length=100)
    position = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=16, choices=SyncState.choices, default=SyncState.PENDING)
    params = models.JSONField(default=dict, blank=True)
    checkpoint = models.JSONField(default=dict, blank=True)
    seq = models.PositiveIntegerField(default=0)
    items_done = models.PositiveBigIntegerField(default=0)
    items_total = models.PositiveBigIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "run", "key"], name="core_syncrunpart_tenant_run_key")]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.key} ({self.state})"


# --- Upstream call log --------------------------------------------------------------------


class ApiCallLog(TenantOwned):
    """One row per upstream call (after retries): what was called, how it went, how long."""

    provider = models.CharField(max_length=40)
    method = models.CharField(max_length=8)
    endpoint = models.CharField(max_length=300)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=32, default="ok")
    error_message = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=1)
    credential = models.CharField(max_length=64, blank=True, help_text="Masked credential label.")
    correlation_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["tenant", "-created_at"], name="core_apicall_tenant_created"),
            models.Index(fields=["tenant", "provider", "-created_at"], name="core_apicall_tenant_provider"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.method} {self.endpoint} → {self.status_code or self.outcome}"


def new_correlation_id() -> str:
    return uuid.uuid4().hex


# --- Platform connections (OAuth) ----------------------------------------------------------


class ConnectionStatus(models.TextChoices):
    """Where a platform authorization stands; the same three states for every provider."""

    ACTIVE = "active", "Active"
    NEEDS_REAUTH = "needs_reauth", "Needs re-authorization"
    DISCONNECTED = "disconnected", "Disconnected"


class ConnectionBase(TenantOwned):
    """What every platform connection has beside its provider's own fields (tokens, shop or
    advertiser ids): a status the services and the platform's answers move, and why.
    ``core.connections`` works on any subclass."""

    status = models.CharField(max_length=16, choices=ConnectionStatus.choices, default=ConnectionStatus.ACTIVE)
    status_reason = models.CharField(max_length=300, blank=True)
    connected_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class OAuthState(TenantOwned):
    """The ``state`` of an authorization in flight, for one provider: the callback must bring
    it back unused, to the same tenant, within ``core.connections.OAUTH_STATE_TTL``."""

    provider = models.CharField(max_length=32)
    state = models.CharField(max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "provider", "state"], name="core_oauthstate_tenant_provider_state")]

    def __str__(self) -> str:
        return f"{self.provider} state {self.state[:6]}…"


# --- Inbound webhooks ------------------------------------------------------------------------


class WebhookDelivery(TenantOwned):
    """A verified webhook delivery already processed for a tenant, keyed by the platform's
    delivery id: a replay finds it and does nothing. Written in the same transaction as the
    delivery's effects, so a delivery that failed half-way is processed again on retry.

    The tenant is the one the delivery was resolved to after verification (a booking source's
    tenant; each tenant that connected a pushed TikTok shop). ``source`` tells apart endpoints
    of one provider whose delivery ids are only unique per endpoint (one booking source each);
    ``result`` is what the first processing answered, so a replay answers the same.
    """

    provider = models.CharField(max_length=32)
    source = models.CharField(max_length=64, blank=True)
    delivery_id = models.CharField(max_length=200)
    result = models.JSONField(default=dict, blank=True)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(fields=["tenant", "provider", "source", "delivery_id"], name="core_webhookdelivery_key"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.delivery_id}"


# --- Workspace: FX rates and saved views --------------------------------------------------


class FxRate(TenantOwned):
    """One unit of ``currency`` is worth ``rate`` of the tenant's reporting currency from ``day``
    on (until the next rate of the same currency). Dated, so last year's figures convert at last
    year's rates."""

    currency = models.CharField(max_length=3)
    day = models.DateField()
    rate = models.DecimalField(max_digits=20, decimal_places=10)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "currency", "day"], name="core_fxrate_tenant_currency_day")]
        ordering = ["currency", "-day"]

    def __str__(self) -> str:
        return f"1 {self.currency} = {self.rate} from {self.day}"


class SavedView(TenantOwned):
    """A page with its filters, sort and range, saved under a name; shared ones are listed for
    every member of the tenant."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=120)
    path = models.CharField(max_length=300)
    query = models.CharField(max_length=2000, blank=True)
    shared = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "user", "name"], name="core_savedview_tenant_user_name")]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def url(self) -> str:
        return f"{self.path}?{self.query}" if self.query else self.path


class TenantSchedule(TenantOwned):
    """A tenant's choice for one schedulable job (``core.registry.ScheduleOption``): on or off,
    and how often. No row means the app's default."""

    key = models.CharField(max_length=100)
    enabled = models.BooleanField(default=True)
    every_minutes = models.PositiveIntegerField()
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "key"], name="core_tenantschedule_tenant_key")]

    def __str__(self) -> str:
        return f"{self.key}: {'every ' + str(self.every_minutes) + ' min' if self.enabled else 'off'}"
