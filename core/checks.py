"""System checks: tenant-owned models keep tenant in every unique constraint."""

from django.apps import apps
from django.core import checks

from core.models import TenantOwned

PLATFORM_APPS = {"core", "sandbox"}


def tenant_unique_violations():
    """(model, description) for each unique constraint or unique field on a tenant-owned
    model that doesn't include ``tenant``."""
    for model in apps.get_models():
        if not issubclass(model, TenantOwned):
            continue
        for constraint in model._meta.constraints:
            fields = getattr(constraint, "fields", None)
            if fields and "tenant" not in fields:
                yield model, f"constraint {constraint.name}"
        for fields in model._meta.unique_together:
            if "tenant" not in fields:
                yield model, f"unique_together {fields}"
        for field in model._meta.local_fields:
            if field.unique and not field.primary_key:
                yield model, f"unique field {field.name}"


@checks.register()
def check_tenant_uniques(app_configs, **kwargs):
    return [
        checks.Error(f"{model.__name__}: {what} does not include tenant.", obj=model, id="core.E001")
        for model, what in tenant_unique_violations()
    ]
