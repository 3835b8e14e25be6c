"""The demo tenant's Shopee account is connected without a browser, through the services."""

from __future__ import annotations

from core.management.commands.demo import DemoUpstreams
from core.models import ConnectionStatus, Tenant
from shopee_live.apps import ShopeeLiveConfig
from shopee_live.models import ShopeeAccount


def test_the_demo_connects_its_account_on_both_surfaces_once(sandbox, db):
    from sandbox.demo import AUTH_CODE_ISSUERS

    tenant = Tenant.objects.create(name="Demo", slug="demo")
    upstreams = DemoUpstreams(in_process=frozenset({"shopee", "shopee_web"}), auth_codes=AUTH_CODE_ISSUERS)
    config = ShopeeLiveConfig.__new__(ShopeeLiveConfig)

    config.demo_seed(tenant, upstreams=upstreams)
    config.demo_seed(tenant, upstreams=upstreams)

    account = ShopeeAccount.objects.for_tenant(tenant).select_related("studio").get()
    assert (account.studio.name, account.region, account.currency, account.status) == (
        "Jakarta Studio",
        "ID",
        "IDR",
        ConnectionStatus.ACTIVE,
    )
    assert account.web_session and account.access_token and account.refresh_token


def test_without_upstreams_nothing_is_connected(db):
    tenant = Tenant.objects.create(name="Demo", slug="demo")
    config = ShopeeLiveConfig.__new__(ShopeeLiveConfig)

    config.demo_seed(tenant, upstreams=None)
    config.demo_seed(tenant, upstreams=DemoUpstreams())

    assert not ShopeeAccount.all_tenants.exists()
