"""Fixtures of the Shopee Live tests: tenant A's studio and its accounts (``studio_a`` for the
account tests; ``studio``/``account_id`` for the API tests), and tenant B's own studio, account
and session (``foreign``, to prove A never sees them)."""

from __future__ import annotations

import pytest

from core.models import Role
from core.tenancy import tenant_scope
from tests.shopee_live import account_fixtures
from tests.shopee_live.factories import make_account, make_session, make_studio

TOKEN_ID = "open-token-id-0001"
TOKEN_B = "open-token-b-0001"


@pytest.fixture
def studio_a(tenant_a):
    return account_fixtures.make_studio(tenant_a)


@pytest.fixture
def in_a(tenant_a):
    with tenant_scope(tenant_a):
        yield tenant_a


@pytest.fixture
def studio(in_a):
    return make_studio(in_a, "Jakarta Studio")


@pytest.fixture
def account_id(studio):
    """Indonesian account with an Open Platform token and a Seller Center session."""
    return make_account(studio, region="ID", name="toko_jkt", user_id="500001", shop_id="456", access_token=TOKEN_ID, web_session="spc-id")


@pytest.fixture
def foreign(tenant_b):
    """Tenant B's studio, account and session."""
    with tenant_scope(tenant_b):
        studio = make_studio(tenant_b, "B Studio")
        account = make_account(studio, region="ID", name="toko_b", user_id="600001", access_token=TOKEN_B, web_session="spc-b")
        session = make_session(account, "sess_b_1", total_viewers=1, is_final=True)
    return {"studio": studio, "account": account, "session": session}


@pytest.fixture
def api(api_client_for, tenant_a):
    return api_client_for(tenant_a, Role.ADMIN)


@pytest.fixture
def viewer_api(api_client_for, tenant_a):
    return api_client_for(tenant_a, Role.VIEWER)
