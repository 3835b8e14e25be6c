"""Which installed apps are the project's own (as opposed to Django's and third-party ones)."""

from __future__ import annotations

import sys
import sysconfig
from pathlib import Path

from django.apps import AppConfig
from django.conf import settings

# Apps that are platform plumbing rather than tenant data: their models may be cross-tenant.
PLATFORM_APPS = {"core", "sandbox"}


def _installed_package_roots() -> list[Path]:
    roots = {sysconfig.get_paths()[key] for key in ("purelib", "platlib", "stdlib")}
    roots.update({sys.prefix, sys.base_prefix})
    return [Path(root).resolve() for root in roots]


def is_project_app(config: AppConfig) -> bool:
    """An app whose code lives in this repository, not in the virtualenv or the stdlib."""
    path = Path(config.path).resolve()
    base = Path(settings.BASE_DIR).resolve()
    if not path.is_relative_to(base):
        return False
    return not any(path.is_relative_to(root) for root in _installed_package_roots())


def is_tenant_data_app(config: AppConfig) -> bool:
    """A project app holding tenant data: every one of its models must be tenant-owned."""
    return is_project_app(config) and config.label not in PLATFORM_APPS


def models_missing_tenant(registry=None) -> list[str]:
    """Labels of models in tenant-data apps that don't inherit ``TenantOwned``."""
    from django.apps import apps as installed

    from core.models import TenantOwned

    registry = registry or installed
    return sorted(
        model._meta.label
        for model in registry.get_models()
        if is_tenant_data_app(registry.get_app_config(model._meta.app_label)) and not issubclass(model, TenantOwned)
    )
