"""System checks: tenant-owned models keep tenant in every unique constraint (core.E001); the
settings fail closed: no upstream left pointing at a sandbox that isn't enabled (core.E002), no
sandbox outside DEBUG without its control token (core.E003)."""

from django.apps import apps
from django.conf import settings
from django.core import checks

from core.models import TenantOwned


def tenant_unique_violations():
    """(model, description) for each unique constraint, index or unique field on a tenant-owned
    model that doesn't lead with ``tenant`` (so tables stay ready to be distributed by tenant,
    and every hot lookup starts from the tenant the request is scoped to)."""
    for model in apps.get_models():
        if not issubclass(model, TenantOwned):
            continue
        for constraint in model._meta.constraints:
            fields = getattr(constraint, "fields", None)
            if fields and fields[0] != "tenant":
                yield model, f"constraint {constraint.name}"
        for index in model._meta.indexes:
            if index.fields and index.fields[0] != "tenant":
                yield model, f"index {index.name}"
        for fields in model._meta.unique_together:
            if fields[0] != "tenant":
                yield model, f"unique_together {fields}"
        for field in model._meta.local_fields:
            if field.unique and not field.primary_key:
                yield model, f"unique field {field.name}"


@checks.register()
def check_tenant_uniques(app_configs, **kwargs):
    return [
        checks.Error(f"{model.__name__}: {what} does not lead with tenant.", obj=model, id="core.E001")
        for model, what in tenant_unique_violations()
    ]


# --- Settings that fail closed ------------------------------------------------------------
# Settings that belong to the sandbox itself (where it is, where it pushes webhooks), not to
# the product's upstreams.
SANDBOX_SETTING_PREFIX = "SANDBOX_"


def sandbox_bases() -> list[str]:
    """Where the sandbox answers: ``SANDBOX_BASE_URL``, and its mount on this server."""
    bases = {settings.SANDBOX_BASE_URL.rstrip("/"), f"{settings.PUBLIC_BASE_URL.rstrip('/')}/sandbox"}
    return sorted(base for base in bases if base)


def sandbox_upstream_settings() -> list[tuple[str, str]]:
    """(name, value) of every URL setting outside ``SANDBOX_*`` that points into the sandbox:
    the platforms' API and auth bases, authorize and token URLs, ``TELEGRAM_API_BASE``, and any
    added later."""
    bases = sandbox_bases()
    found = []
    for name in sorted(set(dir(settings))):  # an overridden setting is listed twice
        if not name.isupper() or name.startswith(SANDBOX_SETTING_PREFIX):
            continue
        value = getattr(settings, name, None)
        if isinstance(value, str) and any(value.rstrip("/") == base or value.startswith(base + "/") for base in bases):
            found.append((name, value))
    return found


@checks.register(checks.Tags.security)
def check_upstreams_not_sandboxed(app_configs, **kwargs):
    """core.E002: an upstream still points at the sandbox while the sandbox is not enabled on
    purpose (``SANDBOX_ENABLED``): the product would call emulators nobody runs, or that the
    next deployment of this server answers with demo data."""
    if settings.SANDBOX_ENABLED:
        return []
    return [
        checks.Error(
            f"{name} points at the sandbox ({value}) but SANDBOX_ENABLED is off.",
            hint=f"Set {name} to the platform's real URL, or set SANDBOX_ENABLED=true to use the sandbox on purpose.",
            id="core.E002",
        )
        for name, value in sandbox_upstream_settings()
    ]


@checks.register(checks.Tags.security)
def check_sandbox_control_token(app_configs, **kwargs):
    """core.E003: the sandbox is enabled outside DEBUG without a control token, so anyone who
    reaches /sandbox/_control/ could steer the emulators (the API refuses every call then)."""
    if settings.SANDBOX_ENABLED and not settings.DEBUG and not settings.SANDBOX_CONTROL_TOKEN:
        return [
            checks.Error(
                "SANDBOX_ENABLED is on outside DEBUG without SANDBOX_CONTROL_TOKEN.",
                hint="Set SANDBOX_CONTROL_TOKEN to a long random value (make run generates one in var/embedded.env), "
                "or turn the sandbox off.",
                id="core.E003",
            )
        ]
    return []
