"""One row of every tenant-owned model for a tenant, filled with values that can be found again.

``build_world("A")`` creates a tenant, its owner, an admin API key and one instance of every
concrete ``TenantOwned`` model of every installed app (related tenant-owned rows first). Every
text value is a sentinel naming tenant, model and field (``LEAKCANARY-A-core-syncrun-label``),
so a response showing another tenant's data is caught by a substring search. Every id and
number comes from a range of its own per tenant (A: 7_000_001.., B: 7_100_001..), so an id of
tenant A never equals an id of tenant B in any table: a 200 for A's id can only be a leak.

The generic builder fills fields by type. A model it can't build (a field type it doesn't know,
data a view needs in a particular shape) gets a builder of its own, registered from
``tests/<app_label>/factories.py`` (imported automatically for every project app)::

    from tests.isolation.factories import isolation_factory

    @isolation_factory("shop_sync.Shop")
    def shop(world):
        return world.create(Shop, region="ID", settings={"currency": "IDR"})

``world.create`` fills whatever is not given the generic way, so a builder names only what
matters. ``world.get(Model)`` returns (building if needed) the world's row of another model.
"""

from __future__ import annotations

import importlib
import importlib.util
import itertools
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import time, timedelta
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone

from core.fields import EncryptedTextField
from core.models import ApiKey, Membership, Role, Tenant, TenantOwned
from core.services import api_key_create
from core.tenancy import tenant_scope
from tests.isolation.project import is_project_app

Builder = Callable[["TenantWorld"], models.Model]
_builders: dict[str, Builder] = {}
_ID_BLOCK = 100_000


class UnbuildableModel(RuntimeError):
    pass


def isolation_factory(label: str) -> Callable[[Builder], Builder]:
    """Register the builder of model ``label`` ("app_label.ModelName")."""

    def register(builder: Builder) -> Builder:
        _builders[label.lower()] = builder
        return builder

    return register


def load_app_factories() -> None:
    """Import ``tests/<app_label>/factories.py`` of every project app that has one."""
    for config in apps.get_app_configs():
        module = f"tests.{config.label}.factories"
        if is_project_app(config) and importlib.util.find_spec(f"tests.{config.label}") and importlib.util.find_spec(module):
            importlib.import_module(module)


def tenant_owned_models() -> list[type[models.Model]]:
    return sorted(
        (m for m in apps.get_models() if issubclass(m, TenantOwned) and not m._meta.proxy),
        key=lambda m: m._meta.label_lower,
    )


@dataclass(frozen=True)
class Value:
    """A value of this world that may appear in a URL: an id, a number, a uuid or a sentinel."""

    text: str
    origin: str  # "core.syncrun.pk", "core.syncrun.label"


