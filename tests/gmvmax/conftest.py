"""GMV Max test setup: tenant A connected to the sandbox's ``demo`` fixture through the real
OAuth service path, with the sandbox clock frozen at the real "now" (so the product's "today"
and the sandbox's agree, and ONGOING rooms don't grow between a fetch and the expected figures)."""

from __future__ import annotations

import time

import pytest

from core.tenancy import tenant_scope
from tests.tiktok_ads.helpers import connect_business
from tiktok_ads.models import Advertiser

EMULATOR = "tiktok-business"


@pytest.fixture
def clock(sandbox) -> int:
    now = int(time.time())
    sandbox.set_options(EMULATOR, clock_frozen_at=now)
    return now


@pytest.fixture
def business(tenant_a, sandbox, clock):
    return connect_business(tenant_a, fixture="demo")


@pytest.fixture
def advertisers(business, tenant_a) -> dict[str, Advertiser]:
    """The demo advertisers by name."""
    return {advertiser.name: advertiser for advertiser in Advertiser.objects.for_tenant(tenant_a)}


@pytest.fixture
def in_tenant_a(tenant_a):
    with tenant_scope(tenant_a):
        yield tenant_a
