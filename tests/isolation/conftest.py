"""Tenant A (the victim, with one row of every tenant-owned model) and tenant B's principals."""

import pytest
from django.test import Client

from core.models import Membership, Role
from tests.conftest import make_user
from tests.isolation.factories import build_world
from tests.isolation.walker import Principal


@pytest.fixture
def victim(db):
    return build_world("A")


@pytest.fixture
def actor(db, victim):
    return build_world("B")


def _session(user) -> tuple[Client, callable]:
    client = Client()

    def login():
        client.force_login(user)

    login()
    return client, login


@pytest.fixture
def b_principals(actor) -> list[Principal]:
    """Tenant B's owner (session), B's admin API key, and for /admin/ a staff user (not a
    superuser) who is owner of B only."""
    owner_client, owner_login = _session(actor.user)
    staff = make_user("isolation-staff-b", is_staff=True)
    Membership.objects.create(user=staff, tenant=actor.tenant, role=Role.OWNER)
    staff_client, staff_login = _session(staff)
    return [
        Principal("B owner (session)", owner_client, kinds=("page", "api"), login=owner_login),
        Principal("B admin API key", Client(), kinds=("page", "api"), headers={"HTTP_AUTHORIZATION": f"Bearer {actor.raw_key}"}),
        Principal("B staff owner (admin)", staff_client, kinds=("admin",), login=staff_login),
    ]
