"""The current tenant, held in a context variable.

It is set in a few known places only: the request's authentication (``TenantMiddleware`` for
sessions, ``ApiKeyAuthentication`` for API keys), ``TenantTask`` for Celery tasks and an explicit
``with tenant_scope(tenant):`` in commands and tests. Tenant-owned models read it through their
default manager, which raises ``TenantContextMissing`` when nothing set it: forgetting the tenant
is loud, never a silent cross-tenant read.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.models import Tenant

_current_tenant: ContextVar[Tenant | None] = ContextVar("current_tenant", default=None)


class TenantContextMissing(RuntimeError):
    """A tenant-owned table was queried with no tenant in context."""


def get_current_tenant(required: bool = True) -> Tenant | None:
    tenant = _current_tenant.get()
    if tenant is None and required:
        raise TenantContextMissing(
            "No tenant in context. Scope the query with tenant_scope(tenant) or .for_tenant(tenant); "
            "code that is cross-tenant on purpose uses Model.all_tenants."
        )
    return tenant


def set_current_tenant(tenant: Tenant | None):
    """Set the tenant and return the token to reset it with. Prefer ``tenant_scope``."""
    return _current_tenant.set(tenant)


def reset_current_tenant(token) -> None:
    _current_tenant.reset(token)


@contextlib.contextmanager
def tenant_scope(tenant: Tenant | None) -> Iterator[Tenant | None]:
    token = _current_tenant.set(tenant)
    try:
        yield tenant
    finally:
        _current_tenant.reset(token)
