"""Fixtures of the shop_sync tests: a connected shop of tenant A (``shop_a``)."""

import pytest

from tests.shop_sync.shop_fixtures import make_shop


@pytest.fixture
def shop_a(tenant_a):
    return make_shop(tenant_a)