@dataclass
class TenantWorld:
    tag: str
    id_base: int
    tenant: Tenant = None
    user: object = None
    membership: Membership = None
    api_key: ApiKey = None
    raw_key: str = ""
    rows: dict[type[models.Model], models.Model] = field(default_factory=dict)
    sentinels: set[str] = field(default_factory=set)  # every findable text written
    secrets: set[str] = field(default_factory=set)  # key material, uuids: searched verbatim
    pks: list[Value] = field(default_factory=list)
    values_by_field: dict[str, list[Value]] = field(default_factory=dict)
    _building: list[type[models.Model]] = field(default_factory=list)

    def __post_init__(self):
        self._ids = itertools.count(self.id_base + 1)
        self._serial = itertools.count(1)

    # --- values -------------------------------------------------------------------------

    @property
    def marker(self) -> str:
        return f"LEAKCANARY-{self.tag}-"

    def next_id(self) -> int:
        return next(self._ids)

    def text(self, label: str, max_length: int | None = None) -> str:
        """A sentinel for ``label`` that fits ``max_length``: the full name when it fits, else a
        numbered one; too short a column gets digits, which nothing searches for."""
        n = next(self._serial)
        for candidate in (f"{self.marker}{label}", f"{self.marker}{n:05d}", f"LC{self.tag}{n:05d}"):
            if max_length is None or len(candidate) <= max_length:
                self.sentinels.add(candidate)
                return candidate
        return str(n)[-max_length:]

    @property
    def all_values(self) -> list[Value]:
        seen: dict[str, Value] = {}
        for value in itertools.chain(self.pks, *self.values_by_field.values()):
            seen.setdefault(value.text, value)
        return list(seen.values())

    def _record(self, instance: models.Model) -> None:
        label = instance._meta.label_lower
        self.pks.append(Value(str(instance.pk), f"{label}.pk"))
        if isinstance(instance.pk, uuid.UUID):
            self.secrets.update({str(instance.pk), instance.pk.hex})
        for f in instance._meta.concrete_fields:
            raw = getattr(instance, f.attname)
            if raw is None or isinstance(raw, bool):
                continue
            if isinstance(raw, uuid.UUID):
                self.secrets.update({str(raw), raw.hex})
            elif isinstance(raw, int) and raw > self.id_base:
                pass  # ids and numbers from this world's range
            elif not (isinstance(raw, str) and (self.marker in raw or raw in self.sentinels)):
                continue
            value = Value(str(raw), f"{label}.{f.name}")
            for name in {f.name, f.attname}:
                self.values_by_field.setdefault(name, []).append(value)

    # --- rows ---------------------------------------------------------------------------

    def get(self, model: type[models.Model]) -> models.Model:
        """This world's row of ``model``, built on first use."""
        if model._meta.proxy:
            concrete = self.get(model._meta.concrete_model)
            return model._base_manager.get(pk=concrete.pk)
        if model not in self.rows:
            builder = _builders.get(model._meta.label_lower)
            self._building.append(model)
            try:
                instance = builder(self) if builder else self.create(model)
            finally:
                self._building.pop()
            if getattr(instance, "tenant_id", self.tenant.pk) != self.tenant.pk:
                raise UnbuildableModel(f"The builder of {model._meta.label} returned a row of another tenant.")
            self.rows[model] = instance
            self._record(instance)
        return self.rows[model]

    def create(self, model: type[models.Model], **overrides) -> models.Model:
        """Save one row of ``model`` for this tenant: ``overrides`` as given, every other field
        filled by type, related tenant-owned rows from this world."""
        instance = model()
        for f in model._meta.concrete_fields:
            if f.name in overrides or f.attname in overrides:
                continue
            if getattr(f, "generated", False) or (getattr(f, "remote_field", None) and f.remote_field.parent_link):
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                continue
            setattr(instance, f.name, self._fill(model, f))
        for name, value in overrides.items():
            setattr(instance, name, value)
        with tenant_scope(self.tenant):
            instance.save(force_insert=True)
            for m2m in model._meta.local_many_to_many:
                if m2m.remote_field.through._meta.auto_created:
                    related = self._related(model, m2m, optional=True)
                    if related is not None:
                        getattr(instance, m2m.name).add(related)
        return instance

    def _related(self, model, f, *, optional: bool):
        target = f.related_model
        if target is Tenant:
            return self.tenant
        if target is get_user_model():
            return self.user
        if target is Membership:
            return self.membership
        if target is ApiKey:
            return self.api_key
        if issubclass(target, TenantOwned):
            if target in self._building:
                if optional:
                    return None
                raise UnbuildableModel(f"{model._meta.label}.{f.name} closes a cycle of required relations: register a builder.")
            return self.get(target)
        if optional:
            return None
        existing = target._base_manager.order_by("pk").first()
        if existing is None:
            raise UnbuildableModel(f"{model._meta.label}.{f.name} needs a {target._meta.label} row: register a builder.")
        return existing

    def _fill(self, model, f):
        label = f"{model._meta.app_label}-{model._meta.model_name}-{f.name}"
        if f.name == "tenant":
            return self.tenant
        if f.primary_key and isinstance(f, models.SmallIntegerField):
            return self.id_base // 1000 + next(self._serial)  # 7000.. / 7100..: fits 16 bits, still per tenant
        if f.primary_key and isinstance(f, models.IntegerField):
            return self.next_id()
        if f.is_relation:
            return self._related(model, f, optional=f.null)
        if f.choices:
            return next(_flat_choices(f.choices))
        if isinstance(f, models.BooleanField):
            return f.get_default() if f.has_default() else False
        if isinstance(f, models.UUIDField):
            return uuid.uuid4()
        if isinstance(f, models.EmailField):
            return self.text(label, (f.max_length or 254) - len("@example.com")).lower() + "@example.com"
        if isinstance(f, models.URLField):
            return "https://example.com/" + self.text(label, (f.max_length or 200) - len("https://example.com/"))
        if isinstance(f, models.GenericIPAddressField):
            return "192.0.2.7"
        if isinstance(f, EncryptedTextField | models.CharField | models.TextField | models.FileField):
            return self.text(label, getattr(f, "max_length", None))
        if isinstance(f, models.JSONField):
            default = f.get_default() if f.has_default() else {}
            return [] if isinstance(default, list) else {"leakcanary": self.text(label)}
        if isinstance(f, models.BinaryField):
            return self.text(label).encode()
        if isinstance(f, models.DateTimeField):
            return timezone.now()
        if isinstance(f, models.DateField):
            return timezone.localdate()
        if isinstance(f, models.TimeField):
            return time(7, 30)
        if isinstance(f, models.DurationField):
            return timedelta(minutes=7)
        if isinstance(f, models.DecimalField):
            whole = f.max_digits - f.decimal_places
            return Decimal(7 if whole >= 1 else 0).quantize(Decimal(1).scaleb(-f.decimal_places))
        if isinstance(f, models.FloatField):
            return 7.25
        if isinstance(f, models.SmallIntegerField | models.PositiveSmallIntegerField):
            return 7
        if isinstance(f, models.IntegerField):  # also Big/Positive*: a number of this world's range
            return self.next_id()
        if hasattr(f, "base_field"):  # PostgreSQL ArrayField
            return [self._fill(model, f.base_field)]
        if f.has_default():
            return f.get_default()
        if f.null:
            return None
        raise UnbuildableModel(f"Don't know how to fill {model._meta.label}.{f.name} ({type(f).__name__}): register a builder.")


