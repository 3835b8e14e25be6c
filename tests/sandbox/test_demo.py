"""The sandbox serves ``manage.py demo``: product code imports no sandbox module, and the demo
seeds get the in-process sandbox and its auth codes only for platforms pointed at it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings

from core.management.commands.demo import DemoUpstreams, demo_upstreams
from core.models import Tenant
from sandbox.demo import sandboxed_providers
from tiktok_ads.demo import demo_connect
from tiktok_ads.models import BusinessConnection

PRODUCT_PACKAGES = ("config", "core", "shop_sync", "tiktok_ads", "gmvmax", "conversions")


def test_no_product_module_imports_the_sandbox():
    offenders = []
    for package in PRODUCT_PACKAGES:
        for path in sorted((Path(settings.BASE_DIR) / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
                names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
                if isinstance(node, ast.ImportFrom) and node.level == 0:
                    names = [node.module or ""]
                offenders += [f"{path.relative_to(settings.BASE_DIR)}:{node.lineno} {name}" for name in names if name.split(".")[0] == "sandbox"]
    assert offenders == []


@pytest.mark.django_db
def test_the_demo_gets_the_sandbox_for_the_platforms_pointed_at_it(settings):
    with demo_upstreams() as upstreams:
        assert {"tiktok_shop", "tiktok_business", "tiktok_events", "google_ads", "meta_capi", "telegram"} <= upstreams.in_process
        first, second = upstreams.auth_code("tiktok_business"), upstreams.auth_code("tiktok_business")
        assert first and second and first != second  # a fresh single-use code each time
        assert upstreams.auth_code("lazada") is None

    settings.TIKTOK_BUSINESS_API_BASE = "https://business-api.tiktok.com"
    assert "tiktok_business" not in sandboxed_providers()
    with demo_upstreams() as upstreams:
        assert upstreams.auth_code("tiktok_business") is None

    settings.SANDBOX_ENABLED = False
    with demo_upstreams() as upstreams:
        assert upstreams == DemoUpstreams()


@pytest.mark.django_db
def test_a_business_api_at_a_real_host_connects_nothing(settings):
    settings.TIKTOK_BUSINESS_API_BASE = "https://business-api.tiktok.com"
    demo = Tenant.objects.create(name="Demo Agency", slug="demo")
    with demo_upstreams() as upstreams:
        from django.apps import apps

        apps.get_app_config("tiktok_ads").demo_seed(demo, upstreams=upstreams)
    assert not BusinessConnection.objects.for_tenant(demo).exists()
    assert demo_connect(demo, auth_code=lambda: None) is False
