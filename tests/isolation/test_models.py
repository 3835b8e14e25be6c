"""Every model of a tenant-data app is tenant-owned, every unique rule starts from the tenant,
and the generic builder can build every tenant-owned model. Each rule is shown to fail too."""

import pytest
from django.apps import apps
from django.db import models
from django.test.utils import isolate_apps

import core.checks
from core.checks import check_tenant_uniques, tenant_unique_violations
from core.models import ApiCallLog, SyncRun, SyncRunPart, TenantOwned
from tests.isolation import factories
from tests.isolation.factories import build_world, tenant_owned_models
from tests.isolation.project import is_project_app, models_missing_tenant


def test_project_apps_are_told_apart_from_django_and_third_party_ones():
    project = {config.label for config in apps.get_app_configs() if is_project_app(config)}
    assert {"core", "sandbox"} <= project
    assert not project & {"admin", "auth", "contenttypes", "sessions", "rest_framework", "django_celery_beat", "drf_spectacular"}


def test_every_model_of_a_tenant_data_app_is_tenant_owned():
    assert models_missing_tenant() == []


def test_every_unique_rule_of_tenant_owned_models_includes_tenant():
    assert [(model._meta.label, what) for model, what in tenant_unique_violations()] == []


def test_the_meta_checks_catch_a_model_that_breaks_them(monkeypatch):
    with isolate_apps("tests.isolation") as registry:

        class Orphan(models.Model):  # tenant data without a tenant
            name = models.CharField(max_length=20)

            class Meta:
                app_label = "isolation"

        class GlobalUniques(TenantOwned):
            code = models.CharField(max_length=20, unique=True)
            shop = models.CharField(max_length=20)
            external_id = models.CharField(max_length=20)

            class Meta:
                app_label = "isolation"
                unique_together = [("shop", "external_id")]
                constraints = [models.UniqueConstraint(fields=["external_id"], name="isolation_global_external_id")]

        class TenantUniques(TenantOwned):
            shop = models.CharField(max_length=20)
            external_id = models.CharField(max_length=20)

            class Meta:
                app_label = "isolation"
                unique_together = [("tenant", "shop")]
                constraints = [models.UniqueConstraint(fields=["tenant", "external_id"], name="isolation_tenant_external_id")]

        assert models_missing_tenant(registry) == ["isolation.Orphan"]

        monkeypatch.setattr(core.checks, "apps", registry)
        assert sorted((model.__name__, what) for model, what in tenant_unique_violations()) == [
            ("GlobalUniques", "constraint isolation_global_external_id"),
            ("GlobalUniques", "unique field code"),
            ("GlobalUniques", "unique_together ('shop', 'external_id')"),
        ]
        errors = check_tenant_uniques(None)
        assert {error.id for error in errors} == {"core.E001"}
        assert "GlobalUniques: unique field code does not lead with tenant." in [error.msg for error in errors]
        assert not any(error.obj is TenantUniques for error in errors)


@pytest.mark.django_db
def test_the_builder_makes_one_row_of_every_tenant_owned_model():
    world = build_world("A")
    assert set(world.rows) == {m for m in tenant_owned_models() if m._meta.managed or m._meta.label_lower in factories._builders}
    assert {SyncRun, SyncRunPart, ApiCallLog} <= set(world.rows)
    for model, row in world.rows.items():
        assert model.all_tenants.filter(pk=row.pk, tenant=world.tenant).count() == 1
    part = world.rows[SyncRunPart]
    assert part.run_id == world.rows[SyncRun].pk  # related rows come from the same tenant
    run = SyncRun.all_tenants.get(pk=world.rows[SyncRun].pk)
    assert (run.label, run.kind, run.state, run.requested_by_id) == (
        "LEAKCANARY-A-core-syncrun-label",
        "LEAKCANARY-A-core-syncrun-kind",
        "pending",
        world.user.pk,
    )
    assert run.params == {"leakcanary": "LEAKCANARY-A-core-syncrun-params"}
    method = ApiCallLog.all_tenants.get(pk=world.rows[ApiCallLog].pk).method  # max_length=8
    assert method in world.sentinels and method.startswith("LCA") and len(method) == 8
    assert all(7_000_000 < int(value.text) < 7_100_000 for value in world.pks)


@pytest.mark.django_db
def test_two_worlds_never_share_an_id():
    a, b = build_world("A"), build_world("B")
    assert not {v.text for v in a.pks} & {v.text for v in b.pks}
    assert not a.sentinels & b.sentinels


@pytest.mark.django_db
def test_an_app_can_register_its_own_builder(monkeypatch):
    monkeypatch.setitem(
        factories._builders, "core.apicalllog", lambda world: world.create(ApiCallLog, provider="tiktok_shop", status_code=429)
    )
    world = build_world("A")
    call = ApiCallLog.all_tenants.get(pk=world.rows[ApiCallLog].pk)
    assert (call.provider, call.status_code) == ("tiktok_shop", 429)
    assert call.endpoint == "LEAKCANARY-A-core-apicalllog-endpoint"  # the rest still filled generically
