"""Fixtures of the Shopee Live tests: tenant A's studio, and its accounts."""

import pytest

from tests.shopee_live.account_fixtures import make_studio


@pytest.fixture
def studio_a(tenant_a):
    return make_studio(tenant_a)