def _flat_choices(choices):
    for key, value in choices:
        if isinstance(value, list | tuple):
            yield from (k for k, _ in value)
        else:
            yield key


def build_world(tag: str, *, api_key_role: str = Role.ADMIN) -> TenantWorld:
    """Tenant ``tag`` (one capital letter) with its owner, an API key and one row of every
    tenant-owned model."""
    load_app_factories()
    world = TenantWorld(tag=tag, id_base=7_000_000 + _ID_BLOCK * (ord(tag) - ord("A")))
    prefix = f"{world.marker.lower()}core"
    world.tenant = Tenant.objects.create(
        id=world.next_id(), name=world.text("core-tenant-name", 200), slug=f"{prefix}-tenant-slug", time_zone="UTC"
    )
    world.sentinels.add(world.tenant.slug)
    User = get_user_model()
    world.user = User(
        id=world.next_id(),
        username=f"{prefix}-user",
        email=f"{prefix}-user@example.com",
        first_name=world.text("core-user-first", 150),
        last_name=world.text("core-user-last", 150),
    )
    world.user.set_unusable_password()
    world.user.save(force_insert=True)
    world.sentinels.update({world.user.username, world.user.email})
    world.membership = Membership.objects.create(id=world.next_id(), user=world.user, tenant=world.tenant, role=Role.OWNER)

    issued = api_key_create(tenant=world.tenant, name=world.text("core-apikey-name", 100), role=api_key_role, created_by=world.user)
    key_id = world.next_id()
    ApiKey.objects.filter(pk=issued.api_key.pk).update(id=key_id)  # into this world's id range
    world.api_key = ApiKey.objects.get(pk=key_id)
    world.raw_key = issued.raw_key
    world.secrets.update({issued.raw_key, world.api_key.key_hash, world.api_key.prefix})
    for instance in (world.tenant, world.user, world.membership, world.api_key):
        world._record(instance)

    for model in tenant_owned_models():
        if model._meta.managed or model._meta.label_lower in _builders:
            world.get(model)
    return world


def world_rows(world: TenantWorld) -> dict[str, models.QuerySet]:
    """Every row the world owns, per model: what must not change when another tenant acts."""
    User = get_user_model()
    querysets = {
        "core.tenant": Tenant.objects.filter(pk=world.tenant.pk),
        settings.AUTH_USER_MODEL.lower(): User._base_manager.filter(pk=world.user.pk),
        "core.membership": Membership.objects.filter(tenant=world.tenant),
        "core.apikey": ApiKey.objects.filter(tenant=world.tenant),
    }
    for model in tenant_owned_models():
        querysets[model._meta.label_lower] = model.all_tenants.filter(tenant=world.tenant)
    return querysets


def snapshot(world: TenantWorld) -> dict[str, list[dict]]:
    return {label: list(rows.order_by("pk").values()) for label, rows in world_rows(world).items()}
