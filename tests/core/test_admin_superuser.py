"""Operators who are superusers belong to no tenant: every admin screen must still work for them
(cross-tenant on purpose), and forms must validate in the row's own tenant."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from core.models import Tenant
from shop_sync.models import Brand

pytestmark = pytest.mark.django_db

BRAND_FORM = {"keywords": "[]", "is_active": "on", "created_at_0": "2026-01-01", "created_at_1": "00:00:00"}


@pytest.fixture
def superuser_client(client):
    client.force_login(get_user_model().objects.create_superuser("root", "root@example.com", "pw-pw-pw-pw"))
    return client


def test_every_changelist_and_add_page_renders_for_a_superuser(superuser_client, tenant_a, rf):
    from django.contrib import admin

    request = rf.get("/admin/")
    request.user = get_user_model().objects.get(username="root")
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert superuser_client.get(changelist).status_code == 200, changelist
        if model_admin.has_add_permission(request):
            add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
            assert superuser_client.get(add).status_code == 200, add


def test_superuser_adds_and_edits_a_tenant_row_with_unique_checks(superuser_client):
    tenant = Tenant.objects.create(name="T", slug="t")
    response = superuser_client.post("/admin/shop_sync/brand/add/", {"tenant": tenant.pk, "name": "Glow Lab", **BRAND_FORM})
    assert response.status_code == 302
    brand = Brand.all_tenants.get()
    assert (brand.tenant_id, brand.name) == (tenant.pk, "Glow Lab")
    assert superuser_client.get(f"/admin/shop_sync/brand/{brand.pk}/change/").status_code == 200

    duplicate = superuser_client.post("/admin/shop_sync/brand/add/", {"tenant": tenant.pk, "name": "Glow Lab", **BRAND_FORM})
    assert duplicate.status_code == 200
    assert b"Brand with this Tenant and Name already exists." in duplicate.content
    assert Brand.all_tenants.count() == 1
