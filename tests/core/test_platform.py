"""Health, correlation ids, JSON logs with PII masked, production settings, the demo command."""

import json
import logging
import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.core.management import call_command

from core.correlation import correlation_scope, get_correlation_id
from core.logging import mask_pii
from core.models import Membership, Role, Tenant
from core.tasks import tenant_task
from core.tenancy import get_current_tenant

seen_in_task: dict = {}


@tenant_task(name="tests.platform.record_context")
def record_context(*, tenant_id: int) -> None:
    seen_in_task["correlation_id"] = get_correlation_id()
    seen_in_task["tenant"] = get_current_tenant().slug


@pytest.mark.django_db
def test_healthz_reports_database_cache_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["database"]["detail"] == ("postgresql" if "postgres" in os.environ.get("DATABASE_URL", "") else "sqlite")


@pytest.mark.django_db
def test_healthz_is_503_when_the_cache_is_down(client, monkeypatch):
    from core import health

    def broken():
        raise ConnectionError("cache unreachable")

    monkeypatch.setattr(health, "_check_cache", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == {"ok": False, "error": "ConnectionError: cache unreachable", "ms": response.json()["checks"]["cache"]["ms"]}


@pytest.mark.django_db
def test_correlation_id_is_echoed_or_minted(client):
    echoed = client.get("/healthz", HTTP_X_CORRELATION_ID="abc-123")
    assert echoed["X-Correlation-ID"] == "abc-123"
    minted = client.get("/healthz", HTTP_X_CORRELATION_ID="bad id with spaces")
    assert len(minted["X-Correlation-ID"]) == 32 and minted["X-Correlation-ID"] != "bad id with spaces"


@pytest.mark.django_db(transaction=True)
def test_correlation_id_and_tenant_follow_a_task_into_a_real_worker(tenant_a):
    """Published through the broker (memory transport) and run by a worker thread, as in production."""
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    seen_in_task.clear()
    app.conf.task_always_eager = False
    original_broker = app.conf.broker_url
    app.conf.broker_url = "memory://"
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=["default"]):
            with correlation_scope("corr-42"), app.connection_for_write() as connection:
                record_context.apply_async(kwargs={"tenant_id": tenant_a.pk}, queue="default", connection=connection)
            for _ in range(100):
                if seen_in_task:
                    break
                time.sleep(0.05)
    finally:
        app.conf.task_always_eager = True
        app.conf.broker_url = original_broker
    assert seen_in_task == {"correlation_id": "corr-42", "tenant": "tenant-a"}
    assert get_correlation_id() == ""


def test_eager_tasks_keep_the_callers_correlation_id(db, tenant_a):
    seen_in_task.clear()
    with correlation_scope("corr-eager"):
        record_context.delay(tenant_id=tenant_a.pk)
    assert seen_in_task == {"correlation_id": "corr-eager", "tenant": "tenant-a"}


def test_pii_is_masked():
    assert mask_pii("user jane.doe@example.com called +1 (415) 555-1234") == "user j***@example.com called ***34"
    assert mask_pii("order 12345 total 99.50") == "order 12345 total 99.50"


def test_json_log_lines_carry_correlation_id_and_mask_pii(capsys):
    from logging.config import dictConfig

    dictConfig(settings.LOGGING)
    with correlation_scope("corr-log-1"):
        logging.getLogger("tests.platform").warning("lead %s phone %s", "ana@example.com", "+60123456789")
    line = capsys.readouterr().err.strip().splitlines()[-1]
    record = json.loads(line)
    assert record["message"] == "lead a***@example.com phone ***89"
    assert record["correlation_id"] == "corr-log-1"
    assert record["level"] == "WARNING"


@pytest.mark.parametrize(
    "env, message",
    [
        ({"DEBUG": "false"}, "SECRET_KEY must be set"),
        ({"DEBUG": "false", "SECRET_KEY": "x" * 50}, "ALLOWED_HOSTS must be set"),
        ({"DEBUG": "false", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "example.com"}, "FIELD_ENCRYPTION_KEYS must be set"),
    ],
)
def test_production_settings_refuse_to_start_without_secrets(env, message, tmp_path):
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "FIELD_ENCRYPTION_KEYS", "DEBUG"}}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**clean, **env, "DJANGO_SETTINGS_MODULE": "config.settings", "VAR_DIR": str(tmp_path)},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert message in result.stderr


def test_production_settings_are_secure_when_configured(tmp_path):
    from cryptography.fernet import Fernet

    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.ALLOWED_HOSTS, s.DEBUG)"
    )
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "k" * 50,
        "ALLOWED_HOSTS": "shop.example.com",
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "VAR_DIR": str(tmp_path),
    }
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True True True ['shop.example.com'] False"


@pytest.mark.django_db
def test_demo_command_is_idempotent(capsys):
    call_command("demo")
    call_command("demo")
    demo = Tenant.objects.get(slug="demo")
    second = Tenant.objects.get(slug="second-brand")
    assert Tenant.objects.count() == 2
    assert list(Membership.objects.filter(user__username="demo").values_list("tenant__slug", "role").order_by("tenant__slug")) == [
        ("demo", Role.OWNER),
        ("second-brand", Role.OWNER),
    ]
    assert list(Membership.objects.filter(user__username="analyst").values_list("tenant_id", "role")) == [(second.pk, Role.ANALYST)]
    assert demo.time_zone == "Asia/Kuala_Lumpur"
    assert "log in as 'demo'" in capsys.readouterr().out


@pytest.mark.django_db
def test_default_beat_schedules_exist():
    from django_celery_beat.models import PeriodicTask

    names = set(PeriodicTask.objects.values_list("task", flat=True))
    assert {"core.tasks.sync_runs_sweep_task", "core.tasks.api_call_log_prune_task"} <= names
