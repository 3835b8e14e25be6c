"""Shared fixtures: two tenants (A and B) with a member of each role, and clients for both.

Tests use the real database the product is configured with (PostgreSQL in CI) and Redis when
``REDIS_URL`` is set.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from core.models import Membership, Role, Tenant
from core.services import api_key_create
from core.tenancy import tenant_scope


@pytest.fixture(autouse=True)
def _clear_cache_and_context():
    from django.core.cache import cache

    cache.clear()
    with tenant_scope(None):
        yield


def make_user(username: str, *, password: str = "pass-word-123", **extra):
    return get_user_model().objects.create_user(username=username, email=f"{username}@example.com", password=password, **extra)


@pytest.fixture
def tenant_a(db) -> Tenant:
    return Tenant.objects.create(name="Tenant A", slug="tenant-a")


@pytest.fixture
def tenant_b(db) -> Tenant:
    return Tenant.objects.create(name="Tenant B", slug="tenant-b")


@pytest.fixture
def member_factory(db):
    def factory(tenant: Tenant, role: str = Role.OWNER, username: str | None = None, **extra):
        user = make_user(username or f"{tenant.slug}-{role}", **extra)
        Membership.objects.create(user=user, tenant=tenant, role=role)
        return user

    return factory


@pytest.fixture
def owner_a(member_factory, tenant_a):
    return member_factory(tenant_a, Role.OWNER)


@pytest.fixture
def owner_b(member_factory, tenant_b):
    return member_factory(tenant_b, Role.OWNER)


@pytest.fixture
def client_a(client, owner_a):
    client.force_login(owner_a)
    return client


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def api_key_factory(db):
    def factory(tenant: Tenant, role: str = Role.ADMIN, name: str = "test key") -> str:
        return api_key_create(tenant=tenant, name=name, role=role).raw_key

    return factory


@pytest.fixture
def api_client_for(api_key_factory):
    """``api_client_for(tenant, role)`` → an APIClient authenticated with a fresh key."""

    def factory(tenant: Tenant, role: str = Role.ADMIN) -> APIClient:
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {api_key_factory(tenant, role)}")
        return api

    return factory


@pytest.fixture(autouse=True)
def _celery_eager():
    """Tasks run inline in tests; ``transaction.on_commit`` still decides when they are sent."""
    from config.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
